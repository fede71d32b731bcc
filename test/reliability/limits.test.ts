/**
 * Everything a provider answer could make the node do is bounded: how many downloads run at once, how long it
 * waits on a Retry-After (and that no timer outlives a stop), how large a data: mask may be.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PROVIDERS, ROUTES, expectErrorItem, expectMasks, gapsMs, logOf, segment, useEmulator, withoutStatusStream } from './harness';

const emulator = useEmulator();

/** The smallest wait the node's backoff can pick (500 ms base, -25 % jitter). */
const MIN_BACKOFF_MS = 375;
const MiB = 1024 * 1024;

function runChild(command: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		execFile('bash', ['-c', command], { cwd: join(__dirname, '..', '..'), env, maxBuffer: 16 * MiB, timeout: 240_000 }, (error, stdout, stderr) =>
			error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout, stderr }),
		);
	});
}

describe('bounded downloads', () => {
	it('100 items × 32 masks in filesystem mode under ulimit -n 1024: every mask stored, at most 4 downloads per job slot at once', async () => {
		const userFolder = mkdtempSync(join(tmpdir(), 'n8n-sam3-ulimit-'));
		try {
			const { stdout } = await runChild('ulimit -n 1024 && exec npx tsx test/reliability/fixtures/many-masks.ts', {
				...process.env,
				N8N_USER_FOLDER: userFolder,
			});
			const report = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
			expect(report).toMatchObject({ items: 100, withAllMasks: 100, errorCount: 0, downloads: 3200 });
			// Default Max Concurrent Jobs 4 -> 16 downloads at once for the run (each holds a socket and a file).
			expect(report.peakDownloads).toBeLessThanOrEqual(16);
		} finally {
			rmSync(userFolder, { recursive: true, force: true });
		}
	}, 240_000);
});

describe('declared sizes', () => {
	it.each(PROVIDERS)('a mask whose Content-Length is over 100 MiB: refused at once as too large, not downloaded, not fetched again (%s)', async (provider) => {
		emulator().faults.add({ route: 'files.get', times: 'always', fault: { kind: 'hugeFile', bytes: 150 * MiB, declareLength: true } });
		const result = await segment(emulator(), provider, { parameters: { modelOptions: { applyMask: false } } });
		expectErrorItem(result.items[0], 0, { stage: 'download', errorType: 'file_too_large', message: /is larger than 100 MiB/, requestId: true });
		const fetched = logOf(emulator(), 'files.get');
		expect(fetched.length).toBeGreaterThan(0);
		// Each file asked for once; each refused on its headers (what left is what the sockets took before the hang-up).
		expect(new Set(fetched.map((entry) => entry.url)).size).toBe(fetched.length);
		for (const entry of fetched) expect(entry.sentBytes).toBeLessThan(64 * MiB);
	}, 60_000);
});

describe('Max Wait bounds every request of the job', () => {
	it('a status request that never answers: Max Wait ends it (not the 300 s Timeout), the fal job is cancelled', async () => {
		withoutStatusStream(emulator());
		emulator().jobs.script({ latencyMs: 60_000 });
		emulator().faults.add({ route: 'fal.status', fault: { kind: 'hang' } });
		const result = await segment(emulator(), 'falApi', { options: { maxWaitSeconds: 3 } });
		expectErrorItem(result.items[0], 0, { stage: 'status', requestId: true });
		expect(logOf(emulator(), 'fal.cancel')).toHaveLength(1);
	}, 60_000);
});

describe('Max Wait bounds what is still coming in', () => {
	it('a result answer that trickles in past Max Wait: the item ends at Max Wait, saying the job finished and was billed', async () => {
		// 16 bytes every 300 ms: never silent long enough to look stalled, so only Max Wait can end it.
		emulator().faults.add({ route: 'fal.result', fault: { kind: 'slowBody', dribbleMs: 300 } });
		const result = await segment(emulator(), 'falApi', { options: { maxWaitSeconds: 3 } });
		const error = expectErrorItem(result.items[0], 0, { stage: 'result', errorType: 'max_wait_exceeded', message: /the result answer did not arrive within Options > Max Wait/, requestId: true });
		expect(String(error.description)).toMatch(/The job finished at fal\.ai and was billed.*Raise Options > Max Wait/);
		// Final: the result is not asked for again, and the finished job is not cancelled.
		expect(logOf(emulator(), 'fal.result')).toHaveLength(1);
		expect(logOf(emulator(), 'fal.cancel')).toHaveLength(0);
		expect(emulator().jobs.list()[0].state).toBe('succeeded');
	}, 60_000);
});

describe('Retry-After that is no usable hint', () => {
	it.each(['0', '-5', 'garbage'])('Retry-After "%s" on a submit 503: the normal backoff, not a tight loop', async (retryAfter) => {
		emulator().faults.add({ route: 'fal.submit', fault: { kind: 'status', status: 503, retryAfter } });
		const result = await segment(emulator(), 'falApi');
		expectMasks(result.items[0], 0);
		const submits = logOf(emulator(), 'fal.submit');
		expect(submits).toHaveLength(2);
		expect(gapsMs(submits)[0]).toBeGreaterThanOrEqual(MIN_BACKOFF_MS);
	});

	it('a submit 429 with a Retry-After longer than Max Wait: not waited for, the item fails at once saying so', async () => {
		emulator().faults.add({ route: 'fal.submit', fault: { kind: 'status', status: 429, retryAfter: 600 } });
		const result = await segment(emulator(), 'falApi', { options: { maxWaitSeconds: 30 } });
		const error = expectErrorItem(result.items[0], 0, { httpCode: 429, stage: 'submit' });
		expect(String(error.description)).toMatch(/Max Wait/);
		expect(logOf(emulator(), 'fal.submit')).toHaveLength(1);
	});
});

