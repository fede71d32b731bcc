import type { DeclarativeRestApiSettings, IExecutePaginationFunctions, INodeExecutionData } from 'n8n-workflow';

import { normalizeVideoOutput } from '../../contract/normalize-video';
import { fetchResult, jobStep, jobTiming, openJob, runItem, runJob, submittedItems } from '../../job/provider-job';
import { DEFAULT_VIDEO_MAX_WAIT_SECONDS } from '../../limits';
import { frameSizeBeforeJob, wantsFrameMasks } from './frame-masks';
import { VIDEO_OUTPUT, videoResultItems } from './output-items';
import { VIDEO_TOOL_ARGUMENTS, videoToolAnswer } from './tool-answer';
import { VIDEO_KIND } from '../shared/video-bytes';
import { videoFrameCount } from '../shared/video-dimensions';
import { readVideoRequest } from './video-settings';

/**
 * One item of Segment Video (fal.ai only): its parameters, one queued job (upload, status stream, Max Wait,
 * cancel), then the result video and boxes zip as files, or per-frame RLE masks with their boxes as JSON (for an
 * AI Agent: the video's URL, frame count and a summary of the boxes).
 */
export async function runSegmentVideo(
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	return await runItem(this, requestData, VIDEO_TOOL_ARGUMENTS, async (item) => {
		const request = readVideoRequest(this, this.getItemIndex());
		// fal bills per 16 frames of the input video: read from a binary video's container (URL videos: from the result, item-cost.ts).
		const quantityOf = (video: Buffer) => ({ frames: videoFrameCount(video), framesFrom: "the input video's container" });
		const cost = { endpointId: `fal-ai/${request.target.model}/${request.target.endpoint}`, quantityOf };
		const job = await openJob(item, { ...request, mediaField: 'video_url', mediaKind: VIDEO_KIND, ownOutput: VIDEO_OUTPUT, cost, defaultMaxWaitSeconds: DEFAULT_VIDEO_MAX_WAIT_SECONDS });
		// Mask Files per Frame decodes at the video's frame size: read before the job, so an unreadable one costs none.
		if (job.settings.waitForResult && job.settings.output.download && wantsFrameMasks(job)) job.mediaSize = await frameSizeBeforeJob(job);

		const run = await runJob(job);
		if (!run) return [];
		if (!run.finished) return submittedItems(job, run, item.toolCall);
		const { output, ...provided } = await fetchResult(job, run);
		const result = await jobStep(job, run, 'result', () => ({ ...provided, ...normalizeVideoOutput(output) }));
		const { model, endpoint } = run.submission.target;
		const items = await jobStep(job, run, 'download', async () =>
			await videoResultItems(job, run.submission, `fal-ai/${model}/${endpoint}`, result, jobTiming(run)),
		);
		return item.toolCall && items.length ? videoToolAnswer(this, items) : items;
	});
}
