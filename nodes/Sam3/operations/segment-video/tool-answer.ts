import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import { compact } from '../../job/output-item';
import { type ToolArguments, toolCost } from '../../job/tool-call';
import { spread } from '../shared/tool-lists';
import { urlOf } from '../shared/tool-urls';

/**
 * Segment Video's answer to an AI Agent (job/tool-call.ts says why it is one small item): the result video's URL,
 * the frame count, a short summary of the per-frame boxes and the cost. Never the RLE masks, base64 or the files:
 * a video's masks run to megabytes, and the model reads its answer again on every later turn.
 */

/** Frames whose box is listed: evenly spread over the frames with an object, first and last included. */
export const MAX_TOOL_FRAMES = 12;
const BOX_FORMAT = 'box: centre x/y, width, height as fractions of the frame';

/** Node parameters a model can fill with $fromAI, by the names errors use for them (panel label or contract field). */
export const VIDEO_TOOL_ARGUMENTS: ToolArguments = {
	byField: [
		[/^(Video URL|video_url)\b/, ['videoUrl']],
		[/^(Text Prompt|prompt)\b/, ['prompt']],
		[/^(Input Binary Field)\b/, ['videoBinaryPropertyName']],
		[/^(Point Prompts|point_prompts)\b/, ['pointPromptsJson', 'pointPrompts']],
		[/^(Box Prompts|box_prompts)\b/, ['boxPromptsJson', 'boxPrompts']],
		[/^(Point|Box)(es|s)? (\d|\(JSON\))/, ['pointAndBoxPrompts']],
	],
	// fal's error types for an input video it could not fetch or read (file_download_error, video_load_error, …).
	mediaErrors: { errorType: /^(file_download|video_)/, field: 'Video URL' },
};

const round = (value: unknown) => (typeof value === 'number' ? Number(value.toFixed(4)) : undefined);

/** A frame the object shows in: it has a box, or a mask that is not empty. */
const hasObject = (frame: IDataObject) => Array.isArray(frame.box) || (typeof frame.rle === 'string' && frame.rle.trim() !== '');

/** The per-frame boxes in brief: how many frames show the object, where it is on a few of them. */
function framesSummary(frames: IDataObject[]): IDataObject {
	const withBox = frames.filter((frame) => Array.isArray(frame.box) && (frame.box as unknown[]).length === 4);
	const withMask = frames.filter(hasObject);
	const shown = spread(withBox, MAX_TOOL_FRAMES).map((frame) =>
		compact({ frameIndex: frame.frameIndex, box: (frame.box as unknown[]).map(round), score: round(frame.score) }),
	);
	return compact({
		framesWithObject: withMask.length,
		firstFrame: withMask[0]?.frameIndex,
		lastFrame: withMask[withMask.length - 1]?.frameIndex,
		boxes: shown.length ? shown : undefined,
		boxFormat: shown.length ? BOX_FORMAT : undefined,
	});
}

/** What the model should know that the answer does not show. */
function noteOn(json: IDataObject, frames: IDataObject[] | undefined, shownBoxes: number): string | undefined {
	const notes: string[] = [];
	if (frames && frames.length && !frames.some(hasObject)) notes.push('No object matched the prompt in any frame.');
	const boxed = frames?.filter((frame) => Array.isArray(frame.box)).length ?? 0;
	if (shownBoxes < boxed) notes.push(`Boxes of ${shownBoxes} of ${boxed} frames listed (spread over the video).`);
	if (json.video && !urlOf(json.video)) notes.push('The result video has no public URL to give (it was returned inline); it is in the workflow.');
	return notes.join(' ') || undefined;
}

/** One compact item for the model from Segment Video's output item of one tool call. */
export function videoToolAnswer(ctx: IExecuteSingleFunctions, items: INodeExecutionData[]): INodeExecutionData[] {
	const first = items[0]?.json ?? {};
	const frames = Array.isArray(first.frames) ? (first.frames as IDataObject[]) : undefined;
	const summary = frames ? framesSummary(frames) : {};
	const json: IDataObject = compact({
		provider: first.provider,
		requestId: first.requestId,
		status: first.status,
		model: first.model,
		videoUrl: urlOf(first.video),
		boundingBoxesUrl: urlOf(first.boundingBoxes),
		frameCount: first.frameCount,
		...summary,
		...toolCost(first.cost),
	});
	json.note = noteOn(first, frames, Array.isArray(summary.boxes) ? summary.boxes.length : 0);
	return [{ json: compact(json), pairedItem: { item: ctx.getItemIndex() } }];
}
