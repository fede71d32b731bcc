/**
 * When to poll a job's status next.
 *
 * Knowing nothing: after half the time waited so far, at least 100 ms, at most 2 s. Waiting a fixed share r of
 * the elapsed time makes the number of polls grow with the log of the job's duration, and a job is seen done at
 * most r of its time late. r = 0.5 with the 100 ms floor gives 12 status requests for a 6 s job (fal's own client
 * polls every 500 ms: 12; Runflow's SDK every 2 s: 3) — within the budgets (fal ≤ 16, Runflow ≤ 12); r = 0.25
 * would see jobs sooner but cost 17. The floor keeps a short job from being polled faster than 10 times a second;
 * the 2 s ceiling (Runflow's SDK interval) bounds how late a long job is seen.
 *
 * Knowing when it likely ends: the jobs of one node run take similar times (same model, similar photos), so once
 * some have finished (JobDurations, kept per run in job/batch.ts) the next ones are polled sparsely before that
 * time — once at the start, once halfway — and densely (every 3 % of it, at least 50 ms) from a little before
 * its earliest to a little after its latest; a job later than that falls back to the rule above. A 6 s job then
 * costs ~5 requests and is seen within ~3 % of its end instead of up to 50 %.
 *
 * fal normally needs no polls at all (its status stream, providers/fal.ts `watch`); this is its fallback, and
 * Runflow's only way (it has no stream).
 */
export const POLL_GROWTH = 0.5;
export const MIN_POLL_DELAY_MS = 100;
export const MAX_POLL_DELAY_MS = 2_000;

/** Dense polling near the expected end: every this share of it, at least DENSE_MIN_DELAY_MS apart. */
export const DENSE_SHARE = 0.03;
export const DENSE_MIN_DELAY_MS = 50;
/** The window of dense polls starts this share before the earliest learned end and ends this share after the latest. */
export const WINDOW_MARGIN = 0.05;
/** At most this many dense polls across the window, however far apart the learned ends are. */
export const MAX_DENSE_POLLS = 8;

/** When a job is expected to end, in ms after its wait began: between `earliestMs` and `latestMs`. */
export interface ExpectedEnd {
	earliestMs: number;
	latestMs: number;
}

export function nextPollDelayMs(elapsedMs: number, expected?: ExpectedEnd): number {
	const usual = Math.min(MAX_POLL_DELAY_MS, Math.max(MIN_POLL_DELAY_MS, Math.round(elapsedMs * POLL_GROWTH)));
	if (!expected) return usual;
	const from = expected.earliestMs * (1 - WINDOW_MARGIN);
	const to = expected.latestMs * (1 + WINDOW_MARGIN);
	// Past the window: this job is slower than the others were; back to the usual rule.
	if (elapsedMs > to) return usual;
	const dense = Math.max(DENSE_MIN_DELAY_MS, Math.round(expected.earliestMs * DENSE_SHARE), Math.round((to - from) / MAX_DENSE_POLLS));
	if (elapsedMs >= from - DENSE_MIN_DELAY_MS) return dense;
	// Before the window: one poll halfway (a job that fails early is still seen), then the window's start.
	const halfway = from / 2;
	return Math.max(DENSE_MIN_DELAY_MS, Math.round((elapsedMs < halfway - DENSE_MIN_DELAY_MS ? halfway : from) - elapsedMs));
}

/**
 * When, in ms after the wait began, to send the poll after one planned at `plannedMs` and answered at `elapsedMs`.
 * Polls keep to the schedule's own times: sleeping its delay after each answer would push every later poll back
 * by all the request times so far (a 0.2 s job, ~10 ms per request: polled at 0, 110, 220 and seen at ~230 ms
 * instead of at 200). An answer so slow that the next time is (nearly) due restarts the schedule from now, so
 * polls never come back to back and never more often than the schedule counts (pollsFor).
 */
export function nextPollAtMs(plannedMs: number, elapsedMs: number, expected?: ExpectedEnd): number {
	const step = nextPollDelayMs(plannedMs, expected);
	const next = plannedMs + step;
	return next - elapsedMs >= step / 2 ? next : elapsedMs + nextPollDelayMs(elapsedMs, expected);
}

/**
 * How long the finished jobs of one node run took, per provider, from the start of their wait to their end.
 * Only the last few count, so a run whose jobs change pace (another prompt, bigger photos) follows along.
 */
export class JobDurations {
	static readonly KEPT = 8;

	private readonly recent: number[] = [];

	learn(durationMs: number): void {
		if (!Number.isFinite(durationMs) || durationMs <= 0) return;
		this.recent.push(durationMs);
		if (this.recent.length > JobDurations.KEPT) this.recent.shift();
	}

	/** Undefined until a job has finished. */
	expected(): ExpectedEnd | undefined {
		if (this.recent.length === 0) return undefined;
		return { earliestMs: Math.min(...this.recent), latestMs: Math.max(...this.recent) };
	}
}

/** When a job that finishes after `jobMs` is polled on this schedule (ms after the wait began, no request time), up to the poll that sees it done. */
export function pollTimes(jobMs: number, expected?: ExpectedEnd): number[] {
	const times = [0];
	for (let elapsed = 0; elapsed < jobMs; times.push(elapsed)) elapsed += nextPollDelayMs(elapsed, expected);
	return times;
}

/** Status requests made for a job that finishes after `jobMs`, polling from 0 on this schedule (no request time). */
export function pollsFor(jobMs: number, expected?: ExpectedEnd): number {
	return pollTimes(jobMs, expected).length;
}

/** When a job that finishes after `jobMs` is seen done on this schedule (no request time). */
export function seenDoneAt(jobMs: number, expected?: ExpectedEnd): number {
	const times = pollTimes(jobMs, expected);
	return times[times.length - 1];
}
