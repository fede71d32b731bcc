import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { parseJson } from '../../job/json-text';
import { ItemInputError } from '../../transport/errors';

/**
 * Point and box prompts come from fixed-collection rows or from JSON (an array, usually by expression from a
 * previous node). Both end as the providers' snake_case objects; the zod contract then checks the values.
 */

const LABELS: Record<string, number> = { foreground: 1, background: 0, '1': 1, '0': 0 };

/** Whole numbers given as strings (CSV, sheets) are read as numbers; anything else is left for zod to reject. */
function numeric(value: unknown): IDataObject[string] {
	if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
	return value as IDataObject[string];
}

function withoutEmpty(entry: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== '' && value !== undefined && value !== null));
}

function readJsonArray(ctx: IExecuteSingleFunctions, itemIndex: number, parameter: string, label: string, example: string): IDataObject[] {
	let value = ctx.getNodeParameter(parameter, '[]') as unknown;
	if (typeof value === 'string') {
		if (!value.trim()) return [];
		const parsed = parseJson(value);
		if ('problem' in parsed) {
			throw new ItemInputError(`${label} in item ${itemIndex} is not valid JSON (${parsed.problem}); expected an array like ${example}`, label);
		}
		value = parsed.value;
	}
	if (!Array.isArray(value)) {
		throw new ItemInputError(
			`${label} in item ${itemIndex} must be an array like ${example} (got ${typeof value === 'object' ? 'an object' : JSON.stringify(value)}); wrap a single prompt in [ ]`,
			label,
		);
	}
	return value.map((entry, index) => {
		if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
			throw new ItemInputError(`${label} [${index}] in item ${itemIndex} must be an object like ${example}`, label);
		}
		return entry as IDataObject;
	});
}

function pointLabel(value: unknown, itemIndex: number, where: string): IDataObject[string] {
	if (value === undefined || value === '') return 1;
	const label = LABELS[String(value).toLowerCase()];
	if (label === undefined) {
		throw new ItemInputError(
			`${where} label in item ${itemIndex} must be "foreground" (1) or "background" (0) (got ${JSON.stringify(value)})`,
			where,
		);
	}
	return label;
}

/**
 * `framed`: the endpoint's prompts carry a frame index (video-rle), read from the rows' Frame Index; a row's
 * frame index is never sent to an endpoint without one. In JSON, a frame_index is sent as written (the contract
 * refuses it where the endpoint has none).
 */
export function readPointPrompts(ctx: IExecuteSingleFunctions, itemIndex: number, framed = false): IDataObject[] {
	if (ctx.getNodeParameter('pointPromptsInput', 'fields') === 'json') {
		const label = 'Point Prompts (JSON)';
		return readJsonArray(ctx, itemIndex, 'pointPromptsJson', label, '[{"x": 120, "y": 80, "label": 1}]').map((point, index) =>
			withoutEmpty({
				...point,
				x: numeric(point.x),
				y: numeric(point.y),
				label: pointLabel(point.label, itemIndex, `${label} [${index}]`),
				object_id: numeric(point.object_id),
				frame_index: numeric(point.frame_index),
			}),
		);
	}
	const rows = ((ctx.getNodeParameter('pointPrompts', {}) as IDataObject).points ?? []) as IDataObject[];
	return rows.map((row, index) =>
		withoutEmpty({
			x: numeric(row.x),
			y: numeric(row.y),
			label: pointLabel(row.label, itemIndex, `Point Prompts [${index}]`),
			object_id: numeric(row.objectId),
			frame_index: framed ? numeric(row.frameIndex) : undefined,
		}),
	);
}

export function readBoxPrompts(ctx: IExecuteSingleFunctions, itemIndex: number, framed = false): IDataObject[] {
	if (ctx.getNodeParameter('boxPromptsInput', 'fields') === 'json') {
		const example = '[{"x_min": 10, "y_min": 20, "x_max": 200, "y_max": 180}]';
		return readJsonArray(ctx, itemIndex, 'boxPromptsJson', 'Box Prompts (JSON)', example).map((box) =>
			withoutEmpty({
				...box,
				x_min: numeric(box.x_min),
				y_min: numeric(box.y_min),
				x_max: numeric(box.x_max),
				y_max: numeric(box.y_max),
				object_id: numeric(box.object_id),
				frame_index: numeric(box.frame_index),
			}),
		);
	}
	const rows = ((ctx.getNodeParameter('boxPrompts', {}) as IDataObject).boxes ?? []) as IDataObject[];
	return rows.map((row) =>
		withoutEmpty({
			x_min: numeric(row.xMin),
			y_min: numeric(row.yMin),
			x_max: numeric(row.xMax),
			y_max: numeric(row.yMax),
			object_id: numeric(row.objectId),
			frame_index: framed ? numeric(row.frameIndex) : undefined,
		}),
	);
}

/**
 * The item's prompts as the contract's fields: `prompt` (trimmed), `point_prompts`, `box_prompts`, each only when
 * set, so nothing unset is sent. `framed`: see readPointPrompts.
 */
export function readPrompts(ctx: IExecuteSingleFunctions, itemIndex: number, framed = false): IDataObject {
	const prompts: IDataObject = {};
	const prompt = String(ctx.getNodeParameter('prompt', '') ?? '').trim();
	if (prompt) prompts.prompt = prompt;
	const points = readPointPrompts(ctx, itemIndex, framed);
	const boxes = readBoxPrompts(ctx, itemIndex, framed);
	if (points.length) prompts.point_prompts = points;
	if (boxes.length) prompts.box_prompts = boxes;
	return prompts;
}
