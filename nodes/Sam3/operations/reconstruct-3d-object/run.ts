import type { DeclarativeRestApiSettings, IExecutePaginationFunctions, INodeExecutionData } from 'n8n-workflow';

import { OBJECTS_3D_ENDPOINT, Objects3dOutputSchema } from '../../contract/reconstruct-3d.schema';
import { readOutput } from '../../contract/result-file';
import { fetchResult, jobStep, jobTiming, openJob, runItem, runJob, submittedItems } from '../../job/provider-job';
import { IMAGE_KIND } from '../shared/image-bytes';
import { readObjectRequest } from './object-settings';
import { OBJECT_OUTPUT, objectResultItems } from './output-items';
import { OBJECT_TOOL_ARGUMENTS, objectToolAnswer } from './tool-answer';

/**
 * One item of Reconstruct 3D Object (fal.ai only): a photo and what to reconstruct in, one queued job (upload,
 * status stream, Max Wait, cancel), then the GLB and splat files and the objects' poses (for an AI Agent: their URLs).
 */
export async function runReconstruct3dObject(
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	return await runItem(this, requestData, OBJECT_TOOL_ARGUMENTS, async (item) => {
		const { downloads, units, ...request } = readObjectRequest(this, this.getItemIndex());
		const job = await openJob(item, {
			...request,
			targetLabels: { model: 'Provider', endpoint: 'Provider' },
			mediaField: 'image_url',
			mediaKind: IMAGE_KIND,
			ownOutput: OBJECT_OUTPUT,
			cost: { endpointId: OBJECTS_3D_ENDPOINT.id, quantity: { units } },
		});
		const run = await runJob(job);
		if (!run) return [];
		if (!run.finished) return submittedItems(job, run, item.toolCall);
		const { output, ...provided } = await fetchResult(job, run);
		const read = await jobStep(job, run, 'result', () => readOutput(Objects3dOutputSchema, output, 'SAM 3D Objects'));
		const items = await jobStep(job, run, 'download', async () => await objectResultItems(job, run.submission, { ...provided, output: read }, downloads, jobTiming(run)));
		return item.toolCall && items.length ? objectToolAnswer(this, items) : items;
	});
}
