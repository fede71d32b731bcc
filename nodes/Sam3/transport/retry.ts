import { ExecutionCancelledError, type JobStage, ProviderError } from './errors';
import { pause } from './pause';
import { settle } from './settle';

/**
 * The one retry policy of the node (after fal's official client): exponential backoff with ±25 % jitter,
 * Retry-After honoured, bounded attempts. Polls and downloads are safe to repeat and retry patiently; a submit —
 * a fal queue submit, a fal.run sync call, a Runflow run — is retried only when the provider cannot have started
 * the job (it said so, or the connection never opened): fal.run runs and bills a job even when its answer is lost.
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

export function isRetryable(error: unknown): boolean {
	if (!(error instanceof ProviderError) || error.userTimeout) return false;
	if (error.retryableHint === false) return false;
	const { stage, httpCode, networkCode } = error;
	if (stage === 'submit') {
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
	/** Stop retrying when the next wait would end past this time (ms since epoch): the item's Max Wait. */
	deadline?: number;
}

export async function withRetry<T>(stage: JobStage, call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
	const { attempts } = POLICIES[stage];
	for (let attempt = 1; ; attempt++) {
		if (options.signal?.aborted) throw new ExecutionCancelledError();
		const outcome = await settle(call);
		if (outcome.ok) return outcome.value;
		const { error } = outcome;
		if (options.signal?.aborted) throw new ExecutionCancelledError();
		if (attempt >= attempts || !isRetryable(error)) throw error;
		const waitMs = backoffMs(stage, attempt, (error as ProviderError).retryAfterMs);
		if (options.deadline !== undefined && Date.now() + waitMs > options.deadline) throw pastDeadline(error as ProviderError, waitMs);
		const slept = await settle(async () => await pause(waitMs, options.signal));
		if (!slept.ok) throw new ExecutionCancelledError();
	}
}

/** The provider asked for a wait longer than the item has left: say so, keeping the provider's error. */
function pastDeadline(error: ProviderError, waitMs: number): ProviderError {
	const why = `Not tried again: the next try (in ${Math.ceil(waitMs / 1000)} s) would end past Options > Max Wait.`;
	error.description = [error.description, why].filter(Boolean).join(' ');
	return error;
}

/**
 * Retry-After is seconds or an HTTP date. Zero, negative, past or unreadable values are no usable hint: they
 * give undefined, so the normal backoff applies (never a tight loop of requests).
 */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (!text) return undefined;
	const seconds = Number(text);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text) - now;
	return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
