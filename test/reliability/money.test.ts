/**
 * Every job the node starts is one the user wanted, once: a failing batch stops starting jobs and cancels what it
 * can, a sync call that may have run is never repeated, and every way of giving up on a fal job cancels it.
 * Counted at the emulator (jobs created / started / cancelled), never timed.
 */
import { PROVIDERS, ROUTES, dataImageUrl, expectErrorItem, logOf, runSam3, segment, useEmulator } from './harness';

const emulator = useEmulator();

const ITEMS = 20;
const CAP = 4;

describe.each(PROVIDERS)('without continue-on-fail, one failing item stops the batch (%s)', (provider) => {
	it('a failing job stops the batch: no new job starts, the execution fails with that item\'s error', async () => {
		// Item 0 fails at once; every other job would run 30 s: only a stopped batch ends this test in time.
		emulator().jobs.script({ match: { prompt: 'broken' }, latencyMs: 20, outcome: { type: 'fail', message: 'bad image' } });
		emulator().jobs.script({ match: { prompt: 'shoe' }, latencyMs: 30_000 });
		const imageUrl = await dataImageUrl();
		const result = await runSam3(emulator(), {
			provider,
			parameters: { imageUrl, prompt: '={{ $json.prompt }}', options: { maxConcurrency: CAP } },
			items: Array.from({ length: ITEMS }, (_, index) => ({ json: { prompt: index === 0 ? 'broken' : 'shoe' } })),
		});

		// RoutingNode throws the first rejected item: item 0's own error, not an "aborted" one of an item it stopped.
		expect(result.status).toBe('error');
		expect(result.error?.itemIndex).toBe(0);
		expect(result.error?.message).toMatch(/bad image/);
		const jobs = emulator().jobs.list();
		expect(jobs.length).toBeLessThanOrEqual(CAP);
		expect(logOf(emulator(), ROUTES[provider].submit).length).toBeLessThanOrEqual(CAP);
		// None of the long jobs was waited for to the end.
		expect(jobs.filter((job) => job.state === 'succeeded')).toHaveLength(0);
		const others = jobs.length - 1;
		if (provider === 'falApi') {
			expect(logOf(emulator(), 'fal.cancel')).toHaveLength(others);
			expect(jobs.filter((job) => job.state === 'cancelled')).toHaveLength(others);
			if (others) expect(result.error?.description).toMatch(new RegExp(`${others} job\\(s\\) in flight are being cancelled`));
		} else if (others) {
			expect(result.error?.description).toMatch(new RegExp(`${others} Runflow run\\(s\\) already submitted may still finish`));
		}
	});

	it('a bad first row stops the batch before its jobs: the execution fails naming item 0 and the field', async () => {
		emulator().jobs.script({ latencyMs: 30_000 });
		const imageUrl = await dataImageUrl();
		const result = await runSam3(emulator(), {
			provider,
			parameters: { imageUrl: '={{ $json.url }}', prompt: 'shoe', options: { maxConcurrency: CAP } },
			items: Array.from({ length: ITEMS }, (_, index) => ({ json: { url: index === 0 ? 'not a url' : imageUrl } })),
		});
		expect(result.error?.itemIndex).toBe(0);
		expect(result.error?.message).toMatch(/Image URL in item 0/);
		expect(emulator().jobs.list().length).toBeLessThanOrEqual(CAP);
		expect(emulator().jobs.list().filter((job) => job.state === 'succeeded')).toHaveLength(0);
	});

	it('a submit on its way when another item fails: not cut off, its job is cancelled or named', async () => {
		// One submit is answered 422 at once; the other creates its job and is answered late. Whichever comes
		// first, the late one's job must not be left running unnoticed: its answer gives the id to cancel it.
		emulator().jobs.script({ latencyMs: 30_000 });
		emulator().faults.add({ route: ROUTES[provider].submit, times: 1, fault: { kind: 'slowResponse', delayMs: 1_500 } });
		emulator().faults.add({ route: ROUTES[provider].submit, times: 1, fault: { kind: 'status', status: 422 } });
		const imageUrl = await dataImageUrl();
		const result = await runSam3(emulator(), {
			provider,
			parameters: { imageUrl, prompt: 'shoe', options: { maxConcurrency: 2 } },
			items: [{ json: {} }, { json: {} }],
		});
		expect(result.status).toBe('error');
		expect(result.error?.httpCode).toBe('422');
		const jobs = emulator().jobs.list();
		expect(jobs).toHaveLength(1);
		if (provider === 'falApi') {
			expect(logOf(emulator(), 'fal.cancel')).toHaveLength(1);
			expect(jobs[0].state).toBe('cancelled');
			expect(result.error?.description).toMatch(/1 job\(s\) in flight are being cancelled/);
		} else {
			expect(result.error?.description).toMatch(/1 Runflow run\(s\) already submitted may still finish/);
		}
	});
});

