import type { JobState, Submission } from '../providers/provider';
import { ExecutionCancelledError, ProviderError } from '../transport/errors';
import { pause } from '../transport/pause';
import { withRetry } from '../transport/retry';
import { settle } from '../transport/settle';
import type { ItemJob } from './item-job';
import { nextPollDelayMs } from './poll-schedule';

export type DoneState = JobState & { phase: 'done' };

export interface WaitOutcome {
	done: DoneState;
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
			: `${job.adapter.label} has no cancel: the job may still finish there.`;
		error.description = [note, error.description].filter(Boolean).join(' ');
	}
	throw error;
}

async function pollUntilDone(job: ItemJob, submission: Submission): Promise<WaitOutcome> {
	const { adapter, http, signal } = job;
	const { maxWaitMs } = job.settings;
	const started = Date.now();
	const deadline = job.deadline ?? started + maxWaitMs;
	let polls = 0;
	let queueMs: number | undefined;

	for (;;) {
		const state: JobState = await withRetry('status', async () => await adapter.poll(http, submission), { signal, deadline });
		polls++;
		if (queueMs === undefined && !/queue|dispatch/i.test(state.status)) queueMs = Date.now() - started;
		if (state.phase === 'done') return { done: state, polls, queueMs };
		if (state.phase === 'failed') {
			// The job itself was answered: a ProviderError with no HTTP code, never retried, nothing to cancel.
			throw new ProviderError(`${adapter.label} job ${submission.requestId} failed: ${state.message}`, {
				provider: adapter.label,
				stage: 'status',
				errorType: state.errorType,
				requestId: submission.requestId,
				jobEnded: true,
			});
		}

		const delay = nextPollDelayMs(Date.now() - started);
		if (Date.now() + delay > deadline) {
			const position = state.queuePosition !== undefined ? ` at queue position ${state.queuePosition}` : '';
			throw new ProviderError(
				`${adapter.label} job ${submission.requestId} did not finish within ${Math.round(maxWaitMs / 1000)} s (still ${state.status}${position})`,
				{
					provider: adapter.label,
					stage: 'status',
					errorType: 'max_wait_exceeded',
					requestId: submission.requestId,
					description: "Raise Options > Max Wait, or lower Options > Max Concurrent Jobs if jobs wait in the provider's queue.",
				},
			);
		}
		const slept = await settle(async () => await pause(delay, signal));
		if (!slept.ok) throw new ExecutionCancelledError(submission.requestId);
	}
}

/** Cancelling is a courtesy to the user's bill: it must never hide the error that led to it. */
async function cancelQuietly({ adapter, http }: ItemJob, submission: Submission): Promise<boolean> {
	const cancelled = await settle(async () => await adapter.cancel(http, submission));
	return cancelled.ok && cancelled.value;
}
