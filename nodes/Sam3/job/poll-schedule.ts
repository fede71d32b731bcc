/**
 * When to poll a job's status next: after half the time waited so far, at least 100 ms, at most 2 s.
 *
 * Why these numbers. Waiting a fixed share r of the elapsed time makes the number of polls grow with the log of
 * the job's duration, and a job is seen done at most r of its time late (1 s job: ≤ 1.5 s; the usual case is
 * far less, as the last wait rarely starts just before the end). r = 0.5 with the 100 ms floor gives 12 status
 * requests for a 6 s job (fal's own client polls every 500 ms: 12; Runflow's SDK every 2 s: 3) — within the
 * issue-12 budgets (fal ≤ 16, Runflow ≤ 12); r = 0.25 would see jobs sooner but cost 17. The floor keeps a short
 * job from being polled faster than 10 times a second; the 2 s ceiling (Runflow's SDK interval) bounds how late a
 * long job is seen. fal normally needs no polls at all (its status stream, providers/fal.ts `watch`); this is its
 * fallback, and Runflow's only way.
 */
export const POLL_GROWTH = 0.5;
export const MIN_POLL_DELAY_MS = 100;
export const MAX_POLL_DELAY_MS = 2_000;

export function nextPollDelayMs(elapsedMs: number): number {
	return Math.min(MAX_POLL_DELAY_MS, Math.max(MIN_POLL_DELAY_MS, Math.round(elapsedMs * POLL_GROWTH)));
}

/** Status requests made for a job that finishes after `jobMs`, polling from 0 on this schedule (no request time). */
export function pollsFor(jobMs: number): number {
	let polls = 1;
	for (let elapsed = 0; elapsed < jobMs; polls++) elapsed += nextPollDelayMs(elapsed);
	return polls;
}
