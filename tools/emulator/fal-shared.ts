/** fal.ai pieces shared by the run, queue and rest hosts: key check, error shapes, the model's work. */
import { randomUUID } from 'node:crypto';
import { headerValue, type EmulatorContext } from './context';
import { runSam3 } from './inference';
import { isTerminal, type Job, type JobFailure, type JobLogLine, type WorkResult } from './jobs';
import { validateSam3Input, type FieldIssue } from './schema';
import type { VirtualHostModule } from './server';
import type { IncomingCall, Reply, Route } from './types';

export const FAL_APP = 'fal-ai/sam-3';
export const FAL_ENDPOINT = `${FAL_APP}/image`;

/**
 * fal's SAM 3 image endpoints (sam3-family.md §1, §3): by submit path, the queue app its status, result and cancel
 * live under, and what they answer. SAM 3.1 takes SAM 3's input without `text_prompt` and answers the same;
 * the `-rle` endpoints answer `rle` in place of mask files. One stand-in model serves all four.
 */
export interface FalImageEndpoint {
	app: string;
	/** SAM 3.1's input schema has no text_prompt. */
	textPrompt: boolean;
	rle: boolean;
}

export const FAL_IMAGE_ENDPOINTS: Record<string, FalImageEndpoint> = {
	'fal-ai/sam-3/image': { app: 'fal-ai/sam-3', textPrompt: true, rle: false },
	'fal-ai/sam-3/image-rle': { app: 'fal-ai/sam-3', textPrompt: true, rle: true },
	'fal-ai/sam-3-1/image': { app: 'fal-ai/sam-3-1', textPrompt: false, rle: false },
	'fal-ai/sam-3-1/image-rle': { app: 'fal-ai/sam-3-1', textPrompt: false, rle: true },
};


/** The input as the endpoint's schema reads it: SAM 3.1 has no text_prompt field, so one sent is not seen. */
export function endpointInput(endpoint: FalImageEndpoint, input: unknown): unknown {
	if (endpoint.textPrompt || typeof input !== 'object' || input === null || Array.isArray(input)) return input;
	const { text_prompt: _ignored, ...rest } = input as Record<string, unknown>;
	return rest;
}

/** Every fal answer carries a request id; jobs set their own, everything else gets a fresh one. */
export function falHost(resolve: (call: IncomingCall) => Route | undefined): VirtualHostModule {
	return {
		resolve,
		notFound: () => ({ status: 404, body: { detail: 'Not Found' } }),
		decorate: (reply) => {
			const headers = { ...(reply.headers ?? {}) };
			if (!Object.keys(headers).some((h) => h.toLowerCase() === 'x-fal-request-id')) headers['x-fal-request-id'] = randomUUID();
			return { ...reply, headers };
		},
	};
}

/** `Authorization: Key <key>` must be one of the configured keys; undefined when it is. */
export function checkFalKey(ctx: EmulatorContext, call: IncomingCall): Reply | undefined {
	const auth = headerValue(call.headers, 'authorization');
	const match = /^Key (.+)$/.exec(auth ?? '');
	if (match && ctx.keys.fal.includes(match[1])) return undefined;
	const detail = auth ? 'Invalid API key: authentication failed' : 'Missing Authorization header: expected "Key <your fal key>"';
	return { status: 401, body: { detail } };
}

const PYDANTIC_DOCS = 'https://errors.pydantic.dev/2.10/v';

/** 422 in fal's (pydantic's) shape: one entry per invalid field, located under `body`. */
export function validationReply(issues: FieldIssue[]): Reply {
	const detail = issues.map((i) => ({
		loc: ['body', ...i.path],
		msg: i.msg,
		type: i.type,
		url: `${PYDANTIC_DOCS}/${i.type}`,
		...(i.ctx && { ctx: i.ctx }),
	}));
	return { status: 422, body: { detail } };
}

export function jsonErrorReply(call: IncomingCall): Reply | undefined {
	if (call.jsonError) return { status: 422, body: { detail: [{ loc: ['body', 0], msg: `JSON decode error: ${call.jsonError}`, type: 'json_invalid' }] } };
	if (call.json === undefined) return validationReply([{ path: [], msg: 'Field required', type: 'missing' }]);
	return undefined;
}

/** How a failed job answers on fal (sync response or queue result). */
export function failureReply(failure: JobFailure, requestId: string): Reply {
	const headers: Record<string, string> = {
		'x-fal-request-id': requestId,
		'x-fal-error-type': failure.errorType,
		'x-fal-retryable': String((failure.status === 429 || failure.status >= 500) && failure.timeoutType !== 'user'),
	};
	if (failure.timeoutType) headers['x-fal-request-timeout-type'] = failure.timeoutType;
	return { status: failure.status, headers, body: failure.body ?? { detail: failure.message, error_type: failure.errorType } };
}

export function issueFailure(issues: FieldIssue[], message: string, errorType: string): JobFailure {
	return { message, errorType, status: 422, body: validationReply(issues).body, failureCode: 'INVALID_INPUT', failureStage: 'validation' };
}

/** The model's work for a fal job: validate the input, read the image, segment (the endpoint says how to answer). */
export async function falWork(ctx: EmulatorContext, input: unknown, endpoint: FalImageEndpoint = FAL_IMAGE_ENDPOINTS[FAL_ENDPOINT]): Promise<WorkResult> {
	const validation = validateSam3Input(endpointInput(endpoint, input));
	if (!validation.ok) return { ok: false, failure: issueFailure(validation.issues, 'Unprocessable Entity: invalid input', 'validation_error') };
	const result = await runSam3(validation.value, ctx.files, ctx.render, endpoint.rle);
	if (result.ok) return result;
	const issue = { path: ['image_url'], msg: result.message, type: result.errorType };
	return { ok: false, failure: issueFailure([issue], result.message, result.errorType) };
}

export function promptOf(input: unknown): string | undefined {
	if (typeof input !== 'object' || input === null) return undefined;
	const { prompt, text_prompt } = input as Record<string, unknown>;
	if (typeof prompt === 'string' && prompt.trim()) return prompt;
	return typeof text_prompt === 'string' ? text_prompt : undefined;
}

/** `x-fal-request-timeout` (seconds) as a start deadline in ms; ignored when not a positive number. */
export function startTimeoutMs(call: IncomingCall): number | undefined {
	const seconds = Number(headerValue(call.headers, 'x-fal-request-timeout'));
	return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/** The queue app a job lives under (fal-ai/sam-3 or fal-ai/sam-3-1). */
export const appOf = (job: Job) => (job.extra.falApp as string | undefined) ?? FAL_APP;

/** The URLs a queue answer carries; status, result and cancel live under the app id only. */
export function queueUrls(ctx: EmulatorContext, id: string, app = FAL_APP) {
	const base = `${ctx.urls.falQueue}/${app}/requests/${id}`;
	return { request_id: id, response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
}

/** A queue status object, as the status poll answers it and the status stream sends it. */
export function queueStatus(ctx: EmulatorContext, job: Job, logs: JobLogLine[] | null) {
	const base = queueUrls(ctx, job.id, appOf(job));
	if (job.state === 'queued') return { status: 'IN_QUEUE' as const, ...base, queue_position: ctx.jobs.queuePosition(job), logs };
	if (!isTerminal(job)) return { status: 'IN_PROGRESS' as const, ...base, logs };
	const metrics = { inference_time: job.inferenceMs !== undefined ? job.inferenceMs / 1000 : null };
	const error = job.failure ? { error: job.failure.message, error_type: job.failure.errorType } : {};
	return { status: 'COMPLETED' as const, ...base, logs, metrics, ...error };
}
