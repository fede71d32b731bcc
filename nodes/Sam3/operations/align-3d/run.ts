import type { DeclarativeRestApiSettings, IDataObject, IExecutePaginationFunctions, INodeExecutionData } from 'n8n-workflow';

import { ALIGN_3D_ENDPOINT, Align3dOutputSchema } from '../../contract/reconstruct-3d.schema';
import { readOutput } from '../../contract/result-file';
import { compact } from '../../job/output-item';
import { fetchResult, jobStep, jobTiming, openJob, runItem, runJob, submittedItems } from '../../job/provider-job';
import { type ToolArguments, toolCost } from '../../job/tool-call';
import { urlOf } from '../shared/tool-urls';
import { IMAGE_KIND } from '../shared/image-bytes';
import { readAlignRequest } from './align-settings';
import { ALIGN_OUTPUT, alignResultItems } from './output-items';

const ALIGN_TOOL_ARGUMENTS: ToolArguments = {
	byField: [
		[/^(Image URL|image_url)\b/, ['imageUrl']],
		[/^(Body Mesh URL|body_mesh_url)\b/, ['bodyMeshUrl']],
	],
	mediaErrors: { errorType: /^(file_download|image_)/, field: 'Image URL' },
};

/** One item of Align 3D Body and Object (fal.ai only): a photo and a body mesh in, the aligned body (and scene) out. */
export async function runAlign3d(
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	return await runItem(this, requestData, ALIGN_TOOL_ARGUMENTS, async (item) => {
		const request = readAlignRequest(this, this.getItemIndex());
		const job = await openJob(item, {
			...request,
			targetLabels: { model: 'Provider', endpoint: 'Provider' },
			mediaField: 'image_url',
			mediaKind: IMAGE_KIND,
			ownOutput: ALIGN_OUTPUT,
			cost: { endpointId: ALIGN_3D_ENDPOINT.id },
		});
		const run = await runJob(job);
		if (!run) return [];
		if (!run.finished) return submittedItems(job, run, item.toolCall);
		const { output, ...provided } = await fetchResult(job, run);
		const read = await jobStep(job, run, 'result', () => readOutput(Align3dOutputSchema, output, 'SAM 3D Align'));
		const items = await jobStep(job, run, 'download', async () => await alignResultItems(job, run.submission, { ...provided, output: read }, jobTiming(run)));
		if (!item.toolCall || !items.length) return items;
		// For an AI Agent: where the files are, the alignment, the cost; no files.
		const { json } = items[0];
		const answer = compact({
			provider: json.provider,
			requestId: json.requestId,
			status: json.status,
			model: json.model,
			glbUrl: urlOf(json.glb),
			sceneUrl: urlOf(json.scene),
			alignment: json.alignment as IDataObject,
			...toolCost(json.cost),
		});
		return [{ json: answer, pairedItem: { item: this.getItemIndex() } }];
	});
}
