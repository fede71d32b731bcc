import type { IDataObject } from 'n8n-workflow';

import { parseJson } from '../../job/json-text';
import { ItemInputError } from '../../transport/errors';

/**
 * Prompt lists given as JSON inside an operation's options collection (point and box prompts, mask URLs): an
 * array, or JSON text of one, usually mapped by expression from a previous node. Numbers written as text (CSV,
 * sheets) are read as numbers and a point's label may be "foreground"/"background"; the contract checks the rest.
 */

const LABELS: Record<string, number> = { foreground: 1, background: 0, '1': 1, '0': 0 };

const numeric = (value: unknown) => (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value);

function jsonArray(value: unknown, itemIndex: number, label: string, example: string): unknown[] {
	if (value === undefined || value === null || value === '') return [];
	let parsed: unknown = value;
	if (typeof value === 'string') {
		const read = parseJson(value);
		if ('problem' in read) throw new ItemInputError(`${label} in item ${itemIndex} is not valid JSON (${read.problem}); expected an array like ${example}`, label);
		parsed = read.value;
	}
	if (!Array.isArray(parsed)) throw new ItemInputError(`${label} in item ${itemIndex} must be an array like ${example}; wrap a single entry in [ ]`, label);
	return parsed;
}

function objects(value: unknown, itemIndex: number, label: string, example: string): IDataObject[] {
	return jsonArray(value, itemIndex, label, example).map((entry, index) => {
		if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
			throw new ItemInputError(`${label} [${index}] in item ${itemIndex} must be an object like ${example}`, label);
		}
		return Object.fromEntries(Object.entries(entry as IDataObject).filter(([, v]) => v !== '' && v !== null && v !== undefined).map(([k, v]) => [k, numeric(v)])) as IDataObject;
	});
}

export function jsonPointPrompts(value: unknown, itemIndex: number, label: string): IDataObject[] {
	return objects(value, itemIndex, label, '[{"x": 120, "y": 80, "label": 1}]').map((point, index) => {
		const named = point.label === undefined ? 1 : LABELS[String(point.label).toLowerCase()];
		if (named === undefined) throw new ItemInputError(`${label} [${index}] label in item ${itemIndex} must be "foreground" (1) or "background" (0) (got ${JSON.stringify(point.label)})`, label);
		return { ...point, label: named };
	});
}

export function jsonBoxPrompts(value: unknown, itemIndex: number, label: string): IDataObject[] {
	return objects(value, itemIndex, label, '[{"x_min": 10, "y_min": 20, "x_max": 200, "y_max": 180}]');
}

/**
 * A list of URLs: an array (e.g. `{{ $json.masks.map(m => m.url) }}` from Segment Image), JSON text of one, or URLs
 * separated by commas, spaces or new lines.
 */
export function urlList(value: unknown, itemIndex: number, label: string): string[] {
	if (Array.isArray(value)) return value.map((url) => (typeof url === 'string' ? url.trim() : (url as string)));
	if (typeof value !== 'string' || !value.trim()) return [];
	const text = value.trim();
	if (text.startsWith('[')) return jsonArray(text, itemIndex, label, '["https://…/mask-0.png"]') as string[];
	return text.split(/[\s,]+/).filter(Boolean);
}
