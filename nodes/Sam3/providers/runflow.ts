import type { IDataObject } from 'n8n-workflow';

import { type JobStage, ProviderError } from '../transport/errors';
import { type FullResponse, type ProviderHttp, header } from '../transport/http';
import { parseRetryAfter } from '../transport/retry';
import { withoutUserInfo } from '../transport/redact';
import {
	type JobState,
	type ModelTarget,
	type ProviderAdapter,
	type ProviderArtifact,
	type Submission,
	jobId,
	putPresigned,
	required,
	trimSlash,
} from './provider';

/** Runflow's SAM 3 models, by fal's names: only `meta/sam-3/image` (no SAM 3.1, no RLE, no video; sam3-family.md §10). */
const MODELS: Record<string, string> = { 'sam-3/image': 'meta/sam-3/image' };
const modelOf = ({ model, endpoint }: ModelTarget) => MODELS[`${model}/${endpoint}`];
const LABEL = 'Runflow';
const SUCCEEDED = new Set(['succeeded', 'partial_succeeded']);
/** Runflow's terminal failures (providers.md: failed | canceled, older docs spell cancelled; timed_out alike). */
const FAILED = new Set(['failed', 'canceled', 'cancelled', 'timed_out']);

const runUrl = (http: ProviderHttp, runId: string) => `${trimSlash(http.credentials.baseUrl)}/v1/runs/${encodeURIComponent(runId)}`;

function readRunflowError(response: FullResponse, stage: JobStage): ProviderError {
	const body = (response.body ?? {}) as IDataObject;
	const fieldErrors = Array.isArray(body.errors)
		? (body.errors as IDataObject[]).map((entry) => [entry.field ?? entry.loc ?? entry.path, entry.message ?? entry.msg].filter(Boolean).join(': '))
		: [];
	const message = [body.message ?? `HTTP ${response.statusCode}`, ...fieldErrors].join('; ');
	return new ProviderError(`${LABEL} ${stage} failed: ${message}`, {
		provider: LABEL,
		stage,
		httpCode: response.statusCode,
		errorType: body.code as string | undefined,
		requestId: header(response, 'runflow-request-id') ?? header(response, 'x-request-id'),
		retryAfterMs: parseRetryAfter(header(response, 'retry-after')),
	});
}

/** The run output's own fields (Runflow's page); every other field is the model's. */
const ENVELOPE = new Set(['outputs', 'model_data', 'nsfw_detected', 'seed', 'timing']);

const isObject = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A succeeded run's model fields, fal-shaped: model_data, over any fal-shaped fields (masks, image …) an older or
 * other payload puts at the top of the output.
 */
function modelOutput(output: IDataObject): IDataObject {
	const top = Object.fromEntries(Object.entries(output).filter(([key]) => !ENVELOPE.has(key)));
	return { ...top, ...(isObject(output.model_data) ? output.model_data : {}) };
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined);

/** Every artifact the run lists in outputs[] ("one entry per generated artifact"): an entry without a URL is no file. */
function artifactsOf(output: IDataObject): ProviderArtifact[] {
	if (!Array.isArray(output.outputs)) return [];
	return output.outputs.filter((entry): entry is IDataObject => isObject(entry) && !!text(entry.url)).map((entry) => {
		const artifact: ProviderArtifact = { url: entry.url as string };
		const fields = {
			type: text(entry.type),
			content_type: text(entry.content_type),
			file_name: text(entry.file_name),
			file_size: count(entry.file_size),
			width: count(entry.width),
			height: count(entry.height),
		};
		return Object.assign(artifact, Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)));
	});
}

/**
 * The run's time from creation to completion by Runflow's own clock (completed_at - created_at; duration_ms when
 * the timestamps are missing): exact, where the node's own view is only as fine as its polls.
 */
function reportedDuration(run: IDataObject): number | undefined {
	const took = Date.parse(String(run.completed_at)) - Date.parse(String(run.created_at));
	if (Number.isFinite(took) && took > 0) return took;
	return typeof run.duration_ms === 'number' && run.duration_ms > 0 ? run.duration_ms : undefined;
}