describe('timers end with the work', () => {
	it('a stop during a long Retry-After wait: no timer of the node outlives it', async () => {
		const long = trackLongTimers(60_000);
		try {
			emulator().faults.add({ route: 'fal.submit', fault: { kind: 'status', status: 429, retryAfter: 3600 } });
			const stop = new AbortController();
			const running = segment(emulator(), 'falApi', { signal: stop.signal, options: { maxWaitSeconds: 7200 } });
			await waitUntil(() => logOf(emulator(), 'fal.submit').length === 1);
			await delay(300); // the node is in its Retry-After wait (5 min, the cap)
			stop.abort();
			const result = await running;
			expect(result.status).toBe('canceled');
			// The node waits in short slices, so it never holds a timer of a minute or more; one uncleared 5 min
			// sleep would still be pending here, keeping n8n's process alive after the stop.
			expect(long.pending()).toEqual([]);
			expect(logOf(emulator(), 'fal.submit')).toHaveLength(1);
		} finally {
			long.restore();
		}
	});
});

/** Records timers of at least `minMs` set from now on (by anyone in this process) that have neither fired nor been cleared. */
function trackLongTimers(minMs: number): { pending: () => number[]; restore: () => void } {
	const original = { set: global.setTimeout, clear: global.clearTimeout };
	const open = new Map<unknown, number>();
	global.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
		const handle: unknown = original.set(
			(...callbackArgs: unknown[]) => {
				open.delete(handle);
				callback(...callbackArgs);
			},
			ms,
			...args,
		);
		if ((ms ?? 0) >= minMs) open.set(handle, ms ?? 0);
		return handle;
	}) as typeof setTimeout;
	global.clearTimeout = ((handle?: Parameters<typeof clearTimeout>[0]) => {
		open.delete(handle);
		original.clear(handle);
	}) as typeof clearTimeout;
	return {
		pending: () => [...open.values()],
		restore: () => {
			global.setTimeout = original.set;
			global.clearTimeout = original.clear;
		},
	};
}

describe('bounded JSON answers', () => {
	it.each(PROVIDERS)('a status answer that does not end (300 MiB, chunked): cut off at 8 MiB, an error item naming it, not read whole (%s)', async (provider) => {
		withoutStatusStream(emulator());
		emulator().jobs.script({ latencyMs: 5_000 });
		const route = ROUTES[provider].status;
		emulator().faults.add({ route, fault: { kind: 'hugeJson', bytes: 300 * MiB } });
		const result = await segment(emulator(), provider);
		expectErrorItem(result.items[0], 0, { stage: 'status', errorType: 'answer_too_large', message: /status answer is larger than 8 MiB/, requestId: true });
		const [huge] = logOf(emulator(), route).filter((entry) => entry.fault === 'hugeJson');
		// The node hung up after its cap: what the emulator got out is the cap plus what the sockets buffered.
		expect(huge.sentBytes).toBeLessThan(64 * MiB);
		// Not asked again (the same question gets the same answer); fal's job is cancelled, Runflow has no cancel.
		expect(logOf(emulator(), route)).toHaveLength(1);
		expect(logOf(emulator(), 'fal.cancel')).toHaveLength(provider === 'falApi' ? 1 : 0);
	}, 120_000);

	it('a result answer announcing 150 MiB (Content-Length): refused before it is read, not fetched again', async () => {
		emulator().faults.add({ route: 'fal.result', fault: { kind: 'hugeJson', bytes: 150 * MiB, declareLength: true } });
		const result = await segment(emulator(), 'falApi');
		expectErrorItem(result.items[0], 0, { stage: 'result', errorType: 'answer_too_large', message: /result answer is larger than 100 MiB/, requestId: true });
		const fetched = logOf(emulator(), 'fal.result');
		expect(fetched).toHaveLength(1);
		expect(fetched[0].sentBytes).toBeLessThan(64 * MiB);
	}, 120_000);

	it('a sync answer over 100 MiB (a data: mask over the cap): cut off at 100 MiB, not read whole, fal.run not called again', async () => {
		const oversized = `data:image/png;base64,${'A'.repeat(Math.ceil((101 * MiB * 4) / 3))}`;
		emulator().jobs.script({ resultBody: (body: unknown) => ({ ...(body as object), masks: [{ url: oversized }] }) });
		const result = await segment(emulator(), 'falApi', { parameters: { falMode: 'sync' } });
		expectErrorItem(result.items[0], 0, { stage: 'submit', errorType: 'answer_too_large', message: /submit answer is larger than 100 MiB/ });
		expect(logOf(emulator(), 'fal.sync')).toHaveLength(1);
	}, 120_000);
});

async function delay(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(predicate: () => boolean): Promise<void> {
	for (let waited = 0; !predicate(); waited += 10) {
		if (waited > 30_000) throw new Error('condition not met in time');
		await delay(10);
	}
}
