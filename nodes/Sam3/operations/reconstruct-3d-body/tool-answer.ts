import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import { compact } from '../../job/output-item';
import { type ToolArguments, toolCost } from '../../job/tool-call';
import { urlOf } from '../shared/tool-urls';

/** Reconstruct 3D Body's answer to an AI Agent: the model's URL, each person's box, and the cost; no keypoints, no files. */

const MAX_TOOL_PEOPLE = 10;

export const BODY_TOOL_ARGUMENTS: ToolArguments = {
	byField: [
		[/^(Image URL|image_url)\b/, ['imageUrl']],
		[/^(Input Binary Field)\b/, ['binaryPropertyName']],
	],
	mediaErrors: { errorType: /^(file_download|image_)/, field: 'Image URL' },
};

export function bodyToolAnswer(ctx: IExecuteSingleFunctions, items: INodeExecutionData[]): INodeExecutionData[] {
	const first = items[0]?.json ?? {};
	const people = ((first.people ?? []) as IDataObject[]).slice(0, MAX_TOOL_PEOPLE).map((person) => compact({ personId: person.personId, box: person.box as IDataObject }));
	const json = compact({
		provider: first.provider,
		requestId: first.requestId,
		status: first.status,
		model: first.model,
		peopleCount: first.peopleCount,
		glbUrl: urlOf(first.glb),
		visualizationUrl: urlOf(first.visualization),
		people: people.length ? people : undefined,
		boxFormat: people.length ? 'box: edges in pixels of the photo' : undefined,
		...toolCost(first.cost),
		note: people.length ? undefined : 'No person was found in the photo.',
	});
	return [{ json, pairedItem: { item: ctx.getItemIndex() } }];
}
