import type { IDataObject } from 'n8n-workflow';
import { type ZodError, type ZodIssue, z } from 'zod';

import { ItemInputError } from '../transport/errors';
import { withoutUserInfo } from '../transport/redact';

export function inputError(itemIndex: number, field: string, problem: string, got?: unknown): ItemInputError {
	const shown = got === undefined ? '' : ` (got ${withoutUserInfo(JSON.stringify(got) ?? '').slice(0, 80)})`;
	return new ItemInputError(`${field} in item ${itemIndex} is not valid: ${problem}${shown}`, field);
}

export function keysOf(schema: z.ZodTypeAny): string[] {
	let inner = schema;
	while (inner instanceof z.ZodEffects) inner = inner.innerType();
	return inner instanceof z.ZodObject ? Object.keys(inner.shape as object) : [];
}

/** A prompt row's fields as the panel names them. */
const ROW_FIELD_TITLES: Record<string, string> = {
	x: 'X',
	y: 'Y',
	x_min: 'X Min',
	y_min: 'Y Min',
	x_max: 'X Max',
	y_max: 'Y Max',
	label: 'Label',
	object_id: 'Object ID',
	frame_index: 'Frame Index',
};

/**
 * A panel row by its number, the way the panel lists rows: "Box 1: X Min". Only for lists labelled as a row kind
 * ("Point", "Box"); JSON lists keep their indexes, as the JSON has them.
 */
function rowName(label: string, rest: string[]): string | undefined {
	if (!/^(Point|Box)$/.test(label) || !/^\d+$/.test(rest[0] ?? '')) return undefined;
	const key = rest[1];
	return `${label} ${Number(rest[0]) + 1}${key ? `: ${ROW_FIELD_TITLES[key] ?? key}` : ''}`;
}

/** Turns the first zod issue into an error naming the panel field (by the caller's labels), the item and what would be valid. */
export function fromZod(
	itemIndex: number,
	error: ZodError,
	raw: IDataObject,
	labels: Record<string, string>,
	allowedKeys: Record<string, string[]> = {},
): ItemInputError {
	const issue: ZodIssue = error.issues[0];
	const [field, ...rest] = issue.path.map(String);
	const label = labels[field] ?? field;
	const where = rowName(label, rest) ?? (rest.length ? `${label} [${rest.join('].[')}]` : label);
	let value: unknown = raw;
	for (const key of issue.path) value = (value as IDataObject | undefined)?.[key as string];
	const problem =
		issue.code === 'unrecognized_keys'
			? `unknown key(s) ${issue.keys.join(', ')}; allowed: ${(allowedKeys[field] ?? []).join(', ')}`
			: issue.message;
	return inputError(itemIndex, `${where} (${issue.path.join('.')})`, problem, value);
}
