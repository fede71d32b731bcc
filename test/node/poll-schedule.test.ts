/** The one polling schedule (fal's fallback, Runflow's only way): counted, not timed. */
import { MAX_POLL_DELAY_MS, MIN_POLL_DELAY_MS, nextPollDelayMs, pollsFor } from '../../nodes/Sam3/job/poll-schedule';

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
