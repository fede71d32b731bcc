import type { IDataObject } from 'n8n-workflow';

import { type JobStage, ProviderError } from '../transport/errors';
import { type FullResponse, type ProviderHttp, header } from '../transport/http';
import { withoutUserInfo } from '../transport/redact';
import { parseRetryAfter } from '../transport/retry';
import { readJsonEvents } from '../transport/event-stream';
import { settle } from '../transport/settle';
import {
	type JobState,
	type ModelTarget,
	type ProviderAdapter,
	type Submission,
	type WatchOutcome,
	isPlainId,
	jobId,
	putPresigned,
	required,
	trimSlash,
} from './provider';

const LABEL = 'fal.ai';

/**
 * fal's model ids: owner `fal-ai`, app `sam-3` or `sam-3-1`, endpoint path (`image`, `image-rle`, `video` …).
 * Submit uses the full id; status, result and cancel use only owner/app (fal docs; fal-js `parseEndpointId`).
 * The node builds those URLs from the configured queue host rather than following the ones a submit answers, so
 * the key can only ever go to that host (they are the same URLs on fal).
 */
const endpointId = ({ model, endpoint }: ModelTarget) => `fal-ai/${model}/${endpoint}`;
const appRoot = ({ model }: ModelTarget) => `fal-ai/${model}`;

const requestUrl = (http: ProviderHttp, submission: Pick<Submission, 'target' | 'requestId'>, suffix = '') =>
	`${trimSlash(http.credentials.queueUrl)}/${appRoot(submission.target)}/requests/${encodeURIComponent(submission.requestId)}${suffix}`;

function readFalError(response: FullResponse, stage: JobStage): ProviderError {
	const body = (response.body ?? {}) as IDataObject;
	const detail = body.detail;
	let message: string;
	let errorType = header(response, 'x-fal-error-type') ?? (body.error_type as string | undefined);
	let field: string | undefined;
	if (Array.isArray(detail)) {
		// 422: one entry per invalid field, loc like ["body", "image_url"].
		message = (detail as IDataObject[])
			.map((entry) => `${((entry.loc as string[]) ?? []).filter((part) => part !== 'body').join('.') || 'input'}: ${entry.msg}`)
			.join('; ');
		errorType ??= String((detail[0] as IDataObject)?.type ?? 'validation_error');
		// The rejected request field: the last element of the first entry's loc (["body", "image_url"] -> image_url).
		const loc = (detail[0] as IDataObject | undefined)?.loc;
		if (Array.isArray(loc) && loc.length) field = String(loc[loc.length - 1]);
	} else {
		message = typeof detail === 'string' ? detail : typeof body.error === 'string' ? body.error : `HTTP ${response.statusCode}`;
	}
	const retryable = header(response, 'x-fal-retryable');
	const userTimeout = response.statusCode === 504 && header(response, 'x-fal-request-timeout-type') === 'user';
	const requestId = header(response, 'x-fal-request-id');
	const hint = stage === 'result' && response.statusCode === 404
		? 'fal keeps results for about an hour (6 minutes for large ones); run the item again.'
		: userTimeout
			? 'The job did not start within Options > Start Timeout. fal does not retry it; raise the timeout or try later.'
			: undefined;
	return new ProviderError(`${LABEL} ${stage} failed: ${message}`, {
		provider: LABEL,
		stage,
		httpCode: response.statusCode,
		errorType,
		requestId,
		retryableHint: retryable === undefined ? undefined : retryable.toLowerCase() === 'true',
		retryAfterMs: parseRetryAfter(header(response, 'retry-after')),
		userTimeout,
		field,
		description: hint,
	});
}

/** Links a user can follow from the item: never with user-info from a configured endpoint. */
const linkTo = (http: ProviderHttp, submission: Pick<Submission, 'target' | 'requestId'>, suffix = '') =>
	withoutUserInfo(requestUrl(http, submission, suffix));

/** A status answer (poll or stream event) as a job state. */
function statusState(body: IDataObject): JobState {
	const status = String(body.status);
	if (status === 'COMPLETED') {
		if (body.error) return { phase: 'failed', status, message: String(body.error), errorType: body.error_type as string, raw: body };
		return { phase: 'done', status, raw: body };
	}
	return { phase: 'waiting', status, queuePosition: body.queue_position as number | undefined };
}

