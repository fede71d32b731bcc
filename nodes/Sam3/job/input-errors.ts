import type { IDataObject } from 'n8n-workflow';
import { type ZodError, type ZodIssue, z } from 'zod';

import { MODEL_OPTION_FIELDS, modelOptionLabel } from '../contract/model-options';
import { BoxPromptSchema, PointPromptSchema } from '../contract/sam3.schema';
import { ItemInputError } from '../transport/errors';
import { withoutUserInfo } from '../transport/redact';

/** How an error names a contract field: the way the panel shows it. */
export const FIELD_LABELS: Record<string, string> = {
	image_url: 'Image URL',
	prompt: 'Text Prompt',
	point_prompts: 'Point Prompts',
	box_prompts: 'Box Prompts',
	...Object.fromEntries(MODEL_OPTION_FIELDS.map((field) => [field, modelOptionLabel(field)])),
	callback_url: 'Options > Callback URL',
	metadata: 'Options > Run Metadata',
};

export function inputError(itemIndex: number, field: string, problem: string, got?: unknown): ItemInputError {
	const shown = got === undefined ? '' : ` (got ${withoutUserInfo(JSON.stringify(got) ?? '').slice(0, 80)})`;
	return new ItemInputError(`${field} in item ${itemIndex} is not valid: ${problem}${shown}`, field);
}

export function keysOf(schema: z.ZodTypeAny): string[] {
	let inner = schema;
	while (inner instanceof z.ZodEffects) inner = inner.innerType();
	return inner instanceof z.ZodObject ? Object.keys(inner.shape as object) : [];
}

/** What a JSON prompt object may hold, for "unknown key" errors. */
const ALLOWED_KEYS: Record<string, string[]> = {
	point_prompts: keysOf(PointPromptSchema),
	box_prompts: keysOf(BoxPromptSchema),
};

/** Turns the first zod issue into an error naming the panel field, the item and what would be valid. */
export function fromZod(
	itemIndex: number,
	error: ZodError,
	raw: IDataObject,
	labels: Record<string, string> = FIELD_LABELS,
	allowedKeys: Record<string, string[]> = ALLOWED_KEYS,
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
