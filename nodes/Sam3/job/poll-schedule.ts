/**
 * Polls at intervals that grow with the time already waited (10 %, 50 ms to 2 s): a short job is seen done
 * within a few percent of its run time without flooding the provider with polls for long ones.
 */
export function nextPollDelayMs(elapsedMs: number): number {
	return Math.min(2_000, Math.max(50, Math.round(elapsedMs * 0.1)));
}
