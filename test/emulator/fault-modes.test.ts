/**
 * Fault modes for the node's reliability work (issue 9): a sync call whose job ran but whose answer was lost,
 * Retry-After values a provider might send, odd result bodies, answers with missing ids or fields, an oversized
 * data: mask. Each follows providers.md; the node's handling of them is tested in test/reliability.
 */
import { request } from 'undici';
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { bearer, call, falAuth, waitFor } from '../support/http';
import { pngOfSize, testImage } from '../support/images';

let emu: Emulator;
let imageUrl: string;

beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 20, queueMs: 0, dispatchMs: 0 } });
	imageUrl = emu.hostImage(await testImage(64, 64), 'image/png');
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

const sync = (json: unknown = { image_url: imageUrl }) => call('POST', `${emu.falRunUrl}/fal-ai/sam-3/image`, { headers: falAuth(emu.keys.fal), json });
const submit = () => call('POST', `${emu.falQueueUrl}/fal-ai/sam-3/image`, { headers: falAuth(emu.keys.fal), json: { image_url: imageUrl } });
const createRun = () =>
	call('POST', `${emu.runflowUrl}/v1/models/meta/sam-3/image/runs`, { headers: bearer(emu.keys.runflow), json: { input: { image_url: imageUrl } } });
const getRun = (id: string) => call('GET', `${emu.runflowUrl}/v1/runs/${id}`, { headers: bearer(emu.keys.runflow) });

async function queuedResult(): Promise<any> {
	const { json } = await submit();
	await emu.jobs.get(json.request_id)!.finished;
	return (await call('GET', json.response_url, { headers: falAuth(emu.keys.fal) })).json;
}

describe('fal sync: the job runs and is billed, the answer is lost', () => {
	it('connection reset after the job ran: one job started; a second call starts a second one', async () => {
		emu.faults.add({ route: 'fal.sync', fault: { kind: 'reset', afterHandling: true } });
		await expect(sync()).rejects.toThrow();
		expect(emu.stats().jobs.fal).toMatchObject({ created: 1, started: 1, succeeded: 1 });

		expect((await sync()).status).toBe(200);
		expect(emu.stats().jobs.fal).toMatchObject({ created: 2, started: 2, succeeded: 2 });
	});

	it('a 502 after the job ran: fal error headers, one job started and billed', async () => {
		emu.faults.add({ route: 'fal.sync', fault: { kind: 'status', status: 502, afterHandling: true } });
		const response = await sync();
		expect(response.status).toBe(502);
		expect(response.headers['x-fal-error-type']).toBe('runner_incomplete_response');
		expect(emu.stats().jobs.fal).toMatchObject({ created: 1, started: 1, succeeded: 1 });
	});

	it('the answer never comes after the job ran (stall): one job started, the client gives up', async () => {
		emu.faults.add({ route: 'fal.sync', fault: { kind: 'hang', afterHandling: true } });
		const abort = new AbortController();
		const pending = request(`${emu.falRunUrl}/fal-ai/sam-3/image`, {
			method: 'POST',
			headers: { ...falAuth(emu.keys.fal), 'content-type': 'application/json' },
			body: JSON.stringify({ image_url: imageUrl }),
			signal: abort.signal,
		});
		pending.catch(() => undefined);
		const job = await waitFor(() => emu.jobs.list()[0]);
		await job.finished;
		// Finished and billed, and still no answer: the client is the one that gives up.
		await new Promise((resolve) => setImmediate(resolve));
		expect(emu.requests.filter((entry) => entry.route === 'fal.sync').map((entry) => entry.status)).toEqual([undefined]);
		abort.abort();
		await expect(pending).rejects.toThrow();
		expect(emu.stats().jobs.fal).toMatchObject({ created: 1, started: 1, succeeded: 1 });
	});
});

describe('Retry-After as a provider might send it', () => {
	it.each([0, -5, 'garbage', 3600])('429 / 503 with Retry-After: %s, sent as is', async (retryAfter) => {
		emu.faults.add({ route: 'fal.submit', fault: { kind: 'status', status: 429, retryAfter } });
		emu.faults.add({ route: 'runflow.create', fault: { kind: 'status', status: 503, retryAfter } });
		const fal = await submit();
		const runflow = await createRun();
		expect([fal.status, fal.headers['retry-after']]).toEqual([429, String(retryAfter)]);
		expect([runflow.status, runflow.headers['retry-after']]).toEqual([503, String(retryAfter)]);
		expect(emu.jobs.list()).toEqual([]);
	});
});

