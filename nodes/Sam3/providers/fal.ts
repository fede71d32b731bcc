import type { IDataObject } from 'n8n-workflow';

import { normalizeSam3Output } from '../contract/normalize';
import { type JobStage, ProviderError } from '../transport/errors';
import { type FullResponse, type ProviderHttp, header } from '../transport/http';
import { parseRetryAfter } from '../transport/retry';
import { type JobState, type ProviderAdapter, type Submission, putPresigned, trimSlash } from './provider';

/** Submit uses the full endpoint id; status, result and cancel use only owner/app (fal's subpath rule). */
const ENDPOINT = 'fal-ai/sam-3/image';
const APP = 'fal-ai/sam-3';
const LABEL = 'fal.ai';

const requestUrl = (http: ProviderHttp, requestId: string, suffix = '') =>
	`${trimSlash(http.credentials.queueUrl)}/${APP}/requests/${encodeURIComponent(requestId)}${suffix}`;

function readFalError(response: FullResponse, stage: JobStage): ProviderError {
	const body = (response.body ?? {}) as IDataObject;
	const detail = body.detail;
	let message: string;
	let errorType = header(response, 'x-fal-error-type') ?? (body.error_type as string | undefined);
	if (Array.isArray(detail)) {
		// 422: one entry per invalid field, loc like ["body", "image_url"].
		message = (detail as IDataObject[])
			.map((entry) => `${((entry.loc as string[]) ?? []).filter((part) => part !== 'body').join('.') || 'input'}: ${entry.msg}`)
			.join('; ');
		errorType ??= String((detail[0] as IDataObject)?.type ?? 'validation_error');
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
		description: hint,
	});
}

export const falAdapter: ProviderAdapter = {
	id: 'falApi',
	label: LABEL,
	readError: readFalError,

	async submit(http, job): Promise<Submission> {
		const headers: IDataObject = {};
		if (job.queuePriority && job.mode === 'queue') headers['x-fal-queue-priority'] = job.queuePriority;
		if (job.startTimeoutSeconds) headers['x-fal-request-timeout'] = String(job.startTimeoutSeconds);
		const base = job.mode === 'sync' ? http.credentials.runUrl : http.credentials.queueUrl;
		const response = await http.api('submit', {
			method: 'POST',
			url: `${trimSlash(base)}/${ENDPOINT}`,
			qs: job.mode === 'queue' && job.callbackUrl ? { fal_webhook: job.callbackUrl } : {},
			headers,
			body: job.input,
		});
		const body = (response.body ?? {}) as IDataObject;
		if (body.request_id === undefined) {
			// fal.run answers the output itself; the id is only in the header.
			return { requestId: header(response, 'x-fal-request-id') ?? '', status: 'COMPLETED', output: body, links: {}, raw: body };
		}
		const requestId = String(body.request_id);
		return {
			requestId,
			status: String(body.status ?? 'IN_QUEUE'),
			links: {
				statusUrl: requestUrl(http, requestId, '/status'),
				resultUrl: requestUrl(http, requestId),
				cancelUrl: requestUrl(http, requestId, '/cancel'),
				queuePosition: body.queue_position as number,
			},
			raw: body,
		};
	},

	async poll(http, submission): Promise<JobState> {
		const response = await http.api('status', {
			method: 'GET',
			url: requestUrl(http, submission.requestId, '/status'),
			qs: { logs: 1 },
		});
		const body = (response.body ?? {}) as IDataObject;
		const status = String(body.status);
		if (status === 'COMPLETED') {
			if (body.error) {
				return { phase: 'failed', status, message: String(body.error), errorType: body.error_type as string, raw: body };
			}
			return { phase: 'done', status, raw: body };
		}
		return { phase: 'waiting', status, queuePosition: body.queue_position as number | undefined };
	},

	async fetchOutput(http, submission) {
		if (submission.output !== undefined) return submission.output;
		const response = await http.api('result', { method: 'GET', url: requestUrl(http, submission.requestId) });
		return response.body;
	},

	async cancel(http, submission) {
		if (!submission.links.cancelUrl) return false;
		await http.apiDetached('cancel', { method: 'PUT', url: requestUrl(http, submission.requestId, '/cancel') });
		return true;
	},

	async upload(http, file) {
		const initiated = await http.api('upload', {
			method: 'POST',
			url: `${trimSlash(http.credentials.restUrl)}/storage/upload/initiate`,
			qs: { storage_type: 'fal-cdn-v3' },
			body: { content_type: file.mimeType, file_name: file.fileName },
		});
		const { upload_url: uploadUrl, file_url: fileUrl } = initiated.body as IDataObject;
		await putPresigned(http, uploadUrl, file);
		return String(fileUrl);
	},

	normalize(output, done) {
		const metrics = ((done.raw as IDataObject | undefined)?.metrics ?? {}) as IDataObject;
		const inferenceTime = metrics.inference_time;
		return {
			...normalizeSam3Output(output),
			timing: typeof inferenceTime === 'number' ? { inferenceMs: Math.round(inferenceTime * 1000) } : undefined,
			raw: output,
		};
	},
};
