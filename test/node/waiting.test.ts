/**
 * Waiting for a job: the node polls the provider's status until the job is done (fal: 202 … 200, then the result;
 * Runflow: the run through queued → running → succeeded), or, with Wait for Result off, outputs the job's id and
 * links at once without polling.
 */
import type { IDataObject } from 'n8n-workflow';

import type { LogEntry } from '../../tools/emulator';
import { call } from '../support/http';
import { runSam3, solidImage } from './fixture';
import { entries, hostImage, useEmulator } from './harness';

const emulator = useEmulator();

/** Requests to the provider APIs (the file host also serves the emulator's own image fetches). */
const apiRequests = (): LogEntry[] => emulator().requests.filter((entry) => entry.vhost !== 'files');

async function imageUrl(): Promise<string> {
	return hostImage(emulator(), await solidImage(160, 120, 'png'));
}

/** The run state the emulator was in when each request arrived (by the job's own transition times). */
function statesSeen(polls: LogEntry[]): string[] {
	const [job] = emulator().jobs.list();
	return polls.map(({ time }) => {
		if (time < job.dispatchedAt!) return 'queued';
		if (time > job.startedAt! && time < job.completedAt!) return 'running';
		if (time > job.completedAt!) return 'succeeded';
		return 'in between';
	});
}

describe('fal.ai queue', () => {
	it('learns of completion over the status stream: one stream request, no polls, then the result once', async () => {
		emulator().jobs.script({ queueMs: 300, latencyMs: 300 });
		const result = await runSam3(emulator(), { provider: 'falApi', parameters: { imageUrl: await imageUrl(), prompt: 'shoe' } });
		expect(result.error).toBeUndefined();
		const [job] = emulator().jobs.list();
		const base = `/fal-queue/fal-ai/sam-3/requests/${job.id}`;
		expect(apiRequests().map((entry) => entry.route)).toEqual(['fal.submit', 'fal.status.stream', 'fal.result']);
		const [stream] = entries(emulator(), 'fal.status.stream');
		expect(stream.url).toBe(`${base}/status/stream?logs=1`);
		expect(stream.headers.authorization).toBe(`Key ${emulator().keys.fal}`);
		expect(stream.headers.accept).toMatch(/text\/event-stream/);
		// Queued, running, completed: the stream told every change until COMPLETED.
		expect(stream.events).toBeGreaterThanOrEqual(3);
		expect(result.items[0].json).toMatchObject({ requestId: job.id, status: 'COMPLETED', maskCount: 1, timing: expect.objectContaining({ polls: 1 }) });
	});

	it('polls the status (202 while queued or running) until 200 when the stream is not offered, then fetches the result once', async () => {
		emulator().faults.add({ route: 'fal.status.stream', times: 'always', fault: { kind: 'streamNotOffered' } });
		emulator().jobs.script({ queueMs: 1_500, latencyMs: 1_500 });
		const result = await runSam3(emulator(), { provider: 'falApi', parameters: { imageUrl: await imageUrl(), prompt: 'shoe' } });
		expect(result.error).toBeUndefined();
		const [job] = emulator().jobs.list();
		const base = `/fal-queue/fal-ai/sam-3/requests/${job.id}`;

		const routes = apiRequests().map((entry) => entry.route);
		const polls = entries(emulator(), 'fal.status');
		expect(routes).toEqual(['fal.submit', 'fal.status.stream', ...polls.map(() => 'fal.status'), 'fal.result']);
		expect(polls.length).toBeGreaterThanOrEqual(3);
		expect(polls.map((entry) => entry.status)).toEqual([...polls.slice(1).map(() => 202), 200]);
		expect(new Set(polls.map((entry) => entry.url))).toEqual(new Set([`${base}/status?logs=1`]));
		expect(entries(emulator(), 'fal.result').map((entry) => [entry.url, entry.status])).toEqual([[base, 200]]);
		expect(statesSeen(polls)).toContain('queued');
		expect(statesSeen(polls)).toContain('running');
		expect(apiRequests().every((entry) => entry.headers.authorization === `Key ${emulator().keys.fal}`)).toBe(true);
		expect(result.items[0].json).toMatchObject({ requestId: job.id, status: 'COMPLETED', maskCount: 1 });
	});
});

describe('Runflow runs', () => {
	it('polls the run through queued and running until it succeeded, and stops there', async () => {
		emulator().jobs.script({ queueMs: 1_500, dispatchMs: 30, latencyMs: 1_500 });
		const result = await runSam3(emulator(), { provider: 'runflowApi', parameters: { imageUrl: await imageUrl(), prompt: 'shoe' } });
		expect(result.error).toBeUndefined();
		const [job] = emulator().jobs.list();

		const polls = entries(emulator(), 'runflow.get');
		expect(apiRequests().map((entry) => entry.route)).toEqual(['runflow.create', ...polls.map(() => 'runflow.get')]);
		expect(new Set(polls.map((entry) => entry.url))).toEqual(new Set([`/runflow/v1/runs/${job.id}`]));
		const states = statesSeen(polls);
		expect(states).toContain('queued');
		expect(states).toContain('running');
		expect(states.at(-1)).toBe('succeeded');
		expect(states.filter((state) => state === 'succeeded')).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ requestId: job.id, status: 'COMPLETED', maskCount: 1 });
	});

	it('later runs of a batch are polled near the end the earlier ones took: fewer polls, most of them close to the end', async () => {
		emulator().jobs.script({ queueMs: 0, dispatchMs: 0, latencyMs: 1_500 });
		const items = [0, 1, 2, 3].map((row) => ({ json: { row } }));
		const result = await runSam3(emulator(), { provider: 'runflowApi', items, parameters: { imageUrl: await imageUrl(), prompt: 'shoe', options: { maxConcurrency: 1 } } });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.maskCount)).toEqual([1, 1, 1, 1]);
		// One run after another (Max Concurrent Jobs 1), by the emulator's own clock: when each was created and ended.
		const runs = emulator().jobs.list().sort((a, b) => a.createdAt - b.createdAt);
		const pollsOf = (run: (typeof runs)[number]) => {
			const duration = run.completedAt! - run.createdAt;
			const at = entries(emulator(), 'runflow.get').filter((entry) => entry.url.endsWith(`/${run.id}`)).map((entry) => (entry.time - run.createdAt) / duration);
			return { all: at.length, early: at.filter((share) => share < 0.7).length, nearEnd: at.filter((share) => share >= 0.9).length };
		};
		const [first, ...learned] = runs.map(pollsOf);
		// The first run knows nothing yet: the usual schedule, half the time waited (0, 0.1, 0.2, 0.3, 0.45 … s).
		expect(first.all).toBeGreaterThanOrEqual(7);
		expect(first.early).toBeGreaterThanOrEqual(5);
		for (const run of learned) {
			// Once at the start, once halfway; then densely from 5 % before the end the earlier runs took.
			expect(run.early).toBeLessThanOrEqual(2);
			expect(run.nearEnd).toBeGreaterThanOrEqual(2);
			expect(run.all).toBeLessThan(first.all);
		}
	});
});

