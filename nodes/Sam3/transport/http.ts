import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import { MiB } from '../limits';
import { isStreamBody, readHead } from './bounded-reader';
import { ExecutionCancelledError, type JobStage, ProviderError } from './errors';
import { JSON_ANSWER_LIMIT_BYTES, readJsonAnswer } from './json-answer';

export type FullResponse = Pick<IN8nHttpFullResponse, 'statusCode' | 'headers' | 'body'>;

/** Turns a non-2xx answer into a ProviderError in the provider's own terms. */
export type ErrorReader = (response: FullResponse, stage: JobStage) => ProviderError;

/** What n8n's request options (proxy, SSL, timeout) contribute to every call of an item. */
export type TransportDefaults = Pick<IHttpRequestOptions, 'proxy' | 'skipSslCertificateValidation' | 'timeout'>;

export function transportDefaults(options: IHttpRequestOptions): TransportDefaults {
	const { proxy, skipSslCertificateValidation, timeout } = options;
	return { proxy, skipSslCertificateValidation, timeout };
}

/** Who a ProviderHttp talks to, fixed for one item's job. */
export interface ProviderLine {
	/** The provider's name in messages ("fal.ai", "Runflow"). */
	provider: string;
	/** n8n's credential type: n8n adds the key to `api` calls, the node never sets it by hand. */
	credentialType: string;
	/** The credential's fields; adapters read the endpoint URLs from them. */
	credentials: IDataObject;
	defaults: TransportDefaults;
	readError: ErrorReader;
	/**
	 * Ends every call of the job: the execution's cancel signal, joined with the batch's (job/batch.ts). n8n ties
	 * authenticated calls to the context's getExecutionCancelSignal(), so the calls run on a view of the context
	 * that answers this signal.
	 */
	signal?: AbortSignal;
}

/**
 * One item's line to a provider, for every call of its job (submit included). `api` calls carry the credential
 * (through n8n's httpRequestWithAuthentication) and never follow redirects, so the key cannot travel to another
 * host; `public` calls (CDN downloads, presigned uploads) carry no credential at all. All carry n8n's request
 * options (proxy, Ignore SSL Issues, Timeout) and resolve to the full response or throw a ProviderError.
 */
export class ProviderHttp {
	readonly provider: string;

	readonly credentials: IDataObject;

	readonly signal: AbortSignal | undefined;

	/**
	 * Options > Max Wait as a point in time, once the job has its slot: no single request may run past it (the
	 * node's Timeout alone would let one hung poll or sync call run 300 s). Cancels (apiDetached) are exempt.
	 */
	deadline?: number;

	private readonly ctx: IExecuteSingleFunctions;

	/** The credential, read once for the item: n8n would otherwise load and decrypt it again for every request. */
	private readonly resolved: { credentialsDecrypted: ICredentialsDecrypted };

	constructor(
		ctx: IExecuteSingleFunctions,
		private readonly line: ProviderLine,
	) {
		this.provider = line.provider;
		this.credentials = line.credentials;
		this.signal = line.signal;
		// One signal per request, derived from the job's (AbortSignal.any holds its sources weakly, adding no
		// listener): many requests of one item at once (its mask downloads) would otherwise pile listeners onto one.
		const signal = line.signal;
		const perRequest = () => (signal ? AbortSignal.any([signal]) : undefined);
		this.ctx = Object.create(ctx, { getExecutionCancelSignal: { value: perRequest } }) as IExecuteSingleFunctions;
		this.resolved = {
			credentialsDecrypted: { id: '', name: line.credentialType, type: line.credentialType, data: line.credentials as ICredentialsDecrypted['data'] },
		};
	}

	/** The per-request timeout from n8n's request options (the node's Timeout setting; 300 s when unset). */
	get timeoutMs(): number | undefined {
		return this.line.defaults.timeout;
	}

	async api(stage: JobStage, options: IHttpRequestOptions): Promise<FullResponse> {
		return await this.send(stage, { ...options, disableFollowRedirect: true }, true);
	}

