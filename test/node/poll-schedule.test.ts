/** The one polling schedule (fal's fallback, Runflow's only way): counted, not timed. */
import { JobDurations, MAX_POLL_DELAY_MS, MIN_POLL_DELAY_MS, nextPollAtMs, nextPollDelayMs, pollsFor, seenDoneAt } from '../../nodes/Sam3/job/poll-schedule';

it('a 6 s job costs at most 12 status requests (Runflow budget 12, fal fallback 16)', () => {
	expect(pollsFor(6_000)).toBeLessThanOrEqual(12);
	expect(pollsFor(6_000)).toBeGreaterThanOrEqual(8); // still fast: fal's own client makes 12 in 6 s
});

it('starts short and grows, never faster than every 100 ms nor slower than every 2 s', () => {
	const delays = Array.from({ length: 601 }, (_, step) => nextPollDelayMs(step * 100));
	expect(Math.min(...delays)).toBe(MIN_POLL_DELAY_MS);
	expect(Math.max(...delays)).toBe(MAX_POLL_DELAY_MS);
	expect(MIN_POLL_DELAY_MS).toBe(100);
	expect(MAX_POLL_DELAY_MS).toBe(2_000);
	delays.slice(1).forEach((delay, index) => expect(delay).toBeGreaterThanOrEqual(delays[index]));
	expect(nextPollDelayMs(0)).toBe(100);
});

it('a long job is polled every 2 s: a 60 s job costs 39 requests (every 100 ms: 600)', () => {
	expect(pollsFor(60_000)).toBe(39);
});

describe('a run that has learned when its jobs end', () => {
	const learned = (ms: number) => {
		const durations = new JobDurations();
		durations.learn(ms);
		return durations.expected();
	};

	it('a 6 s job: 5 status requests instead of 12, seen done within 3 % of its end instead of up to 19 %', () => {
		expect(pollsFor(6_000)).toBe(12);
		expect(seenDoneAt(6_000) / 6_000).toBeGreaterThan(1.15);
		expect(pollsFor(6_000, learned(6_000))).toBe(5);
		expect(seenDoneAt(6_000, learned(6_000)) / 6_000).toBeLessThanOrEqual(1.03);
	});

	it('polls cluster near the expected end: once at the start, once halfway, the rest within 5 % of the end', () => {
		const expected = learned(4_000);
		const times: number[] = [0];
		for (let elapsed = 0; elapsed < 4_000; times.push(elapsed)) elapsed += nextPollDelayMs(elapsed, expected);
		const early = times.filter((t) => t < 0.95 * 4_000);
		const near = times.filter((t) => t >= 0.95 * 4_000);
		expect(early).toEqual([0, 1_900]);
		expect(near.length).toBeGreaterThanOrEqual(2);
		expect(near.length).toBeLessThanOrEqual(4);
	});

	it('a 1 s job: seen done no later than the 50 ms dense step after its end', () => {
		expect(seenDoneAt(1_000, learned(1_000)) - 1_000).toBeLessThanOrEqual(50);
		expect(pollsFor(1_000, learned(1_000))).toBeLessThanOrEqual(5);
	});

	it('a job slower than the window falls back to the usual schedule (no dense polling forever)', () => {
		const expected = learned(2_000);
		expect(nextPollDelayMs(2_200, expected)).toBe(nextPollDelayMs(2_200));
		expect(pollsFor(20_000, expected)).toBeLessThanOrEqual(pollsFor(20_000) + 2);
	});

	it('jobs of very different lengths: at most 8 dense polls across their window', () => {
		const durations = new JobDurations();
		for (const ms of [1_000, 9_000]) durations.learn(ms);
		const expected = durations.expected()!;
		const inWindow = (from: number, to: number) => {
			let polls = 0;
			for (let elapsed = 0; elapsed < to; ) {
				elapsed += nextPollDelayMs(elapsed, expected);
				if (elapsed >= from && elapsed <= to) polls++;
			}
			return polls;
		};
		expect(inWindow(950, 9_450)).toBeLessThanOrEqual(9);
	});

	it('keeps only the last 8 jobs: a run that changes pace follows along', () => {
		const durations = new JobDurations();
		for (let i = 0; i < 8; i++) durations.learn(1_000);
		for (let i = 0; i < 8; i++) durations.learn(5_000);
		expect(durations.expected()).toEqual({ earliestMs: 5_000, latestMs: 5_000 });
		durations.learn(Number.NaN);
		durations.learn(-1);
		expect(durations.expected()).toEqual({ earliestMs: 5_000, latestMs: 5_000 });
	});
});

describe('polls keep to the schedule while each status request takes time', () => {
	/** When polls are sent (ms after the wait began) for a job that ends at `jobMs`, each answered `answerMs` later. */
	const sentTimes = (jobMs: number, answerMs: number) => {
		const sent: number[] = [];
		let planned = 0;
		for (let at = 0; ; ) {
			sent.push(at);
			if (at >= jobMs) return sent;
			const answered = at + answerMs;
			planned = nextPollAtMs(planned, answered);
			at = planned;
		}
	};

	it('a 0.2 s job with 10 ms answers is polled at 0, 100, 200 ms and seen done at its end, not ~30 ms after', () => {
		expect(sentTimes(200, 10)).toEqual([0, 100, 200]);
	});

	it('a 6 s job costs the same 12 requests as the schedule counts, answers fast or slow', () => {
		expect(sentTimes(6_000, 10)).toHaveLength(pollsFor(6_000));
		expect(sentTimes(6_000, 10)).toHaveLength(12);
		expect(sentTimes(6_000, 150).length).toBeLessThanOrEqual(12);
	});

	it('answers slower than the schedule: no back-to-back polls, at least half a step after each answer', () => {
		const sent = sentTimes(3_000, 150);
		sent.slice(1).forEach((at, index) => expect(at - (sent[index] + 150)).toBeGreaterThanOrEqual(MIN_POLL_DELAY_MS / 2));
	});
});
