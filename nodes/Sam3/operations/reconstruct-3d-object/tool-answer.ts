import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import { compact } from '../../job/output-item';
import { type ToolArguments, toolCost } from '../../job/tool-call';
import { urlOf } from '../shared/tool-urls';

/**
 * Reconstruct 3D Object's answer to an AI Agent: where the models are (URLs), how many objects and where each sits,
 * and the estimated cost. Never the files or the raw answer: a model reads its answer again on every later turn.
 */

const MAX_TOOL_OBJECTS = 10;

export const OBJECT_TOOL_ARGUMENTS: ToolArguments = {
	byField: [
		[/^(Image URL|image_url)\b/, ['imageUrl']],
		[/^(Text Prompt|prompt)\b/, ['prompt']],
		[/^(Input Binary Field)\b/, ['binaryPropertyName']],
	],
	mediaErrors: { errorType: /^(file_download|image_)/, field: 'Image URL' },
};

export function objectToolAnswer(ctx: IExecuteSingleFunctions, items: INodeExecutionData[]): INodeExecutionData[] {
	const first = items[0]?.json ?? {};
	const objects = ((first.objects ?? []) as IDataObject[]).slice(0, MAX_TOOL_OBJECTS).map((object) =>
		compact({ index: object.index, glbUrl: urlOf(object.glb), translation: object.translation as IDataObject[string] }),
	);
	const json = compact({
		provider: first.provider,
		requestId: first.requestId,
		status: first.status,
		model: first.model,
		objectCount: first.objectCount,
		glbUrl: urlOf(first.glb),
		splatUrl: urlOf(first.splat),
		artifactsUrl: urlOf(first.artifacts),
		objects: objects.length > 1 ? objects : undefined,
		...toolCost(first.cost),
		note: Number(first.objectCount) > MAX_TOOL_OBJECTS ? `${MAX_TOOL_OBJECTS} of ${String(first.objectCount)} objects listed.` : undefined,
	});
	return [{ json, pairedItem: { item: ctx.getItemIndex() } }];
}
