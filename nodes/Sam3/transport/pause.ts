import { sleep } from 'n8n-workflow';

import { ExecutionCancelledError } from './errors';

/**
 * A wait is made of slices this long: n8n-workflow's `sleep` cannot be cleared, and the community rules ban
 * timers of our own, so a long wait (a Retry-After of minutes) checks the signal between slices. After a stop,
 * no timer of the node outlives it by more than one slice.
 */
export const PAUSE_SLICE_MS = 200;

/**
 * Waits `ms`, or rejects with ExecutionCancelledError as soon as the signal aborts (the pending slice then ends
 * on its own, within PAUSE_SLICE_MS). n8n-workflow 2.x dropped `sleepWithAbort`; `sleep` exists in both lines.
 */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) throw new ExecutionCancelledError();
	let onAbort = () => {};
	const stopped = new Promise<'stopped'>((resolve) => {
		onAbort = () => resolve('stopped');
		signal?.addEventListener('abort', onAbort, { once: true });
	});
	try {
		const end = Date.now() + ms;
		for (let left = ms; left > 0; left = end - Date.now()) {
			if ((await Promise.race([sleep(Math.min(left, PAUSE_SLICE_MS)), stopped])) === 'stopped') throw new ExecutionCancelledError();
		}
	} finally {
		signal?.removeEventListener('abort', onAbort);
	}
}
