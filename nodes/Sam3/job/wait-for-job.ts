import { STREAM_QUIET_MS } from '../limits';
import type { JobState, Submission } from '../providers/provider';
import { ExecutionCancelledError, ProviderError } from '../transport/errors';
import { pause } from '../transport/pause';
import { withRetry } from '../transport/retry';
import { settle } from '../transport/settle';
import type { ItemJob } from './item-job';
import { nextPollAtMs } from './poll-schedule';

export type DoneState = JobState & { phase: 'done' };

export interface WaitOutcome {
	done: DoneState;
	/** Status requests: polls, and the status stream when one was opened. */
	polls: number;
	/** Time from submit until the provider reported the job running or done (ms). */
	queueMs?: number;
}

/**
 * Waits for a submitted job to finish, within Options > Max Wait. Every way of giving up on it — Max Wait, a
 * status error that ends the item, a Retry-After longer than the time left, a stop, the batch failing — cancels
 * the job at the provider (when it has a cancel), so nothing keeps running and billing for an item that failed.
 */
export async function waitForJob(job: ItemJob, submission: Submission): Promise<WaitOutcome> {
	const waited = await settle(async () => await pollUntilDone(job, submission));
	if (waited.ok) return waited.value;
	const error = waited.error;
	if (error instanceof ProviderError && error.jobEnded) throw error;
	const cancelled = await cancelQuietly(job, submission);
	if (error instanceof ProviderError) {
		const note = cancelled
			? 'The job was cancelled at the provider.'
			: job.adapter.cancellable
				? `Cancelling the job at ${job.adapter.label} failed: it may still finish there (and be billed).`
				: `${job.adapter.label} has no cancel: the job may still finish there.`;
		error.description = [note, error.description].filter(Boolean).join(' ');
	}
	throw error;
}

async function pollUntilDone(job: ItemJob, submission: Submission): Promise<WaitOutcome> {
	const { adapter, http, signal, batch } = job;
	const { maxWaitMs } = job.settings;
	const started = Date.now();
	const deadline = job.deadline ?? started + maxWaitMs;
	let polls = 0;
	let queueMs: number | undefined;
	let last: JobState | undefined;
	const durations = batch.jobDurations(adapter.id);
	// When the last poll that saw the job still waiting was answered: the job ended after it.
	let stillWaitingAt = started;
	const settled = (state: JobState): WaitOutcome | undefined => {
		last = state;
		if (queueMs === undefined && !/queue|dispatch/i.test(state.status)) queueMs = Date.now() - started;
		if (state.phase === 'waiting') stillWaitingAt = Date.now();
		if (state.phase === 'done') {
			// The provider's own figure, else the middle of the last gap between polls.
			durations.learn(state.tookMs ?? (stillWaitingAt + Date.now()) / 2 - started);
			return { done: state, polls, queueMs };
		}
		if (state.phase === 'failed') throw jobFailed(job, submission, state);
		return undefined;
	};

	// fal: one status stream instead of polls. Whatever ends it short of done or failed, polling takes over.
	if (adapter.watch && !batch.streamNotOffered) {
		const watched = await adapter.watch(http, submission, { quietMs: STREAM_QUIET_MS, deadline, signal });
		polls++;
		if (watched.end === 'not_offered') batch.streamNotOffered = true;
		if (watched.runningAt !== undefined) queueMs = watched.runningAt - started;
		// The stream tells the end as it happens.
		if (watched.state?.phase === 'done') stillWaitingAt = Date.now();
		const outcome = watched.state && settled(watched.state);
		if (outcome) return outcome;
		if (watched.end === 'stopped') throw new ExecutionCancelledError(submission.requestId);
		if (watched.end === 'deadline') throw maxWaitExceeded(job, submission, last);
	}

	// When the poll about to be sent was planned, in ms after the wait began (poll-schedule.ts nextPollAtMs).
	let plannedAt = Date.now() - started;
	for (;;) {
		const state: JobState = await withRetry('status', async () => await adapter.poll(http, submission), { signal, deadline });
		polls++;
		const outcome = settled(state);
		if (outcome) return outcome;

		const elapsed = Date.now() - started;
		plannedAt = nextPollAtMs(plannedAt, elapsed, durations.expected());
		const delay = plannedAt - elapsed;
		if (Date.now() + delay > deadline) throw maxWaitExceeded(job, submission, state);
		const slept = await settle(async () => await pause(delay, signal));
		if (!slept.ok) throw new ExecutionCancelledError(submission.requestId);
	}
}

/** The job itself was answered as failed: a ProviderError with no HTTP code, never retried, nothing to cancel. */
function jobFailed({ adapter }: ItemJob, submission: Submission, state: JobState & { phase: 'failed' }): ProviderError {
	// The request ID is in the details (shown after the message), not at its head.
	return new ProviderError(`${adapter.label} job failed: ${state.message}`, {
		provider: adapter.label,
		stage: 'status',
		errorType: state.errorType,
		requestId: submission.requestId,
		jobEnded: true,
	});
}

function maxWaitExceeded({ adapter, settings }: ItemJob, submission: Submission, state: JobState | undefined): ProviderError {
	const position = state?.phase === 'waiting' && state.queuePosition !== undefined ? ` at queue position ${state.queuePosition}` : '';
	const still = state ? ` (still ${state.status}${position})` : '';
	return new ProviderError(`${adapter.label} job did not finish within ${Math.round(settings.maxWaitMs / 1000)} s${still}`, {
		provider: adapter.label,
		stage: 'status',
		errorType: 'max_wait_exceeded',
		requestId: submission.requestId,
		description: "Raise Options > Max Wait, or lower Options > Max Concurrent Jobs if jobs wait in the provider's queue.",
	});
}

/** Cancelling is a courtesy to the user's bill: it must never hide the error that led to it. */
async function cancelQuietly({ adapter, http }: ItemJob, submission: Submission): Promise<boolean> {
	const cancelled = await settle(async () => await adapter.cancel(http, submission));
	return cancelled.ok && cancelled.value;
}