export const falAdapter: ProviderAdapter = {
	id: 'falApi',
	label: LABEL,
	readError: readFalError,
	cancellable: true,

	refuses: () => undefined,

	async submit(http, job): Promise<Submission> {
		const headers: IDataObject = {};
		if (job.queuePriority && job.mode === 'queue') headers['x-fal-queue-priority'] = job.queuePriority;
		if (job.startTimeoutSeconds) headers['x-fal-request-timeout'] = String(job.startTimeoutSeconds);
		const base = job.mode === 'sync' ? http.credentials.runUrl : http.credentials.queueUrl;
		// No empty qs / headers objects: n8n's helper hands them to axios, which deep-merges and serializes each.
		const response = await http.api('submit', {
			method: 'POST',
			url: `${trimSlash(base)}/${endpointId(job.target)}`,
			...(job.mode === 'queue' && job.callbackUrl ? { qs: { fal_webhook: job.callbackUrl } } : {}),
			...(Object.keys(headers).length ? { headers } : {}),
			body: job.input,
		});
		const body = (response.body ?? {}) as IDataObject;
		if (job.mode === 'sync') {
			// fal.run answers the output itself; the id is only in the header, and only shown (no URL is built
			// from it): one that is not a plain id is left out, the paid result kept.
			const headerId = header(response, 'x-fal-request-id') ?? '';
			const requestId = isPlainId(headerId) ? headerId : '';
			return { target: job.target, requestId, status: 'COMPLETED', output: body, links: {}, raw: body };
		}
		// A queue submit answers the job's id (also sent as x-fal-request-id); never read it as a result.
		const requestId = jobId(http, 'request_id', body.request_id ?? header(response, 'x-fal-request-id'));
		const submitted = { target: job.target, requestId };
		return {
			...submitted,
			status: String(body.status ?? 'IN_QUEUE'),
			links: {
				statusUrl: linkTo(http, submitted, '/status'),
				resultUrl: linkTo(http, submitted),
				cancelUrl: linkTo(http, submitted, '/cancel'),
				queuePosition: body.queue_position as number,
			},
			raw: body,
		};
	},

	async poll(http, submission): Promise<JobState> {
		const response = await http.api('status', {
			method: 'GET',
			url: requestUrl(http, submission, '/status'),
			qs: { logs: 1 },
		});
		return statusState((response.body ?? {}) as IDataObject);
	},

	/**
	 * fal's queue status stream: `GET {queue}/fal-ai/sam-3/requests/{id}/status/stream?logs=1` (app id without the
	 * endpoint path, like status), answered `text/event-stream`, one status object per event, the same shape as a
	 * poll, until COMPLETED — verified in fal-js 1.10.1 `queue.streamStatus` and fal's queue docs
	 * (notes/fal-status-stream.md). One request per job through the item's ProviderHttp (credential, Request
	 * Options, no redirects). fal-js ends on the server's close and trusts whatever came last; here only a COMPLETED
	 * event ends the wait: an end, a break, a bad event, silence or a 404/405 (not offered) hands over to polling.
	 */
	async watch(http, submission, bounds): Promise<WatchOutcome> {
		const opened = await settle(
			async () =>
				await http.api('status', {
					method: 'GET',
					url: requestUrl(http, submission, '/status/stream'),
					qs: { logs: 1 },
					headers: { Accept: 'text/event-stream' },
					encoding: 'stream',
					json: false,
				}),
		);
		if (!opened.ok) {
			const error = opened.error;
			// A stop or a refused key ends the item as a poll would; anything else (5xx, 429, network) is for polling.
			if (!(error instanceof ProviderError) || error.httpCode === 401 || error.httpCode === 403) throw error;
			return { end: error.httpCode === 404 || error.httpCode === 405 ? 'not_offered' : 'unavailable' };
		}
		const response = opened.value;
		const body = response.body as AsyncIterable<Buffer> & { destroy?: () => void };
		if (!String(header(response, 'content-type') ?? '').startsWith('text/event-stream')) {
			body.destroy?.();
			return { end: 'unavailable' };
		}
		let state: JobState | undefined;
		let runningAt: number | undefined;
		const end = await readJsonEvents(body, bounds, (event) => {
			if (event === null || typeof event !== 'object' || typeof (event as IDataObject).status !== 'string') return false;
			state = statusState(event as IDataObject);
			if (runningAt === undefined && state.status !== 'IN_QUEUE') runningAt = Date.now();
			return state.phase !== 'waiting';
		});
		return { state, end, runningAt };
	},

	async fetchOutput(http, submission) {
		if (submission.output !== undefined) return submission.output;
		const response = await http.api('result', { method: 'GET', url: requestUrl(http, submission) });
		return response.body;
	},

	async cancel(http, submission) {
		if (!submission.links.cancelUrl) return false;
		await http.apiDetached('cancel', { method: 'PUT', url: requestUrl(http, submission, '/cancel') });
		return true;
	},

	async upload(http, file) {
		const initiated = await http.api('upload', {
			method: 'POST',
			url: `${trimSlash(http.credentials.restUrl)}/storage/upload/initiate`,
			qs: { storage_type: 'fal-cdn-v3' },
			body: { content_type: file.mimeType, file_name: file.fileName },
		});
		const answer = (initiated.body ?? {}) as IDataObject;
		const uploadUrl = required(http, 'upload', `upload_url for "${file.fileName}"`, answer.upload_url);
		const fileUrl = required(http, 'upload', `file_url for "${file.fileName}"`, answer.file_url);
		await putPresigned(http, uploadUrl, file);
		return fileUrl;
	},

	unwrap(output, done) {
		const metrics = ((done.raw as IDataObject | undefined)?.metrics ?? {}) as IDataObject;
		const inferenceTime = metrics.inference_time;
		return {
			output,
			timing: typeof inferenceTime === 'number' ? { inferenceMs: Math.round(inferenceTime * 1000) } : undefined,
			raw: output,
		};
	},
};
