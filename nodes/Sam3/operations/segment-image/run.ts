import type { DeclarativeRestApiSettings, IExecutePaginationFunctions, INodeExecutionData } from 'n8n-workflow';

import { normalizeSam3Output, normalizeSam3RleOutput } from '../../contract/normalize';
import { fetchResult, jobStep, jobTiming, openJob, runItem, runJob, submittedItems } from '../../job/provider-job';
import { IMAGE_KIND } from '../shared/image-bytes';
import { readImageRequest } from './image-settings';
import { IMAGE_OUTPUT, resultItems } from './output-items';
import { sortResult } from './result-parts';
import { rleImageSize } from './rle-size';
import { IMAGE_TOOL_ARGUMENTS, imageToolAnswer } from './tool-answer';

/**
 * One item of Segment Image: its parameters, one job on fal.ai or Runflow, its masks as PNG files with scores,
 * boxes and crops, the preview and any other file the provider reports (or, for an AI Agent, one compact answer).
 */
export async function runSegmentImage(
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	return await runItem(this, requestData, IMAGE_TOOL_ARGUMENTS, async (item) => {
		const request = readImageRequest(this, this.getItemIndex());
		const cost = { endpointId: `fal-ai/${request.target.model}/${request.target.endpoint}` };
		const job = await openJob(item, { ...request, mediaField: 'image_url', mediaKind: IMAGE_KIND, ownOutput: IMAGE_OUTPUT, cost });
		const rle = request.target.endpoint === 'image-rle';
		// RLE masks carry no size: learned from the input before anything is submitted, so an item that could not
		// be finished starts no job. Only a result is decoded at it: with Wait for Result off no header is fetched.
		if (rle && job.settings.waitForResult) job.mediaSize = await rleImageSize(job);

		const run = await runJob(job);
		if (!run) return [];
		if (!run.finished) return submittedItems(job, run, item.toolCall);
		const { output: answer, artifacts, ...provided } = await fetchResult(job, run);
		const result = await jobStep(job, run, 'result', () => {
			const { output, files, modelData } = sortResult(answer, artifacts, request.input.apply_mask !== false);
			return { ...provided, files, modelData, ...(rle ? normalizeSam3RleOutput(output) : normalizeSam3Output(output)) };
		});
		const items = await jobStep(job, run, 'download', async () => await resultItems(job, run.submission, result, jobTiming(run)));
		return item.toolCall && items.length ? imageToolAnswer(this, items) : items;
	});
}
