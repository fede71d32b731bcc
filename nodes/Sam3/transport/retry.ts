import { ExecutionCancelledError, type JobStage, ProviderError } from './errors';
import { pause } from './pause';
import { settle } from './settle';

/**
 * The one retry policy of the node (after fal's official client): exponential backoff with ±25 % jitter,
 * Retry-After honoured, bounded attempts. Polls and downloads are safe to repeat and retry patiently; a submit is
 * retried only when the provider cannot have started the job (it said so, or the connection never opened).
 */
interface StagePolicy {
	attempts: number;
	baseMs: number;
	maxMs: number;
}

const POLICIES: Record<JobStage, StagePolicy> = {
	submit: { attempts: 4, baseMs: 500, maxMs: 15_000 },
	upload: { attempts: 4, baseMs: 500, maxMs: 15_000 },
	status: { attempts: 7, baseMs: 500, maxMs: 30_000 },
	result: { attempts: 5, baseMs: 500, maxMs: 15_000 },
	download: { attempts: 4, baseMs: 500, maxMs: 15_000 },
	cancel: { attempts: 2, baseMs: 250, maxMs: 1_000 },
};

/** Errors that happen before a request reaches the server: nothing can have started. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Submit answers that prove the job was not accepted. */
const SUBMIT_REJECTED_STATUS = new Set([429, 503]);

const REPEATABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function isRetryable(error: unknown, options: { idempotentSubmit?: boolean } = {}): boolean {
	if (!(error instanceof ProviderError) || error.userTimeout) return false;
	if (error.retryableHint === false) return false;
	const { stage, httpCode, networkCode } = error;
	if (stage === 'submit' && !options.idempotentSubmit) {
		// Not on X-Fal-Retryable: true alone: fal marks most 5xx retryable, but a 500/502/504 may come after the job
		// was queued, and a second submit would run (and bill) it twice.
		if (httpCode !== undefined) return SUBMIT_REJECTED_STATUS.has(httpCode);
		return networkCode !== undefined && NOT_SENT_CODES.has(networkCode);
	}
	if (httpCode !== undefined) return REPEATABLE_STATUS.has(httpCode) || error.retryableHint === true;
	return networkCode !== undefined;
}

export function backoffMs(stage: JobStage, attempt: number, retryAfterMs?: number, random = Math.random): number {
	const { baseMs, maxMs } = POLICIES[stage];
	if (retryAfterMs !== undefined) return Math.min(retryAfterMs, 5 * 60_000);
	const exponential = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
	return Math.round(exponential * (0.75 + random() * 0.5));
}

export interface RetryOptions {
	signal?: AbortSignal;
	/** Stop retrying when the next wait would end past this time (ms since epoch). */
	deadline?: number;
	/** fal.run is answered or failed as a whole: repeating a failed sync call cannot duplicate a running job. */
	idempotentSubmit?: boolean;
}

export async function withRetry<T>(stage: JobStage, call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
	const { attempts } = POLICIES[stage];
	for (let attempt = 1; ; attempt++) {
		const outcome = await settle(call);
		if (outcome.ok) return outcome.value;
		const { error } = outcome;
		if (options.signal?.aborted) throw new ExecutionCancelledError();
		if (attempt >= attempts || !isRetryable(error, options)) throw error;
		const waitMs = backoffMs(stage, attempt, (error as ProviderError).retryAfterMs);
		if (options.deadline !== undefined && Date.now() + waitMs > options.deadline) throw error;
		const slept = await settle(async () => await pause(waitMs, options.signal));
		if (!slept.ok) throw new ExecutionCancelledError();
	}
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