describe('Wait for Result off', () => {
	it('fal.ai: outputs the request ID and working status/result/cancel URLs at once, without polling', async () => {
		const result = await runSam3(emulator(), {
			provider: 'falApi',
			// Sync mode cannot return early: with waiting off the node queues the job whatever the mode says.
			parameters: { imageUrl: await imageUrl(), prompt: 'shoe', waitForResult: false, falMode: 'sync' },
			items: [{ json: { sku: 'A-1' } }],
		});
		expect(result.error).toBeUndefined();
		expect(apiRequests().map((entry) => entry.route)).toEqual(['fal.submit']);
		const [job] = emulator().jobs.list();
		const base = `${emulator().falQueueUrl}/fal-ai/sam-3/requests/${job.id}`;
		const [item] = result.items;
		expect(item.json).toEqual({
			sku: 'A-1',
			provider: 'fal.ai',
			requestId: job.id,
			status: 'IN_QUEUE',
			statusUrl: `${base}/status`,
			resultUrl: base,
			cancelUrl: `${base}/cancel`,
			queuePosition: expect.any(Number),
			// The job's estimated cost is known before it runs.
			cost: { estimatedUsd: 0.005, basis: expect.stringContaining('fal-ai/sam-3/image'), estimate: true },
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary).toBeUndefined();

		// A later HTTP Request node can follow the links with the same key.
		const auth = { authorization: `Key ${emulator().keys.fal}` };
		await job.finished;
		expect((await call('GET', String(item.json.statusUrl), { headers: auth })).json.status).toBe('COMPLETED');
		const output = await call('GET', String(item.json.resultUrl), { headers: auth });
		expect(output.json.masks).toHaveLength(1);
	});

	it('Runflow: outputs the run ID and run URL at once, without polling', async () => {
		const result = await runSam3(emulator(), {
			provider: 'runflowApi',
			parameters: { imageUrl: await imageUrl(), prompt: 'shoe', waitForResult: false },
		});
		expect(result.error).toBeUndefined();
		expect(apiRequests().map((entry) => entry.route)).toEqual(['runflow.create']);
		const [job] = emulator().jobs.list();
		expect(result.items[0].json).toEqual({
			provider: 'Runflow',
			requestId: job.id,
			status: 'queued',
			runUrl: `${emulator().runflowUrl}/v1/runs/${job.id}`,
			cost: { estimatedUsd: 0.005, basis: expect.stringContaining('meta/sam-3/image on Runflow'), estimate: true },
		});
		await job.finished;
		const run = await call('GET', String(result.items[0].json.runUrl), { headers: { authorization: `Bearer ${emulator().keys.runflow}` } });
		expect(run.json).toMatchObject({ id: job.id, status_code: 'succeeded' });
	});
});

describe('Max Wait', () => {
	it('fal.ai: gives up on a job that runs too long, cancels it and fails the item with a clear error', async () => {
		emulator().jobs.script({ latencyMs: 5_000 });
		const result = await runSam3(emulator(), {
			provider: 'falApi',
			continueOnFail: true,
			parameters: { imageUrl: await imageUrl(), prompt: 'shoe', options: { maxWaitSeconds: 1 } },
		});
		const [job] = emulator().jobs.list();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.error).toMatchObject({ errorType: 'max_wait_exceeded', requestId: job.id, itemIndex: 0 });
		expect(entries(emulator(), 'fal.cancel').map((entry) => entry.url)).toEqual([`/fal-queue/fal-ai/sam-3/requests/${job.id}/cancel`]);
		expect(job.state).toBe('cancelled');
		expect(entries(emulator(), 'fal.result')).toEqual([]);
	});

	it('Runflow: gives up on a run that runs too long (Runflow has no cancel)', async () => {
		emulator().jobs.script({ latencyMs: 5_000 });
		const result = await runSam3(emulator(), {
			provider: 'runflowApi',
			continueOnFail: true,
			parameters: { imageUrl: await imageUrl(), prompt: 'shoe', options: { maxWaitSeconds: 1 } },
		});
		const error = result.items[0].json.error as IDataObject;
		expect(error).toMatchObject({ errorType: 'max_wait_exceeded', requestId: emulator().jobs.list()[0].id });
		expect(String(error.description)).toMatch(/no cancel/i);
		expect(apiRequests().filter((entry) => entry.route !== 'runflow.get').map((entry) => entry.route)).toEqual(['runflow.create']);
	});
});