	async public(stage: JobStage, options: IHttpRequestOptions): Promise<FullResponse> {
		return await this.send(stage, options, false);
	}

	/** The same line with calls ended by `signal` alone (e.g. a submit that must not be cut off by the batch). */
	withSignal(signal: AbortSignal | undefined): ProviderHttp {
		const http = new ProviderHttp(this.ctx, { ...this.line, signal });
		http.deadline = this.deadline;
		return http;
	}

	/**
	 * For cancelling a job after the user stopped the execution: n8n ties authenticated calls to the execution's
	 * cancel signal, which has already fired, so this call runs detached from it (bounded by a short timeout).
	 */
	async apiDetached(stage: JobStage, options: IHttpRequestOptions): Promise<FullResponse> {
		const http = new ProviderHttp(this.ctx, { ...this.line, signal: undefined, defaults: { ...this.line.defaults, timeout: 10_000 } });
		return await http.api(stage, options);
	}

	/** 2xx passes, anything else becomes the provider's error. */
	private check(stage: JobStage, response: FullResponse, expectJson = true): FullResponse {
		if (response.statusCode < 200 || response.statusCode >= 300) throw this.line.readError(response, stage);
		// n8n hands over a JSON body that did not parse as a string: never read it as a job's answer.
		if (expectJson && typeof response.body === 'string' && response.statusCode !== 204) {
			throw new ProviderError(`${this.provider}: the ${stage} answer was not valid JSON (HTTP ${response.statusCode}): ${response.body.slice(0, 80)}`, {
				provider: this.provider,
				stage,
				httpCode: response.statusCode,
				errorType: 'malformed_response',
				// Reading again is safe; a submit is not repeated, the job may exist already.
				retryableHint: stage === 'submit' ? undefined : true,
			});
		}
		return response;
	}

	private async send(stage: JobStage, options: IHttpRequestOptions, authenticated: boolean): Promise<FullResponse> {
		const timeout = options.timeout ?? this.line.defaults.timeout;
		// At least a second: a request that cannot even start is no use, and the deadline error comes from the caller.
		const left = this.deadline === undefined ? undefined : Math.max(1_000, this.deadline - Date.now());
		// A JSON answer comes as a stream and is read with a byte cap (json-answer.ts): n8n lets axios buffer any size.
		const json = options.json !== false && options.encoding === undefined;
		const request: IHttpRequestOptions = {
			json: true,
			...this.line.defaults,
			...options,
			...(json ? { encoding: 'stream' as const } : {}),
			timeout: left === undefined ? timeout : Math.min(timeout ?? left, left),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal: this.ctx.getExecutionCancelSignal(),
		};
		let response: FullResponse;
		try {
			response = authenticated
				? ((await this.ctx.helpers.httpRequestWithAuthentication.call(
						this.ctx,
						this.line.credentialType,
						request,
						this.resolved,
					)) as FullResponse)
				: ((await this.ctx.helpers.httpRequest(request)) as FullResponse);
		} catch (error) {
			throw this.networkError(stage, error);
		}
		// An error answer fetched as a stream (downloads, the status stream, JSON): read its start for the provider's
		// words, then free its connection.
		if ((response.statusCode < 200 || response.statusCode >= 300) && request.encoding === 'stream') {
			response = { ...response, body: (await this.readErrorBody(response.body)) as FullResponse['body'] };
		} else if (json) {
			response = { ...response, body: (await this.readJson(stage, response, timeout ?? 300_000)) as FullResponse['body'] };
		}
		return this.check(stage, response, request.json !== false);
	}

