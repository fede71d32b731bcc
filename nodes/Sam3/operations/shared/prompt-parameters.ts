import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { parseJson } from '../../job/json-text';
import { isFirstPanel } from '../../job/panel-parameters';
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
	return jsonArray(ctx.getNodeParameter(parameter, '[]') as unknown, itemIndex, label, example);
}

/** A JSON prompt list (text or an array from an expression) as objects, or an error naming the field and the item. */
function jsonArray(given: unknown, itemIndex: number, label: string, example: string): IDataObject[] {
	let value = given;
	if (value === undefined || value === null) return [];
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
/** A point given as JSON (either panel): numbers read as numbers, the label as 1/0, empty fields dropped. */
function jsonPoint(point: IDataObject, itemIndex: number, where: string): IDataObject {
	return withoutEmpty({
		...point,
		x: numeric(point.x),
		y: numeric(point.y),
		label: pointLabel(point.label, itemIndex, where),
		object_id: numeric(point.object_id),
		frame_index: numeric(point.frame_index),
	});
}

/** A box given as JSON (either panel): numbers read as numbers, empty fields dropped. */
function jsonBox(box: IDataObject): IDataObject {
	return withoutEmpty({
		...box,
		x_min: numeric(box.x_min),
		y_min: numeric(box.y_min),
		x_max: numeric(box.x_max),
		y_max: numeric(box.y_max),
		object_id: numeric(box.object_id),
		frame_index: numeric(box.frame_index),
	});
}

export function readPointPrompts(ctx: IExecuteSingleFunctions, itemIndex: number, framed = false): IDataObject[] {
	if (ctx.getNodeParameter('pointPromptsInput', 'fields') === 'json') {
		const label = 'Point Prompts (JSON)';
		return readJsonArray(ctx, itemIndex, 'pointPromptsJson', label, POINT_EXAMPLE).map((point, index) =>
			jsonPoint(point, itemIndex, `${label} [${index}]`),
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
		return readJsonArray(ctx, itemIndex, 'boxPromptsJson', 'Box Prompts (JSON)', BOX_EXAMPLE).map(jsonBox);
	}
	const rows = ((ctx.getNodeParameter('boxPrompts', {}) as IDataObject).boxes ?? []) as IDataObject[];
	return rows.map((row, index) =>
		checkBoxRow(
			withoutEmpty({
				x_min: numeric(row.xMin),
				y_min: numeric(row.yMin),
				x_max: numeric(row.xMax),
				y_max: numeric(row.yMax),
				object_id: numeric(row.objectId),
				frame_index: framed ? numeric(row.frameIndex) : undefined,
			}),
			index,
			itemIndex,
		),
	);
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A box row must have its corners in order; one added and never filled in (all 0) is named as such. */
function checkBoxRow(box: IDataObject, index: number, itemIndex: number): IDataObject {
	const name = `Box ${index + 1}`;
	const { x_min: xMin, y_min: yMin, x_max: xMax, y_max: yMax } = box;
	if ([xMin, yMin, xMax, yMax].every((value) => value === 0)) {
		throw new ItemInputError(`${name} is empty (X Min, Y Min, X Max and Y Max are all 0) in item ${itemIndex}: fill it in or remove it`, name);
	}
	if (isNumber(xMin) && isNumber(xMax) && xMin >= xMax) {
		throw new ItemInputError(`${name}: X Min must be smaller than X Max (got ${xMin} and ${xMax}) in item ${itemIndex}`, name);
	}
	if (isNumber(yMin) && isNumber(yMax) && yMin >= yMax) {
		throw new ItemInputError(`${name}: Y Min must be smaller than Y Max (got ${yMin} and ${yMax}) in item ${itemIndex}`, name);
	}
	return box;
}

/** A point row added and never filled in sits at 0, 0: refused by name, never sent as a click in the corner. */
function checkPointRow(point: IDataObject, index: number, itemIndex: number): IDataObject {
	if (point.x === 0 && point.y === 0) {
		const name = `Point ${index + 1}`;
		throw new ItemInputError(`${name} is at X 0, Y 0 (the image's top-left corner) in item ${itemIndex}: set its X and Y, or remove it`, name);
	}
	return point;
}

/** An Object ID as the current panel stores it: 0, empty and cleared (null) all mean "an object of its own". */
function objectNumber(value: unknown): IDataObject[string] {
	const number = numeric(value);
	return number === 0 ? undefined : number;
}

interface PointAndBoxPrompts {
	points?: IDataObject[];
	boxes?: IDataObject[];
	json?: Array<{ points?: unknown; boxes?: unknown }>;
}

/**
 * The current panel's Point and Box Prompts (descriptions/prompts.description.ts): its rows, then its JSON lists.
 * A row's Object ID 0 or empty makes its own object; a row's Frame Index is sent only where prompts take one.
 */
function readPointAndBoxPrompts(ctx: IExecuteSingleFunctions, itemIndex: number, framed: boolean): { points: IDataObject[]; boxes: IDataObject[] } {
	const given = ctx.getNodeParameter('pointAndBoxPrompts', {}) as PointAndBoxPrompts;
	const points = (given.points ?? []).map((row, index) =>
		checkPointRow(
			withoutEmpty({
				x: numeric(row.x),
				y: numeric(row.y),
				label: pointLabel(row.label, itemIndex, `Point ${index + 1}`),
				object_id: objectNumber(row.objectId),
				frame_index: framed ? numeric(row.frameIndex) : undefined,
			}),
			index,
			itemIndex,
		),
	);
	const boxes = (given.boxes ?? []).map((row, index) =>
		checkBoxRow(
			withoutEmpty({
				x_min: numeric(row.xMin),
				y_min: numeric(row.yMin),
				x_max: numeric(row.xMax),
				y_max: numeric(row.yMax),
				object_id: objectNumber(row.objectId),
				frame_index: framed ? numeric(row.frameIndex) : undefined,
			}),
			index,
			itemIndex,
		),
	);
	for (const lists of given.json ?? []) {
		points.push(
			...jsonArray(lists.points, itemIndex, 'Points (JSON)', POINT_EXAMPLE).map((point, index) =>
				jsonPoint(point, itemIndex, `Points (JSON) [${index}]`),
			),
		);
		boxes.push(
			...jsonArray(lists.boxes, itemIndex, 'Boxes (JSON)', BOX_EXAMPLE).map(jsonBox),
		);
	}
	return { points, boxes };
}

const POINT_EXAMPLE = '[{"x": 120, "y": 80, "label": 1}]';
const BOX_EXAMPLE = '[{"x_min": 10, "y_min": 20, "x_max": 200, "y_max": 180}]';

/** The panel's name for the point and box prompts, for a message telling a user to set a prompt. */
export function promptFieldsName(ctx: IExecuteSingleFunctions): string {
	return isFirstPanel(ctx) ? 'Point Prompts or Box Prompts' : 'Point and Box Prompts';
}

/** How errors about the point and box lists name them (a row by its number), as the panel the node was saved with shows them. */
export function promptListLabels(ctx: IExecuteSingleFunctions): { point_prompts: string; box_prompts: string } {
	if (!isFirstPanel(ctx)) return { point_prompts: 'Point', box_prompts: 'Box' };
	return {
		point_prompts: ctx.getNodeParameter('pointPromptsInput', 'fields') === 'json' ? 'Point Prompts (JSON)' : 'Point',
		box_prompts: ctx.getNodeParameter('boxPromptsInput', 'fields') === 'json' ? 'Box Prompts (JSON)' : 'Box',
	};
}

/**
 * The item's prompts as the contract's fields: `prompt` (trimmed), `point_prompts`, `box_prompts`, each only when
 * set, so nothing unset is sent. `framed`: see readPointPrompts.
 */
export function readPrompts(ctx: IExecuteSingleFunctions, itemIndex: number, framed = false): IDataObject {
	const prompts: IDataObject = {};
	const prompt = String(ctx.getNodeParameter('prompt', '') ?? '').trim();
	if (prompt) prompts.prompt = prompt;
	const { points, boxes } = isFirstPanel(ctx)
		? { points: readPointPrompts(ctx, itemIndex, framed), boxes: readBoxPrompts(ctx, itemIndex, framed) }
		: readPointAndBoxPrompts(ctx, itemIndex, framed);
	if (points.length) prompts.point_prompts = points;
	if (boxes.length) prompts.box_prompts = boxes;
	return prompts;
}
