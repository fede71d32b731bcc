/**
 * Faults that end an item: the node must not repeat what could duplicate a job (a submit the provider may have
 * taken), must not repeat what the provider called final, and must turn every such end into an error item that
 * says what happened, with the HTTP status, the provider's error type and the job's id.
 */
import { PROVIDERS, ROUTES, closedPort, credentialsFor, expectErrorItem, logOf, segment, useEmulator } from './harness';

const emulator = useEmulator();

const FAL_TYPES: Record<number, string> = { 500: 'internal_error', 502: 'runner_incomplete_response', 504: 'request_timeout' };

describe.each(PROVIDERS)('terminal faults (%s)', (provider) => {
	const routes = ROUTES[provider];

	it.each([500, 502, 504])('HTTP %i on a queue submit: not submitted again, error item', async (status) => {
		emulator().faults.add({ route: routes.submit, fault: { kind: 'status', status } });
		const result = await segment(emulator(), provider);
		expectErrorItem(result.items[0], 0, {
			httpCode: status,
			stage: 'submit',
			errorType: provider === 'falApi' ? FAL_TYPES[status] : /^[A-Z_]+$/,
			message: new RegExp(`${routes.label.replace('.', '\\.')} submit failed`),
		});
		expect(logOf(emulator(), routes.submit)).toHaveLength(1);
	});

	it('connection reset on submit (the job was created): not submitted again, error item', async () => {
		emulator().faults.add({ route: routes.submit, fault: { kind: 'reset', afterHandling: true } });
		const result = await segment(emulator(), provider);
		expectErrorItem(result.items[0], 0, { stage: 'submit', errorType: 'ECONNRESET', message: /submit request failed/ });
		expect(logOf(emulator(), routes.submit)).toHaveLength(1);
		// Why: the provider has the job; a second submit would run (and bill) it twice.
		expect(emulator().jobs.list()).toHaveLength(1);
	});

	it('submit answer slower than the Timeout setting: not submitted again, error item', async () => {
		emulator().faults.add({ route: routes.submit, fault: { kind: 'slowResponse', delayMs: 30_000 } });
		const result = await segment(emulator(), provider, { parameters: { requestOptions: { timeout: 300 } } });
		expectErrorItem(result.items[0], 0, { stage: 'submit', errorType: /^E[A-Z_]+$/, message: /submit request failed/ });
		expect(logOf(emulator(), routes.submit)).toHaveLength(1);
	});

	it('malformed JSON answering submit: not submitted again, error item', async () => {
		emulator().faults.add({ route: routes.submit, fault: { kind: 'malformedJson' } });
		const result = await segment(emulator(), provider);
		expectErrorItem(result.items[0], 0, { stage: 'submit', errorType: 'malformed_response', message: /not valid JSON/ });
		expect(logOf(emulator(), routes.submit)).toHaveLength(1);
	});

	it('wrong API key (401): not repeated, error item says so', async () => {
		const result = await segment(emulator(), provider, { credentials: credentialsFor(emulator(), { fal: 'wrong:key', runflow: 'rf_live_wrong' }) });
		expectErrorItem(result.items[0], 0, { httpCode: 401, stage: 'submit', message: /key|unauthori[sz]ed/i });
		expect(emulator().requests).toHaveLength(1);
	});

	it('connection refused (credential URL on a closed port): tried again, then a clear error', async () => {
		const port = await closedPort();
		const credentials = credentialsFor(emulator());
		const closed = `http://127.0.0.1:${port}`;
		Object.assign(credentials[0].data, { queueUrl: `${closed}/fal-queue`, runUrl: `${closed}/fal-run`, restUrl: `${closed}/fal-rest` });
		Object.assign(credentials[1].data, { baseUrl: `${closed}/runflow` });
		const attempts = countConnections(port);
		try {
			const result = await segment(emulator(), provider, { credentials });
			expectErrorItem(result.items[0], 0, { stage: 'submit', errorType: 'ECONNREFUSED', message: /submit request failed \(ECONNREFUSED/ });
		} finally {
			attempts.restore();
		}
		// Nothing can have started: the submit is safe to try again, and it was.
		expect(attempts.count).toBeGreaterThan(1);
	});

	it('mask URL answers 404: not downloaded again, error item with the job id', async () => {
		emulator().faults.add({ route: 'files.get', fault: { kind: 'status', status: 404 }, times: 'always' });
		const result = await segment(emulator(), provider, { parameters: { modelOptions: { applyMask: false } } });
		const jobId = emulator().jobs.list()[0].id;
		expectErrorItem(result.items[0], 0, { httpCode: 404, stage: 'download', requestId: jobId, message: /download failed/ });
		expect(logOf(emulator(), 'files.get')).toHaveLength(1);
	});

	it('mask URL stalls every time: cut at the Timeout setting each try, then an error item', async () => {
		emulator().faults.add({ route: 'files.get', fault: { kind: 'slowBody', stallMs: 60_000 }, times: 'always' });
		const result = await segment(emulator(), provider, {
			parameters: { requestOptions: { timeout: 300 }, modelOptions: { applyMask: false } },
		});
		const jobId = emulator().jobs.list()[0].id;
		expectErrorItem(result.items[0], 0, { stage: 'download', errorType: 'ETIMEDOUT', requestId: jobId, message: /took longer than 0\.3 s/ });
		expect(logOf(emulator(), 'files.get').length).toBeGreaterThan(1);
	});

	it('job longer than Max Wait: error item; fal jobs are cancelled', async () => {
		emulator().jobs.script({ latencyMs: 10_000 });
		const result = await segment(emulator(), provider, { options: { maxWaitSeconds: 1 } });
		const jobId = emulator().jobs.list()[0].id;
		const error = expectErrorItem(result.items[0], 0, { errorType: 'max_wait_exceeded', requestId: jobId, message: /did not finish within 1 s/ });
		expect(String(error.description)).toMatch(/Max Wait/);
		if (provider === 'falApi') {
			expect(logOf(emulator(), 'fal.cancel')).toHaveLength(1);
			expect(emulator().jobs.get(jobId)?.state).toBe('cancelled');
		} else {
			expect(String(error.description)).toMatch(/no cancel/);
		}
	});
});

/** Counts TCP connection attempts to a port (a refused connection leaves no trace on any server). */
function countConnections(port: number): { count: number; restore: () => void } {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Socket } = require('node:net') as typeof import('node:net');
	const original = Socket.prototype.connect;
	const counter = { count: 0, restore: () => void (Socket.prototype.connect = original) };
	Socket.prototype.connect = function (this: InstanceType<typeof Socket>, ...args: unknown[]) {
		const first = Array.isArray(args[0]) ? args[0][0] : args[0];
		if ((first as { port?: unknown } | undefined)?.port !== undefined && Number((first as { port: unknown }).port) === port) counter.count++;
		return (original as (...a: unknown[]) => InstanceType<typeof Socket>).apply(this, args);
	} as typeof original;
	return counter;
}