	/** A 2xx JSON answer, read within its stage's byte cap, the request's Timeout as idle time, and Max Wait. */
	private async readJson(stage: JobStage, response: FullResponse, idleMs: number): Promise<unknown> {
		const limitBytes = JSON_ANSWER_LIMIT_BYTES[stage];
		const answer = await readJsonAnswer(response.body, {
			limitBytes,
			declared: header(response, 'content-length'),
			idleMs,
			deadline: this.deadline,
			signal: this.signal,
		});
		if (answer.ok) return answer.body;
		if (answer.why === 'stopped' || this.signal?.aborted) throw new ExecutionCancelledError();
		if (answer.why === 'deadline') throw pastMaxWait(this.provider, stage, `the ${stage} answer`);
		if (answer.why === 'too_large') {
			throw new ProviderError(`${this.provider}: the ${stage} answer is larger than ${limitBytes / MiB} MiB; it was not read`, {
				provider: this.provider,
				stage,
				httpCode: response.statusCode,
				errorType: 'answer_too_large',
				// The same question would get the same answer; a submit is never repeated anyway.
				retryableHint: false,
				description: 'No SAM 3 answer is that large: the provider (or something between it and n8n) sent a broken answer.',
			});
		}
		throw this.networkError(stage, answer.why === 'idle' ? Object.assign(new Error('the answer did not arrive in time'), { code: 'ETIMEDOUT' }) : answer.error);
	}

	/**
	 * The first few KB of an error answer that came as a stream (a download's, the status stream's), as JSON when it
	 * is JSON; its connection is then released. What does not arrive in 2 s is left out: the status code still tells.
	 */
	private async readErrorBody(body: unknown): Promise<unknown> {
		if (!isStreamBody(body)) return body;
		const head = await readHead(body, { limitBytes: ERROR_BODY_BYTES, idleMs: 2_000, deadline: this.deadline, signal: this.signal });
		const text = head.ok ? head.bytes.toString('utf8') : '';
		try {
			return JSON.parse(text) as unknown;
		} catch {
			return text;
		}
	}

	networkError(stage: JobStage, error: unknown): Error {
		if (this.signal?.aborted) return new ExecutionCancelledError();
		if (error instanceof ProviderError) return error;
		const code = networkCodeOf(error);
		const message = (error as Error)?.message;
		const reason = [code, message && !message.includes(code ?? '\0') ? message : undefined].filter(Boolean).join(': ') || 'no answer';
		return new ProviderError(`${this.provider}: the ${stage} request failed (${reason})`, {
			provider: this.provider,
			stage,
			networkCode: code ?? 'ERR_NETWORK',
		});
	}
}

/**
 * n8n wraps transport errors (NodeApiError around an axios error): find the socket error code underneath.
 * NodeApiError keeps it as `httpCode` (e.g. "ECONNREFUSED") when the axios error itself is not kept as its cause.
 */
export function networkCodeOf(error: unknown): string | undefined {
	for (let current = error as IDataObject | undefined, depth = 0; current && depth < 5; depth++) {
		for (const code of [current.code, current.httpCode]) {
			if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		}
		current = (current.cause ?? current.errorResponse ?? current.context) as IDataObject | undefined;
	}
	const message = String((error as Error)?.message ?? '');
	return /timeout|timed out/i.test(message) ? 'ETIMEDOUT' : /socket hang up/i.test(message) ? 'ECONNRESET' : undefined;
}

/** How much of an error answer is read for the provider's words. */
const ERROR_BODY_BYTES = 16_384;

/**
 * Options > Max Wait passed while an answer or a file was still coming in. From the result on, the job has finished
 * at the provider and was billed: say so, and what gives it time.
 */
export function pastMaxWait(provider: string, stage: JobStage, what: string): ProviderError {
	const billed =
		stage === 'result' || stage === 'download'
			? `The job finished at ${provider} and was billed; only ${what} was cut off. `
			: stage === 'submit'
				? `The job may have run at ${provider} (and been billed). `
				: '';
	return new ProviderError(`${provider}: ${what} did not arrive within Options > Max Wait`, {
		provider,
		stage,
		errorType: 'max_wait_exceeded',
		retryableHint: false,
		description: `${billed}Raise Options > Max Wait: it bounds the whole job, downloads included.`,
	});
}

export function header(response: FullResponse, name: string): string | undefined {
	const value = response.headers?.[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : (value as string | undefined);
}
