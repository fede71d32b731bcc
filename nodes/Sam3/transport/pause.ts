import { sleep } from 'n8n-workflow';

import { ExecutionCancelledError } from './errors';

/**
 * Waits `ms`, or rejects with ExecutionCancelledError as soon as the execution is stopped. n8n-workflow 2.x
 * dropped `sleepWithAbort`; `sleep` exists in both lines (and the community rules ban timers of our own).
 */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) throw new ExecutionCancelledError();
	if (!signal) return await sleep(ms);
	let onAbort = () => {};
	const stopped = new Promise<never>((_, reject) => {
		onAbort = () => reject(new ExecutionCancelledError());
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms), stopped]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
