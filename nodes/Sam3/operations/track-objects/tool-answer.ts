import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import { compact } from '../../job/output-item';
import { type ToolArguments, toolCost } from '../../job/tool-call';
import { spread } from '../shared/tool-lists';

/**
 * Track Objects' answer to an AI Agent: how many objects, and per object the frames it is on and its box on a few
 * of them, and the cost. Never the RLE masks (megabytes over a video) nor files.
 */

const MAX_TOOL_TRACKS = 20;
const BOXES_PER_TRACK = 6;

export const TRACKS_TOOL_ARGUMENTS: ToolArguments = {
	byField: [
		[/^(Video URL|video_url)\b/, ['videoUrl']],
		[/^(Text Prompt|prompt)\b/, ['prompt']],
		[/^(Input Binary Field)\b/, ['videoBinaryPropertyName']],
	],
	mediaErrors: { errorType: /^(file_download|video_)/, field: 'Video URL' },
};

export function tracksToolAnswer(ctx: IExecuteSingleFunctions, items: INodeExecutionData[]): INodeExecutionData[] {
	const first = items[0]?.json ?? {};
	const tracks = items
		.filter((item) => item.json.trackId !== undefined)
		.slice(0, MAX_TOOL_TRACKS)
		.map(({ json }) =>
			compact({
				trackId: json.trackId,
				framesWithObject: json.framesWithObject,
				firstFrame: json.firstFrame,
				lastFrame: json.lastFrame,
				boxes: spread((json.frames ?? []) as IDataObject[], BOXES_PER_TRACK).map((frame) => compact({ frameIndex: frame.frameIndex, box: frame.box as IDataObject })),
			}),
		);
	const count = Number(first.trackCount ?? 0);
	const json = compact({
		provider: first.provider,
		requestId: first.requestId,
		status: first.status,
		model: first.model,
		trackCount: first.trackCount,
		frameCount: first.frameCount,
		width: first.width,
		height: first.height,
		tracks: tracks.length ? tracks : undefined,
		boxFormat: tracks.length ? 'box: edges in pixels of the frame' : undefined,
		...toolCost(first.cost),
		note: count === 0 ? first.note : count > MAX_TOOL_TRACKS ? `${MAX_TOOL_TRACKS} of ${count} objects listed.` : undefined,
	});
	return [{ json, pairedItem: { item: ctx.getItemIndex() } }];
}