export const runflowAdapter: ProviderAdapter = {
	id: 'runflowApi',
	label: LABEL,
	readError: readRunflowError,
	cancellable: false,

	refuses(target) {
		if (modelOf(target)) return undefined;
		const part = target.model === 'sam-3' ? 'endpoint' : 'model';
		const what = part === 'model' ? target.model : target.endpoint;
		return { part, reason: `Runflow runs only SAM 3 on images with masks as URLs (meta/sam-3/image), not "${what}"; choose fal.ai as the provider for it` };
	},

	async submit(http, job): Promise<Submission> {
		const body: IDataObject = { input: job.input };
		if (job.callbackUrl) body.callback_url = job.callbackUrl;
		if (job.runMetadata) body.metadata = job.runMetadata;
		const response = await http.api('submit', {
			method: 'POST',
			url: `${trimSlash(http.credentials.baseUrl)}/v1/models/${modelOf(job.target)}/runs`,
			body,
		});
		const run = (response.body ?? {}) as IDataObject;
		const requestId = jobId(http, 'run id', run.id);
		return { target: job.target, requestId, status: String(run.status_code ?? 'queued'), links: { runUrl: withoutUserInfo(runUrl(http, requestId)) }, raw: run };
	},

	async poll(http, submission): Promise<JobState> {
		const response = await http.api('status', { method: 'GET', url: runUrl(http, submission.requestId) });
		const run = (response.body ?? {}) as IDataObject;
		const status = String(run.status_code ?? '');
		if (SUCCEEDED.has(status)) {
			if (run.output === null || typeof run.output !== 'object') {
				throw new ProviderError(`${LABEL} run ${submission.requestId} succeeded without an output`, {
					provider: LABEL,
					stage: 'result',
					errorType: 'missing_output',
					requestId: submission.requestId,
					retryableHint: false,
					jobEnded: true,
				});
			}
			return { phase: 'done', status, output: run.output, run, raw: run, tookMs: reportedDuration(run) };
		}
		// queued, dispatching, running — and an empty or unknown status: keep waiting (Max Wait bounds it).
		if (!FAILED.has(status)) return { phase: 'waiting', status: status || 'unknown' };
		return {
			phase: 'failed',
			status,
			message: String(run.failure_message ?? `the run ended as ${status}`),
			errorType: (run.failure_code as string) ?? status,
			raw: run,
		};
	},

	async fetchOutput(_http, _submission, done) {
		return done.output;
	},

	async cancel() {
		return false; // Runflow has no public cancel: the run finishes on its own.
	},

	async upload(http, file) {
		const base = trimSlash(http.credentials.baseUrl);
		const created = await http.api('upload', {
			method: 'POST',
			url: `${base}/v1/asset-uploads`,
			body: { filename: file.fileName, mime_type: file.mimeType, size_bytes: file.data.length },
		});
		const slot = (created.body ?? {}) as IDataObject;
		const assetId = required(http, 'upload', `asset_id for "${file.fileName}"`, slot.asset_id);
		const uploadUrl = required(http, 'upload', `upload_url for "${file.fileName}"`, slot.upload_url);
		await putPresigned(http, uploadUrl, file);
		const confirmed = await http.api('upload', {
			method: 'POST',
			url: `${base}/v1/asset-uploads/${encodeURIComponent(assetId)}/confirmations`,
			body: {},
		});
		return required(http, 'upload', `url for "${file.fileName}"`, ((confirmed.body ?? {}) as IDataObject).url);
	},

	unwrap(output, done) {
		const body = (output ?? {}) as IDataObject;
		const run = (done.run ?? {}) as IDataObject;
		const timing = (body.timing ?? {}) as IDataObject;
		return {
			output: modelOutput(body),
			artifacts: artifactsOf(body),
			timing: {
				...(typeof timing.inference_ms === 'number' ? { inferenceMs: timing.inference_ms } : {}),
				...(typeof run.duration_ms === 'number' ? { providerDurationMs: run.duration_ms } : {}),
			},
			cost: typeof run.cost === 'number' ? run.cost : undefined,
			nsfwDetected: typeof body.nsfw_detected === 'boolean' ? body.nsfw_detected : undefined,
			seed: typeof body.seed === 'number' ? body.seed : undefined,
			raw: run,
		};
	},
};
