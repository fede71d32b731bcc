import type { JobState, Submission } from '../providers/provider';
import { ExecutionCancelledError, ProviderError } from '../transport/errors';
import { pause } from '../transport/pause';
import { withRetry } from '../transport/retry';
import { settle } from '../transport/settle';
import type { ItemJob } from './item-job';

export type DoneState = JobState & { phase: 'done' };

export interface WaitOutcome {
	done: DoneState;
	polls: number;
	/** Time from submit until the provider reported the job running or done (ms). */
	queueMs?: number;
}

/**
 * Polls at intervals that grow with the time already waited (10 %, 50 ms to 2 s): a short job is seen done
 * within a few percent of its run time without flooding the provider with polls for long ones.
 */
export function nextPollDelayMs(elapsedMs: number): number {
	return Math.min(2_000, Math.max(50, Math.round(elapsedMs * 0.1)));
}

export async function waitForJob(job: ItemJob, submission: Submission): Promise<WaitOutcome> {
	const { adapter, http } = job;
	const { maxWaitMs } = job.settings;
	const signal = http.signal;
	const started = Date.now();
	const deadline = started + maxWaitMs;
	let polls = 0;
	let queueMs: number | undefined;
	let last: JobState | undefined;

	for (;;) {
		const polled = await settle(
			async () => await withRetry('status', async () => await adapter.poll(http, submission), { signal, deadline }),
		);
		if (!polled.ok) {
			if (polled.error instanceof ExecutionCancelledError) await cancelQuietly(job, submission);
			throw polled.error;
		}
		const state: JobState = polled.value;
		polls++;
		last = state;
		if (queueMs === undefined && !/queue|dispatch/i.test(state.status)) queueMs = Date.now() - started;
		if (state.phase === 'done') return { done: state, polls, queueMs };
		if (state.phase === 'failed') {
			// The job itself was answered: a ProviderError with no HTTP code, never retried.
			throw new ProviderError(`${adapter.label} job ${submission.requestId} failed: ${state.message}`, {
				provider: adapter.label,
				stage: 'status',
				errorType: state.errorType,
				requestId: submission.requestId,
			});
		}

		const delay = nextPollDelayMs(Date.now() - started);
		if (Date.now() + delay > deadline) {
			const cancelled = await cancelQuietly(job, submission);
			const position = last.phase === 'waiting' && last.queuePosition !== undefined ? ` at queue position ${last.queuePosition}` : '';
			throw new ProviderError(
				`${adapter.label} job ${submission.requestId} did not finish within ${Math.round(maxWaitMs / 1000)} s (still ${state.status}${position})`,
				{
					provider: adapter.label,
					stage: 'status',
					errorType: 'max_wait_exceeded',
					requestId: submission.requestId,
					description: `${cancelled ? 'The job was cancelled. ' : 'The provider has no cancel: the job may still finish there. '}Raise Options > Max Wait, or lower Options > Max Concurrent Jobs if jobs wait in the provider's queue.`,
				},
			);
		}
		const slept = await settle(async () => await pause(delay, signal));
		if (!slept.ok) {
			await cancelQuietly(job, submission);
			throw new ExecutionCancelledError(submission.requestId);
		}
	}
}

/** Cancelling is a courtesy to the user's bill: it must never hide the error that led to it. */
async function cancelQuietly({ adapter, http }: ItemJob, submission: Submission): Promise<boolean> {
	const cancelled = await settle(async () => await adapter.cancel(http, submission));
	return cancelled.ok && cancelled.value;
}
