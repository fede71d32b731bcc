import type { DeclarativeRestApiSettings, IExecutePaginationFunctions, INodeExecutionData } from 'n8n-workflow';

import { BODY_3D_ENDPOINT, Body3dOutputSchema } from '../../contract/reconstruct-3d.schema';
import { readOutput } from '../../contract/result-file';
import { fetchResult, jobStep, jobTiming, openJob, runItem, runJob, submittedItems } from '../../job/provider-job';
import { IMAGE_KIND } from '../shared/image-bytes';
import { readBodyRequest } from './body-settings';
import { BODY_OUTPUT, bodyResultItems } from './output-items';
import { BODY_TOOL_ARGUMENTS, bodyToolAnswer } from './tool-answer';

/** One item of Reconstruct 3D Body (fal.ai only): a photo in, one queued job, the people as 3D meshes with keypoints out. */
export async function runReconstruct3dBody(
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	return await runItem(this, requestData, BODY_TOOL_ARGUMENTS, async (item) => {
		const { downloads, ...request } = readBodyRequest(this, this.getItemIndex());
		const job = await openJob(item, {
			...request,
			targetLabels: { model: 'Provider', endpoint: 'Provider' },
			mediaField: 'image_url',
			mediaKind: IMAGE_KIND,
			ownOutput: BODY_OUTPUT,
			cost: { endpointId: BODY_3D_ENDPOINT.id },
		});
		const run = await runJob(job);
		if (!run) return [];
		if (!run.finished) return submittedItems(job, run, item.toolCall);
		const { output, ...provided } = await fetchResult(job, run);
		const read = await jobStep(job, run, 'result', () => readOutput(Body3dOutputSchema, output, 'SAM 3D Body'));
		const items = await jobStep(job, run, 'download', async () => await bodyResultItems(job, run.submission, { ...provided, output: read }, downloads, jobTiming(run)));
		return item.toolCall && items.length ? bodyToolAnswer(this, items) : items;
	});
}
