/** Runflow request bodies (the run envelope and asset uploads), reported as Runflow `errors[]` entries. */
import { z } from 'zod';

export interface RunflowFieldError {
	field: string;
	message: string;
	code: string;
}

const httpUrl = z.string().regex(/^https?:\/\/\S+$/i, 'Must be an http(s) URL');

const runRequest = z.object({
	input: z.record(z.unknown()),
	callback_url: httpUrl.nullable().optional(),
	metadata: z.record(z.unknown()).nullable().optional(),
	client_ref: z.string().nullable().optional(),
});

function toErrors(error: z.ZodError): RunflowFieldError[] {
	return error.issues.map((issue) => ({
		field: issue.path.join('.') || 'body',
		message: issue.code === 'invalid_type' && issue.received === 'undefined' ? 'This field is required' : issue.message,
		code: issue.code === 'invalid_type' && issue.received === 'undefined' ? 'required' : issue.code,
	}));
}

/** The run envelope only; `input` itself is checked against the SAM 3 schema by the caller. */
export function validateRunRequest(body: unknown): RunflowFieldError[] {
	const parsed = runRequest.safeParse(body);
	return parsed.success ? [] : toErrors(parsed.error);
}

export function validateAssetRequest(body: unknown, maxBytes: number): RunflowFieldError[] {
	const schema = z.object({
		filename: z.string().min(1),
		mime_type: z.string().min(1),
		size_bytes: z.number().int().min(1).max(maxBytes, `Files are limited to ${maxBytes} bytes`),
	});
	const parsed = schema.safeParse(body);
	return parsed.success ? [] : toErrors(parsed.error);
}
