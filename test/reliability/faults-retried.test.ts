/**
 * Transient faults a provider answers on a busy night: the node waits and repeats what is safe to repeat, so the
 * item still ends with its masks. Timing is read from the emulator's arrival times, never from the test's clock.
 */
import { PROVIDERS, ROUTES, expectErrorItem, expectMasks, gapsMs, logOf, segment, useEmulator, withoutStatusStream } from './harness';

const emulator = useEmulator();

/** The smallest wait the node's backoff can pick (500 ms base, -25 % jitter). */
const MIN_BACKOFF_MS = 375;

describe.each(PROVIDERS)('transient faults (%s)', (provider) => {
	const routes = ROUTES[provider];
	// Status-poll faults: fal polls here (its stream not offered); the stream's faults are in stream.test.ts.
	beforeEach(() => provider === 'falApi' && withoutStatusStream(emulator()));

	it('429 with Retry-After on submit: waits as told, then submits once more; one job', async () => {
		emulator().faults.add({ route: routes.submit, fault: { kind: 'status', status: 429, retryAfter: 2 } });
		const result = await segment(emulator(), provider);
		expectMasks(result.items[0], 0);
		const submits = logOf(emulator(), routes.submit);
		expect(submits.map((entry) => entry.status)).toEqual([429, expect.any(Number)]);
		// Retry-After: 2 beats the node's own backoff (at most 625 ms for the first retry).
		expect(gapsMs(submits)[0]).toBeGreaterThanOrEqual(1_900);
		expect(emulator().jobs.list()).toHaveLength(1);
	});

	it('429 without Retry-After on a status poll: backs off, polls again, completes', async () => {
		emulator().faults.add({ route: routes.status, fault: { kind: 'status', status: 429 } });
		const result = await segment(emulator(), provider);
		expectMasks(result.items[0], 0);
		const polls = logOf(emulator(), routes.status);
		const faulted = polls.findIndex((entry) => entry.status === 429);
		expect(faulted).toBeGreaterThanOrEqual(0);
		expect(polls.length).toBeGreaterThan(faulted + 1);
		expect(polls[faulted + 1].time - polls[faulted].time).toBeGreaterThanOrEqual(MIN_BACKOFF_MS - 5);
	});

	it.each([500, 502, 503, 504])('HTTP %i on a status poll: polled again, the job completes', async (status) => {
		emulator().faults.add({ route: routes.status, fault: { kind: 'status', status }, times: 2 });
		const result = await segment(emulator(), provider);
		expectMasks(result.items[0], 0);
		const statuses = logOf(emulator(), routes.status).map((entry) => entry.status);
		expect(statuses.slice(0, 2)).toEqual([status, status]);
		expect(statuses.length).toBeGreaterThan(2);
		expect(logOf(emulator(), routes.submit)).toHaveLength(1);
	});

	it('503 on submit: submitted again (the provider did not take the job), one job', async () => {
		emulator().faults.add({ route: routes.submit, fault: { kind: 'status', status: 503 } });
		const result = await segment(emulator(), provider);
		expectMasks(result.items[0], 0);
		expect(logOf(emulator(), routes.submit).map((entry) => entry.status)).toEqual([503, expect.any(Number)]);
		expect(emulator().jobs.list()).toHaveLength(1);
	});

	it('connection reset on a status poll: polled again, the job completes', async () => {
		emulator().faults.add({ route: routes.status, fault: { kind: 'reset' } });
		const result = await segment(emulator(), provider);
		expectMasks(result.items[0], 0);
		const polls = logOf(emulator(), routes.status);
		expect(polls[0].fault).toBe('reset');
		expect(polls.length).toBeGreaterThan(1);
	});

	it('malformed JSON on a status poll: polled again, the job completes', async () => {
		emulator().faults.add({ route: routes.status, fault: { kind: 'malformedJson' } });
		const result = await segment(emulator(), provider);
		expectMasks(result.items[0], 0);
		const polls = logOf(emulator(), routes.status);
		expect(polls[0].fault).toBe('malformedJson');
		expect(polls.length).toBeGreaterThan(1);
	});

	it('status answer slower than the Timeout setting: abandoned, polled again, completes', async () => {
		emulator().faults.add({ route: routes.status, fault: { kind: 'slowResponse', delayMs: 30_000 } });
		const result = await segment(emulator(), provider, { parameters: { requestOptions: { timeout: 400 } } });
		expectMasks(result.items[0], 0);
		const polls = logOf(emulator(), routes.status);
		expect(polls[0].fault).toBe('slowResponse');
		// The next poll went out long before the slow answer would have come.
		expect(polls[1].time - polls[0].time).toBeLessThan(30_000);
	});

	it('status request never answered: abandoned at the Timeout setting, polled again, completes', async () => {
		emulator().faults.add({ route: routes.status, fault: { kind: 'hang' } });
		const result = await segment(emulator(), provider, { parameters: { requestOptions: { timeout: 400 } } });
		expectMasks(result.items[0], 0);
		expect(logOf(emulator(), routes.status).length).toBeGreaterThan(1);
	});

	it('mask download stalls once: cut at the Timeout setting, downloaded again', async () => {
		emulator().faults.add({ route: 'files.get', fault: { kind: 'slowBody', stallMs: 30_000 } });
		const result = await segment(emulator(), provider, {
			parameters: { requestOptions: { timeout: 400 }, modelOptions: { applyMask: false } },
		});
		expectMasks(result.items[0], 0);
		const downloads = logOf(emulator(), 'files.get');
		expect(downloads.map((entry) => entry.fault)).toEqual(['slowBody', undefined]);
	});
});

describe('transient faults (fal.ai only)', () => {
	beforeEach(() => withoutStatusStream(emulator()));
	it('fal sync call answering 503 before it started: called again, one job, completes', async () => {
		emulator().faults.add({ route: 'fal.sync', fault: { kind: 'status', status: 503 } });
		const result = await segment(emulator(), 'falApi', { parameters: { falMode: 'sync' } });
		expectMasks(result.items[0], 0);
		expect(logOf(emulator(), 'fal.sync').map((entry) => entry.status)).toEqual([503, 200]);
		expect(emulator().stats().jobs.fal.started).toBe(1);
	});

	it('malformed JSON on the result: fetched again, completes', async () => {
		emulator().faults.add({ route: 'fal.result', fault: { kind: 'malformedJson' } });
		const result = await segment(emulator(), 'falApi');
		expectMasks(result.items[0], 0);
		expect(logOf(emulator(), 'fal.result').map((entry) => entry.fault)).toEqual(['malformedJson', undefined]);
	});

	it('X-Fal-Retryable: false on a status poll: not polled again, error item', async () => {
		emulator().faults.add({ route: 'fal.status', fault: { kind: 'status', status: 503, retryable: false } });
		const result = await segment(emulator(), 'falApi');
		expectErrorItem(result.items[0], 0, { httpCode: 503, errorType: 'runner_scheduling_failure', stage: 'status', requestId: true });
		expect(logOf(emulator(), 'fal.status')).toHaveLength(1);
		// Giving up on the job cancels it: nothing keeps running (and billing) for a failed item.
		expect(logOf(emulator(), 'fal.cancel')).toHaveLength(1);
	});
});
