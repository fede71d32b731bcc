/**
 * fal's status stream: one request per job tells the node its job is done. When the stream is not offered,
 * drops, stalls or sends a bad event, polling takes over and the item still completes — within Max Wait,
 * stoppable, and the stream connection is always closed. Counted at the emulator, never timed.
 */
import { eventually, expectErrorItem, expectMasks, logOf, runSam3, dataImageUrl, segment, useEmulator } from './harness';

const emulator = useEmulator();

/** No status stream is left open at the emulator. */
async function expectStreamsClosed(): Promise<void> {
	await eventually(() => (emulator().stats().openNow['fal.status.stream'] ?? 0) === 0, 10_000);
}

describe('fal status stream', () => {
	it('the status stream tells completion: one status request per job, no poll', async () => {
		emulator().jobs.script({ queueMs: 300, latencyMs: 600 });
		const result = await segment(emulator(), 'falApi');
		expectMasks(result.items[0], 0);
		expect(emulator().statusRequests().fal).toMatchObject({ jobs: 1, streams: 1, polls: 0, maxPerJob: 1 });
		expect(logOf(emulator(), 'fal.result')).toHaveLength(1);
		await expectStreamsClosed();
	});

	it.each([404, 405])('status stream not offered (%s): polls instead and completes; the run\'s later items poll at once', async (status) => {
		emulator().faults.add({ route: 'fal.status.stream', times: 'always', fault: { kind: 'streamNotOffered', status: status as 404 | 405 } });
		const result = await runSam3(emulator(), {
			continueOnFail: true,
			parameters: { imageUrl: await dataImageUrl(), prompt: 'shoe', options: { maxConcurrency: 1 } },
			items: [{ json: {} }, { json: {} }, { json: {} }],
		});
		result.items.forEach((item, index) => expectMasks(item, index));
		expect(logOf(emulator(), 'fal.status.stream')).toHaveLength(1);
		expect(logOf(emulator(), 'fal.status').length).toBeGreaterThanOrEqual(3);
	});

	it('status stream dropped mid-way: polls, completes', async () => {
		emulator().jobs.script({ latencyMs: 400 });
		emulator().faults.add({ route: 'fal.status.stream', fault: { kind: 'streamDrop', afterEvents: 1 } });
		const result = await segment(emulator(), 'falApi');
		expectMasks(result.items[0], 0);
		expect(logOf(emulator(), 'fal.status.stream')).toHaveLength(1);
		expect(logOf(emulator(), 'fal.status').length).toBeGreaterThanOrEqual(1);
		await expectStreamsClosed();
	});

	it('status stream sends a malformed event: polls, completes, the stream is closed', async () => {
		emulator().jobs.script({ latencyMs: 400 });
		emulator().faults.add({ route: 'fal.status.stream', fault: { kind: 'streamMalformed', afterEvents: 1 } });
		const result = await segment(emulator(), 'falApi');
		expectMasks(result.items[0], 0);
		expect(logOf(emulator(), 'fal.status').length).toBeGreaterThanOrEqual(1);
		await expectStreamsClosed();
	});

	it('status stream stalls: after 10 s without an event, polls, completes, the stream is closed', async () => {
		emulator().faults.add({ route: 'fal.status.stream', fault: { kind: 'streamStall', afterEvents: 1 } });
		const result = await segment(emulator(), 'falApi');
		expectMasks(result.items[0], 0);
		expect(logOf(emulator(), 'fal.status.stream')).toHaveLength(1);
		expect(logOf(emulator(), 'fal.status').length).toBeGreaterThanOrEqual(1);
		await expectStreamsClosed();
	}, 60_000);

	it('Max Wait ends the wait on the stream: error item, the fal job cancelled, the stream closed', async () => {
		emulator().jobs.script({ latencyMs: 30_000 });
		const result = await segment(emulator(), 'falApi', { options: { maxWaitSeconds: 1 } });
		const error = expectErrorItem(result.items[0], 0, { errorType: 'max_wait_exceeded', requestId: true });
		expect(String(error.description)).toMatch(/cancelled/);
		expect(emulator().jobs.list()[0].state).toBe('cancelled');
		expect(logOf(emulator(), 'fal.status')).toHaveLength(0);
		await expectStreamsClosed();
	});

	it('a stop while the stream is open: the stream is closed, the fal job cancelled, nothing polled', async () => {
		emulator().jobs.script({ latencyMs: 30_000 });
		const stop = new AbortController();
		const running = segment(emulator(), 'falApi', { signal: stop.signal });
		await eventually(() => (emulator().stats().openNow['fal.status.stream'] ?? 0) === 1);
		stop.abort();
		const result = await running;
		expect(result.status).toBe('canceled');
		expect(logOf(emulator(), 'fal.status')).toHaveLength(0);
		await eventually(() => emulator().jobs.list()[0].state === 'cancelled');
		await expectStreamsClosed();
	});

	it('status stream answering 401: the item fails with the provider\'s words, the fal job is cancelled', async () => {
		emulator().jobs.script({ latencyMs: 30_000 });
		emulator().faults.add({ route: 'fal.status.stream', fault: { kind: 'status', status: 401, message: 'Key revoked' } });
		const result = await segment(emulator(), 'falApi');
		expectErrorItem(result.items[0], 0, { httpCode: 401, stage: 'status', message: /Key revoked/, requestId: true });
		expect(emulator().jobs.list()[0].state).toBe('cancelled');
	});
});
