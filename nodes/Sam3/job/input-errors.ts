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
	const where = rest.length ? `${label} [${rest.join('].[')}]` : label;
	let value: unknown = raw;
	for (const key of issue.path) value = (value as IDataObject | undefined)?.[key as string];
	const problem =
		issue.code === 'unrecognized_keys'
			? `unknown key(s) ${issue.keys.join(', ')}; allowed: ${(allowedKeys[field] ?? []).join(', ')}`
			: issue.message;
	return inputError(itemIndex, `${where} (${issue.path.join('.')})`, problem, value);
}
