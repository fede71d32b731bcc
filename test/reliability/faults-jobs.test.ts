/**
 * Jobs that the provider ran and ended badly, user timeouts, the user pressing stop, and how an error reads when
 * the node is not set to continue on fail.
 */
import { PROVIDERS, ROUTES, dataImageUrl, eventually, expectErrorItem, expectMasks, logOf, runSam3, segment, useEmulator, withoutStatusStream } from './harness';

const emulator = useEmulator();

describe('jobs that end in an error', () => {
	it('fal queue job completes with an error: error item with message, error type and request id', async () => {
		emulator().jobs.script({ outcome: { type: 'fail', message: 'CUDA out of memory', errorType: 'internal_error' } });
		const result = await segment(emulator(), 'falApi');
		const jobId = emulator().jobs.list()[0].id;
		expectErrorItem(result.items[0], 0, { message: /CUDA out of memory/, errorType: 'internal_error', requestId: jobId });
		// The job is over: its result is not fetched, its status not polled again.
		expect(logOf(emulator(), 'fal.result')).toHaveLength(0);
	});

	it('Runflow run fails: failure_code and failure_message in the error item', async () => {
		emulator().jobs.script({ outcome: { type: 'fail', message: 'Model crashed on this image', failureCode: 'MODEL_ERROR' } });
		const result = await segment(emulator(), 'runflowApi');
		const runId = emulator().jobs.list()[0].id;
		expectErrorItem(result.items[0], 0, { message: /Model crashed on this image/, errorType: 'MODEL_ERROR', requestId: runId });
	});

	it('fal result expired (404): error item says so and hints to run the item again', async () => {
		emulator().jobs.script({ outcome: { type: 'expired' } });
		const result = await segment(emulator(), 'falApi');
		const jobId = emulator().jobs.list()[0].id;
		const error = expectErrorItem(result.items[0], 0, { httpCode: 404, stage: 'result', requestId: jobId, message: /expired/ });
		expect(String(error.description)).toMatch(/run the item again/);
		expect(logOf(emulator(), 'fal.result')).toHaveLength(1);
	});

	it('fal start timeout answered on submit (504, x-fal-request-timeout-type: user): never retried, says why', async () => {
		emulator().faults.add({ route: 'fal.submit', fault: { kind: 'status', status: 504, timeoutType: 'user' } });
		const result = await segment(emulator(), 'falApi', { options: { startTimeoutSeconds: 5 } });
		const error = expectErrorItem(result.items[0], 0, { httpCode: 504, errorType: 'request_timeout', stage: 'submit' });
		expect(String(error.description)).toMatch(/Start Timeout/);
		expect(logOf(emulator(), 'fal.submit')).toHaveLength(1);
	});

	it('fal sync job not started within Start Timeout (real 504 user timeout): never retried, says why', async () => {
		emulator().jobs.script({ queueMs: 5_000 });
		const result = await segment(emulator(), 'falApi', { parameters: { falMode: 'sync' }, options: { startTimeoutSeconds: 1 } });
		const error = expectErrorItem(result.items[0], 0, { httpCode: 504, errorType: 'request_timeout', requestId: true });
		expect(String(error.description)).toMatch(/Start Timeout/);
		const calls = logOf(emulator(), 'fal.sync');
		expect(calls).toHaveLength(1);
		expect(calls[0].headers['x-fal-request-timeout']).toBe('1');
	});
});

describe.each(PROVIDERS)('the user stops the execution mid-poll (%s)', (provider) => {
	beforeEach(() => provider === 'falApi' && withoutStatusStream(emulator()));
	it('user stops the execution mid-poll: polling stops at once; a fal job is cancelled too', async () => {
		emulator().jobs.script({ latencyMs: 20_000 });
		const stop = new AbortController();
		const running = segment(emulator(), provider, { signal: stop.signal });
		const routes = ROUTES[provider];
		await eventually(() => logOf(emulator(), routes.status).length >= 3);
		stop.abort();
		const stoppedAt = Date.now();
		const pollsAtStop = logOf(emulator(), routes.status).length;
		const result = await running;
		await new Promise((resolve) => setTimeout(resolve, 1_000));

		expect(result.status).toBe('canceled');
		expect(result.items.filter((item) => item.json.maskCount !== undefined)).toHaveLength(0);
		// A poll already on the wire may land after the stop (later still on a busy machine); none is sent after it.
		// Polling every ~50-100 ms by now, a poller left running would have made several more in that second.
		expect(logOf(emulator(), routes.status).length).toBeLessThanOrEqual(pollsAtStop + 1);
		if (provider === 'falApi') {
			const [cancel] = logOf(emulator(), 'fal.cancel');
			expect(cancel?.method).toBe('PUT');
			expect(cancel.time).toBeGreaterThanOrEqual(stoppedAt - 5);
			expect(emulator().jobs.list()[0].state).toBe('cancelled');
		}
	});
});

describe.each(PROVIDERS)('without continue-on-fail (%s)', (provider) => {
	beforeEach(() => provider === 'falApi' && withoutStatusStream(emulator()));
	it('without continue-on-fail: the execution error names the item, HTTP status, error type and request id', async () => {
		const routes = ROUTES[provider];
		const imageUrl = await dataImageUrl();
		// One job at a time: item 0 fails first and ends the execution.
		emulator().faults.add({ route: routes.status, fault: { kind: 'status', status: 401, message: 'Key revoked' }, times: 'always' });
		const result = await runSam3(emulator(), {
			provider,
			parameters: { imageUrl, prompt: 'shoe', options: { maxConcurrency: 1 } },
			items: [{ json: {} }, { json: {} }],
		});
		const error = result.error!;
		expect(error).toBeDefined();
		expect(error.itemIndex).toBe(0);
		expect(error.message).toMatch(/Key revoked/);
		expect(error.httpCode).toBe('401');
		const jobId = emulator().jobs.list()[0].id;
		expect(error.description).toMatch(/Item 0/);
		expect(error.description).toMatch(/HTTP 401/);
		expect(error.description).toMatch(/error type \w+/);
		expect(error.description).toContain(jobId);
	});

	it('without continue-on-fail: a bad second item fails the execution naming item 1 and the field, with no job started', async () => {
		const imageUrl = await dataImageUrl();
		const result = await runSam3(emulator(), {
			provider,
			parameters: { imageUrl: '={{ $json.url }}', prompt: 'shoe' },
			items: [{ json: { url: imageUrl } }, { json: { url: 'not a url' } }],
		});
		expect(result.error?.itemIndex).toBe(1);
		expect(result.error?.message).toMatch(/Image URL in item 1/);
		// Every item is validated before any job starts: the good first item is not billed for a run that fails.
		expect(emulator().jobs.list()).toHaveLength(0);
	});
});

describe('continue-on-fail keeps the batch', () => {
	it('a failing job among good ones: the others complete, order and pairing kept', async () => {
		emulator().jobs.script({ match: { prompt: 'broken' }, outcome: { type: 'fail', message: 'bad image' } });
		const imageUrl = await dataImageUrl();
		const result = await runSam3(emulator(), {
			parameters: { imageUrl, prompt: '={{ $json.prompt }}' },
			items: ['shoe', 'broken', 'cat'].map((prompt) => ({ json: { prompt } })),
			continueOnFail: true,
		});
		expect(result.items).toHaveLength(3);
		expectMasks(result.items[0], 0);
		expectErrorItem(result.items[1], 1, { message: /bad image/, requestId: true });
		expectMasks(result.items[2], 2);
		expect(result.items.map((item) => item.json.prompt)).toEqual(['shoe', undefined, 'cat']);
	});
});