describe('scripted result bodies (ScriptRule.resultBody)', () => {
	it('odd optional fields on a fal result, the masks still real files', async () => {
		emu.jobs.script({
			resultBody: (body: any) => ({
				...body,
				scores: ['0.9'],
				boxes: [[1, 2, 3]],
				metadata: body.metadata.map((entry: object) => ({ ...entry, index: '0' })),
				masks: body.masks.map((mask: object) => ({ ...mask, width: '8' })),
			}),
		});
		const result = await queuedResult();
		expect(result).toMatchObject({ scores: ['0.9'], boxes: [[1, 2, 3]] });
		expect(result.metadata[0].index).toBe('0');
		expect(result.masks[0].width).toBe('8');
		expect((await call('GET', result.masks[0].url)).status).toBe(200);
	});

	it('scores [null] and a result without masks, on fal sync', async () => {
		emu.jobs.script({ times: 1, resultBody: (body: any) => ({ ...body, scores: [null] }) });
		emu.jobs.script({ times: 1, resultBody: ({ masks: _masks, ...rest }: any) => rest });
		expect((await sync()).json.scores).toEqual([null]);
		const noMasks = await sync();
		expect(noMasks.status).toBe(200);
		expect(noMasks.json).not.toHaveProperty('masks');
		expect(noMasks.json).toHaveProperty('metadata');
	});

	it('a Runflow run that succeeded with output: null', async () => {
		emu.jobs.script({ match: { provider: 'runflow' }, resultBody: null });
		const { json } = await createRun();
		await emu.jobs.get(json.id)!.finished;
		expect((await getRun(json.id)).json).toMatchObject({ id: json.id, status_code: 'succeeded', output: null });
	});

	it('a data: URI mask larger than a given size', async () => {
		const big = await pngOfSize(2 * 1024 * 1024 + 1);
		emu.jobs.script({ resultBody: (body: any) => ({ ...body, masks: [{ ...body.masks[0], url: `data:image/png;base64,${big.toString('base64')}` }] }) });
		const result = await queuedResult();
		const [, base64] = result.masks[0].url.split(',');
		expect(Buffer.from(base64, 'base64').length).toBe(2 * 1024 * 1024 + 1);
	});
});

describe('answers missing their ids or fields (rewrite faults)', () => {
	it('a fal queue submit without request_id, with and without x-fal-request-id; the job exists either way', async () => {
		emu.faults.add({ route: 'fal.submit', fault: { kind: 'rewrite', omit: ['request_id'] } });
		emu.faults.add({ route: 'fal.submit', fault: { kind: 'rewrite', omit: ['request_id'], omitHeaders: ['x-fal-request-id'] } });
		const withHeader = await submit();
		const bare = await submit();
		const jobs = emu.jobs.list().sort((a, b) => a.createdAt - b.createdAt);
		expect(withHeader.json).not.toHaveProperty('request_id');
		expect(withHeader.json.status_url).toContain(jobs[0].id);
		expect(withHeader.headers['x-fal-request-id']).toBe(jobs[0].id);
		expect(bare.json).not.toHaveProperty('request_id');
		expect(bare.headers['x-fal-request-id']).toBeUndefined();
		expect(emu.stats().jobs.fal.created).toBe(2);
	});

	it('Runflow: empty and unknown status_code for the first polls, then the real one', async () => {
		emu.jobs.script({ latencyMs: 10_000 });
		emu.faults.add({ route: 'runflow.get', fault: { kind: 'rewrite', set: { status_code: '' } } });
		emu.faults.add({ route: 'runflow.get', fault: { kind: 'rewrite', set: { status_code: 'warming_up' } } });
		const { json } = await createRun();
		const codes = [];
		for (let i = 0; i < 3; i++) codes.push((await getRun(json.id)).json.status_code);
		expect(codes.slice(0, 2)).toEqual(['', 'warming_up']);
		expect(['queued', 'dispatching', 'running']).toContain(codes[2]);
	});

	it('a Runflow create answer without id: the run exists anyway', async () => {
		emu.faults.add({ route: 'runflow.create', fault: { kind: 'rewrite', omit: ['id'] } });
		const created = await createRun();
		expect(created.status).toBe(201);
		expect(created.json).not.toHaveProperty('id');
		expect(created.json.status_code).toBe('queued');
		expect(emu.stats().jobs.runflow.created).toBe(1);
	});

	it('fal upload initiate answering {} or without file_url', async () => {
		const initiate = () =>
			call('POST', `${emu.falRestUrl}/storage/upload/initiate?storage_type=fal-cdn-v3`, {
				headers: falAuth(emu.keys.fal),
				json: { content_type: 'image/png', file_name: 'a.png' },
			});
		emu.faults.add({ route: 'fal.upload.initiate', fault: { kind: 'rewrite', body: {} } });
		emu.faults.add({ route: 'fal.upload.initiate', fault: { kind: 'rewrite', omit: ['file_url'] } });
		expect(await initiate()).toMatchObject({ status: 200, json: {} });
		const noFileUrl = await initiate();
		expect(noFileUrl.json).toEqual({ upload_url: expect.any(String) });
	});

	it('refuses a rewrite that changes nothing', () => {
		expect(() => emu.faults.add({ route: 'fal.submit', fault: { kind: 'rewrite' } })).toThrow(/needs a body, omit, set, omitHeaders or setHeaders/);
	});
});
