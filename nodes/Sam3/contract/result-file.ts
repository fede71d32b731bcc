import { z } from 'zod';

/**
 * A file in a fal answer (fal's `File`: url required; content_type, file_name, file_size optional), as the 3D and
 * per-object endpoints return them. Optional fields that are odd are dropped, never a reason to lose the file; a
 * bare URL string (as fal's own examples sometimes show a file) is read as `{url}`.
 */
export const lenientNumber = z
	.preprocess((value) => (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value), z.number().finite())
	.optional()
	.catch(undefined);
const lenientString = z.string().optional().catch(undefined);

export const ResultFileSchema = z.union([
	z.object({ url: z.string().min(1), content_type: lenientString, file_name: lenientString, file_size: lenientNumber }).passthrough(),
	z
		.string()
		.min(1)
		.transform((url) => ({ url, content_type: undefined, file_name: undefined, file_size: undefined })),
], { errorMap: (issue, ctx) => ({ message: ctx.data === undefined ? 'is missing' : issue.code === 'invalid_union' ? 'is not a file (no url)' : ctx.defaultError }) });

export type ResultFile = z.infer<typeof ResultFileSchema>;

/** A list of files, at most `max` (a longer list is not a result to download); entries that are no file are named. */
export const resultFiles = (max: number, what: string) =>
	z.array(ResultFileSchema, { invalid_type_error: 'is not a list of files' }).max(max, `has more than ${max} ${what}`);

/** A file input: an http(s) URL or a data: URI (fal accepts both for file inputs). */
export const fileUrl = (what: string) =>
	z
		.string()
		.trim()
		.min(1, `a ${what} is required`)
		.refine((url) => /^(https?:\/\/[^\s/]+|data:[\w.+-]+\/[\w.+-]+;base64,)/i.test(url), { message: 'must be an absolute http(s) URL or a data: URI' });

/** Reads an answer by its schema, or an error naming the first field that cannot be read. */
export function readOutput<T extends z.ZodTypeAny>(schema: T, output: unknown, what: string): z.infer<T> {
	const parsed = schema.safeParse(output);
	if (parsed.success) return parsed.data;
	const problem = parsed.error.issues[0];
	throw new Error(`unexpected ${what} output: ${problem.path.join('.') || 'the result'} ${problem.code === 'invalid_type' && problem.received === 'undefined' ? 'is missing' : problem.message}`);
}
