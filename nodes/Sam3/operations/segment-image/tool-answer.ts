import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import { compact } from '../../job/output-item';
import { type ToolArguments, toolCost } from '../../job/tool-call';
import { urlBudgetNote, withinUrlBudget } from '../../job/tool-budget';
import { urlOf } from '../shared/tool-urls';

/**
 * Segment Image's answer to an AI Agent (job/tool-call.ts says why it is one small item): counts, scores, boxes,
 * mask URLs (bounded in size) and the cost.
 */

/** Masks listed for a model: SAM 3 returns a few per prompt; a model needs no more than this to answer. */
export const MAX_TOOL_MASKS = 20;
const BOX_FORMAT = 'box: centre x/y, width, height as fractions of the image; pixelBox: edges in pixels';

/** Node parameters a model can fill with $fromAI, by the names errors use for them (panel label or contract field). */
export const IMAGE_TOOL_ARGUMENTS: ToolArguments = {
	byField: [
		[/^(Image URL|image_url)\b/, ['imageUrl']],
		[/^(Text Prompt|prompt)\b/, ['prompt']],
		[/^(Input Binary Field)\b/, ['binaryPropertyName']],
		[/^(Point Prompts|point_prompts)\b/, ['pointPromptsJson', 'pointPrompts']],
		[/^(Box Prompts|box_prompts)\b/, ['boxPromptsJson', 'boxPrompts']],
		[/^(Point|Box)(es|s)? (\d|\(JSON\))/, ['pointAndBoxPrompts']],
	],
	// fal's error types for an input image it could not fetch or read (file_download_error, image_load_error, …).
	mediaErrors: { errorType: /^(file_download|image_)/, field: 'Image URL' },
};

const round = (value: unknown, digits: number) => (typeof value === 'number' ? Number(value.toFixed(digits)) : undefined);

function toolMask(mask: IDataObject): IDataObject {
	const box = mask.box as IDataObject | undefined;
	return compact({
		index: mask.index,
		score: round(mask.score, 4),
		box: box && { cx: round(box.cx, 4), cy: round(box.cy, 4), w: round(box.w, 4), h: round(box.h, 4) },
		pixelBox: mask.pixelBox,
		url: urlOf(mask),
	});
}

/** The masks of a result: one item holding `masks`, or (Split Masks) one item per mask. */
function masksOf(items: INodeExecutionData[]): IDataObject[] {
	if (Array.isArray(items[0]?.json.masks)) return items[0].json.masks as IDataObject[];
	return items.map((item) => item.json.mask as IDataObject | undefined).filter((mask): mask is IDataObject => !!mask);
}

/** The best-scoring masks, in their own order. */
function listed(masks: IDataObject[]): IDataObject[] {
	if (masks.length <= MAX_TOOL_MASKS) return masks;
	const score = (mask: IDataObject) => (typeof mask.score === 'number' ? mask.score : -1);
	const best = new Set([...masks].sort((a, b) => score(b) - score(a)).slice(0, MAX_TOOL_MASKS));
	return masks.filter((mask) => best.has(mask));
}

/** What the model should know about the list: cut short, empty, or without the scores and boxes it was not given. */
function noteOn(masks: IDataObject[], shown: IDataObject[]): string | undefined {
	if (masks.length === 0) return 'No object matched the prompt.';
	const notes = shown.length < masks.length ? [`${shown.length} of ${masks.length} masks listed (the highest scores).`] : [];
	const missing = [masks.some((m) => m.score !== undefined) ? '' : 'scores', masks.some((m) => m.box !== undefined) ? '' : 'boxes'].filter(Boolean);
	if (missing.length) notes.push(`No ${missing.join(' or ')}: the workflow did not ask for them (Options > Include Scores / Include Boxes).`);
	return notes.join(' ') || undefined;
}

/** One compact item for the model from Segment Image's output items of one tool call. */
export function imageToolAnswer(ctx: IExecuteSingleFunctions, items: INodeExecutionData[]): INodeExecutionData[] {
	const first = items[0]?.json ?? {};
	const pairedItem = { item: ctx.getItemIndex() };
	const head = compact({ provider: first.provider, requestId: first.requestId, status: first.status });
	const masks = masksOf(items);
	const { entries: shown, urlsLeftOut } = withinUrlBudget(listed(masks).map(toolMask));
	const maskSize = masks.find((mask) => mask.width && mask.height);
	const json: IDataObject = compact({
		...head,
		maskCount: masks.length,
		// The input image's size (known for binary input), else the masks' (SAM 3 draws them at the image's size).
		width: first.width ?? maskSize?.width,
		height: first.height ?? maskSize?.height,
		nsfwDetected: first.nsfwDetected,
		masks: shown,
		boxFormat: shown.length ? BOX_FORMAT : undefined,
		...toolCost(first.cost),
		note: [noteOn(masks, shown), urlBudgetNote(urlsLeftOut)].filter(Boolean).join(' ') || undefined,
	});
	return [{ json, pairedItem }];
}
