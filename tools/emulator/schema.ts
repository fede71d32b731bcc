/**
 * The SAM 3 image input schema, written from providers.md (not from the node's code), and its
 * validation issues in a provider-neutral form the fal and Runflow routes turn into their own shapes.
 * JSON types are checked strictly: an int must be a JSON integer, a bool a JSON boolean.
 */
import { z } from 'zod';

export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const int = z.number().int();
const objectId = int.nullable().optional();

const pointPrompt = z.object({
	x: int,
	y: int,
	label: int.refine((v) => v === 0 || v === 1, { params: { type: 'literal_error', expected: '0 or 1' } }),
	object_id: objectId,
});

const boxPrompt = z.object({ x_min: int, y_min: int, x_max: int, y_max: int, object_id: objectId });

export const sam3InputSchema = z.object({
	image_url: z.string(),
	prompt: z.string().optional(),
	text_prompt: z.string().optional(),
	point_prompts: z.array(pointPrompt).default([]),
	box_prompts: z.array(boxPrompt).default([]),
	apply_mask: z.boolean().default(true),
	sync_mode: z.boolean().default(false),
	output_format: z.enum(OUTPUT_FORMATS).default('png'),
	return_multiple_masks: z.boolean().default(false),
	max_masks: int.min(1).max(32).default(3),
	include_scores: z.boolean().default(false),
	include_boxes: z.boolean().default(false),
});

export type Sam3Input = z.infer<typeof sam3InputSchema>;
export type PointPrompt = z.infer<typeof pointPrompt>;
export type BoxPrompt = z.infer<typeof boxPrompt>;

/** One invalid field, in pydantic's vocabulary (fal's validation errors are pydantic's). */
export interface FieldIssue {
	path: Array<string | number>;
	msg: string;
	type: string;
	ctx?: Record<string, unknown>;
}

const TYPE_NAMES: Record<string, [string, string]> = {
	string: ['string_type', 'Input should be a valid string'],
	integer: ['int_type', 'Input should be a valid integer'],
	number: ['int_type', 'Input should be a valid integer'],
	boolean: ['bool_type', 'Input should be a valid boolean'],
	array: ['list_type', 'Input should be a valid list'],
	object: ['dict_type', 'Input should be a valid dictionary'],
};

function toFieldIssue(issue: z.ZodIssue): FieldIssue {
	const path = issue.path;
	switch (issue.code) {
		case 'invalid_type': {
			if (issue.received === 'undefined') return { path, msg: 'Field required', type: 'missing' };
			if (issue.expected === 'integer' && issue.received === 'float') {
				return { path, msg: 'Input should be a valid integer, got a number with a fractional part', type: 'int_from_float' };
			}
			const [type, msg] = TYPE_NAMES[issue.expected] ?? ['value_error', issue.message];
			return { path, msg, type };
		}
		case 'invalid_enum_value': {
			const expected = issue.options.map((o) => `'${String(o)}'`).join(', ').replace(/, ([^,]*)$/, ' or $1');
			return { path, msg: `Input should be ${expected}`, type: 'enum', ctx: { expected } };
		}
		case 'too_small':
			return { path, msg: `Input should be greater than or equal to ${issue.minimum}`, type: 'greater_than_equal', ctx: { ge: issue.minimum } };
		case 'too_big':
			return { path, msg: `Input should be less than or equal to ${issue.maximum}`, type: 'less_than_equal', ctx: { le: issue.maximum } };
		case 'custom': {
			const params = issue.params ?? {};
			return { path, msg: `Input should be ${params.expected}`, type: String(params.type ?? 'value_error'), ctx: { expected: params.expected } };
		}
		default:
			return { path, msg: issue.message, type: 'value_error' };
	}
}

export type Validation = { ok: true; value: Sam3Input } | { ok: false; issues: FieldIssue[] };

export function validateSam3Input(input: unknown): Validation {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		return { ok: false, issues: [{ path: [], msg: 'Input should be a valid dictionary', type: 'dict_type' }] };
	}
	const parsed = sam3InputSchema.safeParse(input);
	if (parsed.success) return { ok: true, value: parsed.data };
	return { ok: false, issues: issuesOf(parsed.error) };
}

/** A zod error as fal's (pydantic's) field issues. */
export function issuesOf(error: z.ZodError): FieldIssue[] {
	return error.issues.map(toFieldIssue);
}

/** Whether image_url names something the model can fetch at all (http(s) URL or data: URI). */
export function isFetchableImageUrl(url: string): boolean {
	return /^https?:\/\/[^\s/]+/i.test(url) || /^data:[^,]*,/i.test(url);
}

/** The text concept to segment: prompt, else the deprecated text_prompt; empty strings count as absent. */
export function textPromptOf(input: Pick<Sam3Input, 'prompt' | 'text_prompt'>): string | undefined {
	const prompt = input.prompt?.trim() || input.text_prompt?.trim();
	return prompt || undefined;
}

/** fal's documented default prompt applies only when no prompt of any kind was given. */
export function effectivePrompt(input: Sam3Input): string | undefined {
	const text = textPromptOf(input);
	if (text) return text;
	return input.point_prompts.length || input.box_prompts.length ? undefined : 'wheel';
}
