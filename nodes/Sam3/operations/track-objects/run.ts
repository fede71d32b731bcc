import type { DeclarativeRestApiSettings, IExecutePaginationFunctions, INodeExecutionData } from 'n8n-workflow';

import { readOutput } from '../../contract/result-file';
import { TRACKS_ENDPOINT, TracksOutputSchema } from '../../contract/tracks.schema';
import { fetchResult, jobStep, jobTiming, openJob, runItem, runJob, submittedItems } from '../../job/provider-job';
import { DEFAULT_VIDEO_MAX_WAIT_SECONDS } from '../../limits';
import { VIDEO_KIND } from '../shared/video-bytes';
import { videoFrameCount } from '../shared/video-dimensions';
import { TRACKS_OUTPUT, trackResultItems } from './output-items';
import { readTracksRequest } from './tracks-settings';
import { TRACKS_TOOL_ARGUMENTS, tracksToolAnswer } from './tool-answer';

/** One item of Track Objects in a Video (fal.ai only): a video and a concept in, one item per tracked object out. */
export async function runTrackObjects(
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	return await runItem(this, requestData, TRACKS_TOOL_ARGUMENTS, async (item) => {
		const { frameMaskFiles, ...request } = readTracksRequest(this, this.getItemIndex());
		const job = await openJob(item, {
			...request,
			targetLabels: { model: 'Provider', endpoint: 'Provider' },
			mediaField: 'video_url',
			mediaKind: VIDEO_KIND,
			ownOutput: TRACKS_OUTPUT,
			// fal bills video per 16 input frames: read from a binary video's container (URL videos: from the answer).
			cost: { endpointId: TRACKS_ENDPOINT.id, quantityOf: (video: Buffer) => ({ frames: videoFrameCount(video) }) },
			// A video job, as long as Segment Video's (the panel's Options > Max Wait shows the same default).
			defaultMaxWaitSeconds: DEFAULT_VIDEO_MAX_WAIT_SECONDS,
		});
		const run = await runJob(job);
		if (!run) return [];
		if (!run.finished) return submittedItems(job, run, item.toolCall);
		const { output, ...provided } = await fetchResult(job, run);
		const read = await jobStep(job, run, 'result', () => readOutput(TracksOutputSchema, output, 'SAM 3 tracks'));
		const items = await jobStep(job, run, 'result', async () => await trackResultItems(job, run.submission, { ...provided, output: read }, frameMaskFiles, jobTiming(run)));
		return item.toolCall && items.length ? tracksToolAnswer(this, items) : items;
	});
}