describe('Retry On Fail (the node setting) after a failed batch', () => {
	it('the second try runs every item again: no item lost to the failed first try', async () => {
		emulator().faults.add({ route: 'fal.submit', times: 1, fault: { kind: 'status', status: 422 } });
		const imageUrl = await dataImageUrl();
		const result = await runSam3(emulator(), {
			provider: 'falApi',
			parameters: { imageUrl, prompt: 'shoe' },
			items: [{ json: { row: 0 } }, { json: { row: 1 } }],
			settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		expect(result.status).toBe('success');
		expect(result.items.map((item) => [item.json.row, item.json.maskCount])).toEqual([
			[0, 1],
			[1, 1],
		]);
	});
});

describe('fal Sync Mode runs a job once', () => {
	it('fal sync call answering 502 after the job ran: not called again, one job started, error item', async () => {
		emulator().faults.add({ route: 'fal.sync', fault: { kind: 'status', status: 502, afterHandling: true } });
		const result = await segment(emulator(), 'falApi', { parameters: { falMode: 'sync' } });
		expectErrorItem(result.items[0], 0, { httpCode: 502, stage: 'submit' });
		expect(logOf(emulator(), 'fal.sync')).toHaveLength(1);
		expect(emulator().stats().jobs.fal.started).toBe(1);
	});

	it('fal sync call reset after the job ran: not called again, one job started, error item', async () => {
		emulator().faults.add({ route: 'fal.sync', fault: { kind: 'reset', afterHandling: true } });
		const result = await segment(emulator(), 'falApi', { parameters: { falMode: 'sync' } });
		expectErrorItem(result.items[0], 0, { stage: 'submit', errorType: 'ECONNRESET' });
		expect(logOf(emulator(), 'fal.sync')).toHaveLength(1);
		expect(emulator().stats().jobs.fal.started).toBe(1);
	});
});

describe('giving up on a fal job cancels it', () => {
	it('a status poll answering 401 ends the item: the fal job is cancelled', async () => {
		emulator().jobs.script({ latencyMs: 30_000 });
		emulator().faults.add({ route: 'fal.status', after: 1, fault: { kind: 'status', status: 401, message: 'Key revoked' } });
		const result = await segment(emulator(), 'falApi');
		const error = expectErrorItem(result.items[0], 0, { httpCode: 401, stage: 'status', requestId: true });
		expect(String(error.description)).toMatch(/cancelled/);
		expect(logOf(emulator(), 'fal.cancel')).toHaveLength(1);
		expect(emulator().jobs.list()[0].state).toBe('cancelled');
	});

	it('a Retry-After longer than Max Wait leaves: not waited for, the fal job is cancelled', async () => {
		emulator().jobs.script({ latencyMs: 30_000 });
		emulator().faults.add({ route: 'fal.status', after: 1, fault: { kind: 'status', status: 429, retryAfter: 600 } });
		const result = await segment(emulator(), 'falApi', { options: { maxWaitSeconds: 20 } });
		const error = expectErrorItem(result.items[0], 0, { httpCode: 429, stage: 'status', requestId: true });
		expect(String(error.description)).toMatch(/Max Wait/);
		expect(logOf(emulator(), 'fal.status')).toHaveLength(2);
		expect(emulator().jobs.list()[0].state).toBe('cancelled');
	});
});
