import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import { ExecutionCancelledError, ItemInputError, ProviderError } from '../transport/errors';
import { withoutUserInfo } from '../transport/redact';
import { errorDetails } from './item-errors';
import { compact } from './output-item';

/**
 * The node as an AI Agent's tool (n8n serves it as `<package>.sam3Tool`): what the model reads back. n8n hands the
 * model only the items' JSON, stringified (Agent 2.x drops binary, Agent 3 sends `[{}]` for a binary-only item), so
 * a tool call answers with one small item: counts, scores, boxes and mask URLs, bounded in size; no binary, no
 * base64, no raw response, no echo of the agent's own input.
 *
 * A failed call answers with an `error` item naming the tool argument, instead of throwing: a thrown error reaches
 * the model of Agent 2.x (n8n 1.x) as an empty string (langchain's AgentExecutor swallows tool errors) and Agent 3's
 * as its bare message, without the description.
 */

/** Masks listed for a model: SAM 3 returns a few per prompt; a model needs no more than this to answer. */
export const MAX_TOOL_MASKS = 20;
/** Longer URLs (signed CDN links) are left out rather than cut: a cut URL is a wrong one. */
const MAX_URL_LENGTH = 2048;
const BOX_FORMAT = 'box: centre x/y, width, height as fractions of the image; pixelBox: edges in pixels';

/** n8n runs the tool version of a node under the node's type name with `Tool` appended, on both lines. */
export function isToolCall(ctx: IExecuteSingleFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

const round = (value: unknown, digits: number) => (typeof value === 'number' ? Number(value.toFixed(digits)) : undefined);

function toolMask(mask: IDataObject): IDataObject {
	const box = mask.box as IDataObject | undefined;
	const url = typeof mask.url === 'string' && /^https?:/i.test(mask.url) && mask.url.length <= MAX_URL_LENGTH ? mask.url : undefined;
	return compact({
		index: mask.index,
		score: round(mask.score, 4),
		box: box && { cx: round(box.cx, 4), cy: round(box.cy, 4), w: round(box.w, 4), h: round(box.h, 4) },
		pixelBox: mask.pixelBox,
		url,
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
	if (missing.length) notes.push(`No ${missing.join(' or ')}: the workflow did not ask for them (Model Options > Include Scores / Include Boxes).`);
	return notes.join(' ') || undefined;
}

/** One compact item for the model from the node's usual output items of one tool call. */
export function toolResultItems(ctx: IExecuteSingleFunctions, items: INodeExecutionData[]): INodeExecutionData[] {
	const first = items[0]?.json ?? {};
	const pairedItem = { item: ctx.getItemIndex() };
	const head = compact({ provider: first.provider, requestId: first.requestId, status: first.status });
	if (first.maskCount === undefined) {
		const note = 'Submitted without waiting (Wait for Result is off): the masks are not part of this answer.';
		return [{ json: { ...head, note }, pairedItem }];
	}
	const masks = masksOf(items);
	const shown = listed(masks).map(toolMask);
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
		note: noteOn(masks, shown),
	});
	return [{ json, pairedItem }];
}

/** Node parameters a model can fill with $fromAI, by the names errors use for them (panel label or contract field). */
const PARAMETERS_BY_FIELD: Array<[RegExp, string[]]> = [
	[/^(Image URL|image_url)\b/, ['imageUrl']],
	[/^(Text Prompt|prompt)\b/, ['prompt']],
	[/^(Input Binary Field)\b/, ['binaryPropertyName']],
	[/^(Point Prompts|point_prompts)\b/, ['pointPromptsJson', 'pointPrompts']],
	[/^(Box Prompts|box_prompts)\b/, ['boxPromptsJson', 'boxPrompts']],
];

const FROM_AI_KEY = /\$fromAI\(\s*['"`]([\w-]+)['"`]/;

/** The $fromAI key that fills the field an error names, e.g. "imageUrl" for "Image URL". */
function argumentFor(ctx: IExecuteSingleFunctions, field: string | undefined): string | undefined {
	if (!field) return undefined;
	const names = PARAMETERS_BY_FIELD.find(([pattern]) => pattern.test(field))?.[1] ?? [];
	for (const name of names) {
		const raw = ctx.getNode().parameters[name];
		const key = typeof raw === 'string' ? FROM_AI_KEY.exec(raw)?.[1] : undefined;
		if (key) return key;
	}
	return undefined;
}

/**
 * The error a model reads, as an item, for a failed tool call; undefined where the usual handling applies: outside
 * tool mode, on a stop, and when the node is set to stop the workflow on error.
 */
export function toolErrorItems(ctx: IExecuteSingleFunctions, error: Error, toolCall = isToolCall(ctx)): INodeExecutionData[] | undefined {
	if (!toolCall || error instanceof ExecutionCancelledError || ctx.getNode().onError === 'stopWorkflow') return undefined;
	const details = errorDetails(error, ctx.getItemIndex());
	const named = (error instanceof ItemInputError || error instanceof ProviderError) && error.field ? error.field : undefined;
	// fal's error types for an input image it could not fetch or read (file_download_error, image_load_error, …).
	const field = named ?? (error instanceof ProviderError && /^(file_download|image_)/.test(error.errorType ?? '') ? 'Image URL' : undefined);
	const argument = argumentFor(ctx, field);
	const message = withoutUserInfo(error.message).replace(/ in item \d+/, '');
	const description = typeof details.description === 'string' && !message.includes(details.description) ? details.description : undefined;
	const json = compact({
		error: [message, description].filter(Boolean).join(' ').slice(0, 1000),
		argument,
		errorType: details.errorType,
		httpCode: details.httpCode,
		requestId: details.requestId,
		hint: argument
			? `Call the tool again with a corrected "${argument}".`
			: error instanceof ItemInputError
				? 'Check the tool arguments and call the tool again.'
				: undefined,
	});
	return [{ json, pairedItem: { item: ctx.getItemIndex() } }];
}

/** The node's items for one item's job, or the model's view of them when the node runs as a tool. */
export function forCaller(ctx: IExecuteSingleFunctions, items: INodeExecutionData[], toolCall = isToolCall(ctx)): INodeExecutionData[] {
	return toolCall && items.length ? toolResultItems(ctx, items) : items;
}
