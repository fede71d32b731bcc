import type { DeclarativeRestApiSettings, IExecutePaginationFunctions, INodeExecutionData } from 'n8n-workflow';

import { normalizeSam3Output, normalizeSam3RleOutput } from '../../contract/normalize';
import { fetchResult, jobStep, jobTiming, openJob, runItem, runJob, submittedItems } from '../../job/provider-job';
import { IMAGE_KIND } from './image-bytes';
import { readImageRequest } from './image-settings';
import { IMAGE_OUTPUT, resultItems } from './output-items';
import { rleImageSize } from './rle-size';
import { IMAGE_TOOL_ARGUMENTS, imageToolAnswer } from './tool-answer';

/**
 * One item of Segment Image: its parameters, one job on fal.ai or Runflow, its masks as PNG files with scores,
 * boxes and crops (or, for an AI Agent, one compact answer).
 */
export async function runSegmentImage(
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	return await runItem(this, requestData, IMAGE_TOOL_ARGUMENTS, async (item) => {
		const request = readImageRequest(this, this.getItemIndex());
		const job = await openJob(item, { ...request, mediaField: 'image_url', mediaKind: IMAGE_KIND, ownOutput: IMAGE_OUTPUT });
		const rle = request.target.endpoint === 'image-rle';
		// RLE masks carry no size: learned from the input before anything is submitted, so an item that could not
		// be finished starts no job.
		if (rle) job.mediaSize = await rleImageSize(job);

		const run = await runJob(job);
		if (!run) return [];
		if (!run.finished) return submittedItems(job, run, item.toolCall);
		const { output, ...provided } = await fetchResult(job, run);
		const result = await jobStep(job, run, 'result', () => ({ ...provided, ...(rle ? normalizeSam3RleOutput(output) : normalizeSam3Output(output)) }));
		const items = await jobStep(job, run, 'download', async () => await resultItems(job, run.submission, result, jobTiming(run)));
		return item.toolCall && items.length ? imageToolAnswer(this, items) : items;
	});
}
