/** The /__emulator/ controls (for out-of-process users) and the stats/log the benchmarks read. */
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { call, falAuth, waitFor } from '../support/http';
import { testImage } from '../support/images';

let emu: Emulator;
let control: string;

beforeAll(async () => {
	emu = await startEmulator({ falKeys: ['id-1:secret-1', 'id-2:secret-2'], defaults: { latencyMs: 30, queueMs: 30, dispatchMs: 0 } });
	control = emu.controlUrl;
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

async function hostedImage() {
	const bytes = await testImage(48, 32);
	const hosted = await call('POST', `${control}/images?name=input.png`, { headers: { 'content-type': 'image/png' }, body: bytes });
	expect(hosted.status).toBe(201);
	return { bytes, url: hosted.json.url as string };
}

const sync = (url: string, json: Record<string, unknown>, key = emu.keys.fal) =>
	call('POST', `${emu.falRunUrl}/fal-ai/sam-3/image`, { headers: falAuth(key), json: { image_url: url, ...json } });

it('describes itself: urls, keys, and that it is a test double', async () => {
	const info = await call('GET', `${control}/info`);
	expect(info.json).toMatchObject({ testDouble: true, urls: { falQueue: emu.falQueueUrl, files: emu.filesUrl }, keys: { fal: 'id-1:secret-1' } });
	expect(info.headers['x-emulator']).toBe('n8n-nodes-sam3 test double');
	expect(emu.keys.allFal).toEqual(['id-1:secret-1', 'id-2:secret-2']);
	expect((await sync('data:,x', {}, 'id-2:secret-2')).status).not.toBe(401);
	expect(emu.banner()).toMatch(/TEST DOUBLE/);
});

it('hosts images, serves them on localhost, and keeps them across reset', async () => {
	const { bytes, url } = await hostedImage();
	expect(new URL(url).hostname).toBe('localhost');
	expect(url.endsWith('/input.png')).toBe(true);
	await call('POST', `${control}/reset`);
	const served = await call('GET', url);
	expect(served.headers['content-type']).toBe('image/png');
	expect(served.body.equals(bytes)).toBe(true);
});

it('adds faults and scripts over HTTP', async () => {
	const { url } = await hostedImage();
	expect((await call('POST', `${control}/faults`, { json: { route: 'fal.sync', fault: { kind: 'status', status: 502 } } })).status).toBe(201);
	expect((await call('GET', `${control}/faults`)).json).toHaveLength(1);
	expect((await sync(url, {})).status).toBe(502);
	expect((await call('POST', `${control}/faults`, { json: { route: 'fal.sync', fault: { kind: 'nope' } } })).status).toBe(400);

	await call('POST', `${control}/scripts`, { json: { match: { provider: 'fal', promptPattern: '^fail' }, outcome: { type: 'fail', message: 'scripted', status: 500 } } });
	expect((await sync(url, { prompt: 'fail me' })).json).toEqual({ detail: 'scripted', error_type: 'internal_error' });
	expect((await sync(url, { prompt: 'cat' })).status).toBe(200);
	await call('DELETE', `${control}/scripts`);
	expect((await sync(url, { prompt: 'fail me' })).status).toBe(200);
});

it('sets default timing and lists jobs', async () => {
	const defaults = await call('PUT', `${control}/defaults`, { json: { latencyMs: 5, bogus: 1 } });
	expect(defaults.json).toEqual({ latencyMs: 5, queueMs: 30, dispatchMs: 0 });
	const { url } = await hostedImage();
	const done = await sync(url, { prompt: 'x' });
	const jobs = await call('GET', `${control}/jobs`);
	expect(jobs.json).toEqual([expect.objectContaining({ id: done.headers['x-fal-request-id'], provider: 'fal', mode: 'sync', state: 'succeeded' })]);
	expect((await call('GET', `${control}/jobs/${jobs.json[0].id}`)).json.timing.latencyMs).toBe(5);
	emu.jobs.setDefaults({ latencyMs: 30 });
});

it('logs requests with method, url, vhost, headers, body; filters by route; clears', async () => {
	const { url } = await hostedImage();
	await sync(url, { prompt: 'logged' });
	const log = (await call('GET', `${control}/log?route=fal.sync`)).json;
	expect(log).toHaveLength(1);
	expect(log[0]).toMatchObject({
		method: 'POST',
		url: '/fal-run/fal-ai/sam-3/image',
		vhost: 'fal-run',
		route: 'fal.sync',
		authorization: true,
		body: { image_url: url, prompt: 'logged' },
		status: 200,
	});
	expect(log[0].headers.authorization).toBe(`Key ${emu.keys.fal}`);
	expect(typeof log[0].time).toBe('number');
	// The emulator downloaded the input from its own file host, without a key.
	const fetched = (await call('GET', `${control}/log?vhost=files`)).json;
	expect(fetched.map((e: any) => [e.route, e.authorization])).toContainEqual(['files.get', false]);
	expect((await call('GET', `${control}/log?since=${log[0].seq}`)).json.every((e: any) => e.seq > log[0].seq)).toBe(true);
	await call('DELETE', `${control}/log`);
	expect((await call('GET', `${control}/log`)).json).toEqual([]);
});

it('counts current and peak in-flight jobs per provider, and requests per route', async () => {
	const { url } = await hostedImage();
	emu.jobs.script({ latencyMs: 300 });
	const submit = () => call('POST', `${emu.falQueueUrl}/fal-ai/sam-3/image`, { headers: falAuth(emu.keys.fal), json: { image_url: url } });
	await Promise.all([submit(), submit(), submit()]);
	expect(emu.stats().inFlight.fal).toBe(3);
	await waitFor(() => (emu.stats().inFlight.fal === 0 ? true : undefined));
	const stats = (await call('GET', `${control}/stats`)).json;
	expect(stats).toMatchObject({ inFlight: { fal: 0, runflow: 0 }, peakInFlight: { fal: 3, runflow: 0 }, jobs: { fal: { created: 3, succeeded: 3 } } });
	expect(stats.routes['fal.submit']).toBe(3);
	const reset = (await call('POST', `${control}/stats/reset`)).json;
	expect(reset).toMatchObject({ peakInFlight: { fal: 0 }, routes: {} });
});

it('holds jobs beyond the concurrency limit in the queue', async () => {
	const limited = await startEmulator({ concurrency: { runflow: 2 }, defaults: { latencyMs: 150, queueMs: 0, dispatchMs: 0 } });
	try {
		const url = limited.hostImage(await testImage(16, 16), 'image/png');
		const create = () =>
			call('POST', `${limited.runflowUrl}/v1/models/meta/sam-3/image/runs`, {
				headers: { authorization: `Bearer ${limited.keys.runflow}` },
				json: { input: { image_url: url } },
			});
		await Promise.all([create(), create(), create(), create(), create()]);
		let maxRunning = 0;
		await waitFor(() => {
			const running = limited.jobs.list().filter((j) => j.state === 'running' || j.state === 'dispatching').length;
			maxRunning = Math.max(maxRunning, running);
			return limited.stats().inFlight.runflow === 0 ? true : undefined;
		}, 10_000, 5);
		expect(maxRunning).toBe(2);
		expect(limited.stats().peakInFlight.runflow).toBe(5);
	} finally {
		await limited.close();
	}
});
