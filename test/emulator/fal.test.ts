import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { call, falAuth, startReceiver, waitFor } from '../support/http';
import { testImage } from '../support/images';

let emu: Emulator;
let imageUrl: string;
let auth: Record<string, string>;

beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 60, queueMs: 60, dispatchMs: 10 }, callbackBackoffMs: [20, 40] });
	imageUrl = emu.hostImage(await testImage(320, 240), 'image/png', 'street.png');
	auth = falAuth(emu.keys.fal);
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

const endpoint = () => `${emu.falQueueUrl}/fal-ai/sam-3/image`;

async function submit(input: unknown, query = '', headers: Record<string, string> = {}) {
	const response = await call('POST', endpoint() + query, { headers: { ...auth, ...headers }, json: input });
	expect(response.status).toBe(200);
	return response.json;
}

async function pollUntilCompleted(statusUrl: string) {
	return waitFor(async () => {
		const response = await call('GET', `${statusUrl}?logs=1`, { headers: auth });
		return response.json.status === 'COMPLETED' ? response : undefined;
	});
}

describe('fal sync (fal.run)', () => {
	it('answers the output with the request id and the test-double header', async () => {
		const response = await call('POST', `${emu.falRunUrl}/fal-ai/sam-3/image`, { headers: auth, json: { image_url: imageUrl, prompt: 'car' } });
		expect(response.status).toBe(200);
		expect(response.headers['x-fal-request-id']).toMatch(/^[0-9a-f-]{36}$/);
		expect(response.headers['x-emulator']).toBe('n8n-nodes-sam3 test double');
		expect(response.json.masks).toHaveLength(1);
		expect(response.json.masks[0]).toMatchObject({ content_type: 'image/png', width: 320, height: 240 });
		expect(response.json.masks[0].url.startsWith(emu.filesUrl)).toBe(true);
		const mask = await call('GET', response.json.masks[0].url);
		expect(mask.status).toBe(200);
		expect(mask.headers['content-type']).toBe('image/png');
		expect(mask.body.length).toBe(response.json.masks[0].file_size);
	});

	it('rejects a missing or wrong key with 401 {detail}', async () => {
		for (const headers of [{}, falAuth('wrong:key'), { authorization: `Bearer ${emu.keys.fal}` }]) {
			const response = await call('POST', `${emu.falRunUrl}/fal-ai/sam-3/image`, { headers, json: { image_url: imageUrl } });
			expect(response.status).toBe(401);
			expect(typeof response.json.detail).toBe('string');
			expect(response.headers['x-fal-request-id']).toBeDefined();
		}
	});

	it('answers 422 with one pydantic-style entry per invalid field', async () => {
		const response = await call('POST', `${emu.falRunUrl}/fal-ai/sam-3/image`, {
			headers: auth,
			json: { prompt: 7, max_masks: 0, output_format: 'gif', apply_mask: 'yes', box_prompts: [{ x_min: 1, y_min: 2, x_max: 'a', y_max: 4 }] },
		});
		expect(response.status).toBe(422);
		const byField = Object.fromEntries(response.json.detail.map((d: any) => [d.loc.slice(1).join('.'), d]));
		expect(Object.keys(byField).sort()).toEqual(['apply_mask', 'box_prompts.0.x_max', 'image_url', 'max_masks', 'output_format', 'prompt'].sort());
		expect(byField.image_url).toMatchObject({ loc: ['body', 'image_url'], type: 'missing' });
		expect(byField.max_masks).toMatchObject({ type: 'greater_than_equal', ctx: { ge: 1 } });
		expect(byField.output_format.type).toBe('enum');
		for (const entry of response.json.detail) expect(typeof entry.msg).toBe('string');
	});

	it('returns media as data: URIs with sync_mode', async () => {
		const response = await call('POST', `${emu.falRunUrl}/fal-ai/sam-3/image`, { headers: auth, json: { image_url: imageUrl, sync_mode: true } });
		expect(response.json.masks[0].url).toMatch(/^data:image\/png;base64,/);
		expect(response.json.image.url).toMatch(/^data:image\/png;base64,/);
	});

	it('answers 422 on image_url when the image cannot be downloaded or decoded', async () => {
		const missing = `${emu.filesUrl}/no-such-file/x.png`;
		const notImage = emu.hostImage(Buffer.from('hello'), 'text/plain', 'x.txt');
		for (const [url, type] of [[missing, 'file_download_error'], [notImage, 'image_load_error'], ['ftp://host/x.png', 'file_download_error']]) {
			const response = await call('POST', `${emu.falRunUrl}/fal-ai/sam-3/image`, { headers: auth, json: { image_url: url } });
			expect(response.status).toBe(422);
			expect(response.json.detail[0]).toMatchObject({ loc: ['body', 'image_url'], type });
		}
	});

	it('answers a sync call still queued past x-fal-request-timeout with a user timeout', async () => {
		emu.jobs.script({ queueMs: 5_000 });
		const response = await call('POST', `${emu.falRunUrl}/fal-ai/sam-3/image`, {
			headers: { ...auth, 'x-fal-request-timeout': '0.1' },
			json: { image_url: imageUrl },
		});
		expect(response.status).toBe(504);
		expect(response.headers['x-fal-request-timeout-type']).toBe('user');
		expect(response.json.error_type).toBe('request_timeout');
		expect(emu.stats().inFlight.fal).toBe(0);
	});

	it('accepts a data: URI input and the deprecated text_prompt', async () => {
		const dataUri = `data:image/png;base64,${(await testImage(64, 48)).toString('base64')}`;
		const response = await call('POST', `${emu.falRunUrl}/fal-ai/sam-3/image`, { headers: auth, json: { image_url: dataUri, text_prompt: 'dog' } });
		expect(response.status).toBe(200);
		expect(response.json.masks[0]).toMatchObject({ width: 64, height: 48 });
	});
});

describe('fal queue', () => {
	it('walks IN_QUEUE -> IN_PROGRESS -> COMPLETED and serves the result', async () => {
		const submitted = await submit({ image_url: imageUrl, prompt: 'tree' });
		expect(submitted).toMatchObject({ status: 'IN_QUEUE', queue_position: 0 });
		const base = `${emu.falQueueUrl}/fal-ai/sam-3/requests/${submitted.request_id}`;
		expect(submitted).toMatchObject({ response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` });
		const seen = new Set<string>();
		const done = await waitFor(async () => {
			const response = await call('GET', `${submitted.status_url}?logs=1`, { headers: auth });
			seen.add(`${response.status} ${response.json.status}`);
			if (response.json.status === 'IN_QUEUE') expect(typeof response.json.queue_position).toBe('number');
			if (response.json.status === 'IN_PROGRESS') expect(Array.isArray(response.json.logs)).toBe(true);
			return response.json.status === 'COMPLETED' ? response : undefined;
		}, 10_000, 5);
		expect([...seen]).toEqual(['202 IN_QUEUE', '202 IN_PROGRESS', '200 COMPLETED']);
		expect(done.json.metrics.inference_time).toEqual(expect.any(Number));
		expect(done.json.logs.length).toBeGreaterThan(0);
		expect(done.json.error).toBeUndefined();
		const result = await call('GET', submitted.response_url, { headers: auth });
		expect(result.status).toBe(200);
		expect(result.headers['x-fal-request-id']).toBe(submitted.request_id);
		expect(result.json.masks.length).toBeGreaterThan(0);
	});

	it('has status/result/cancel only under the app id, not the /image subpath', async () => {
		const { request_id } = await submit({ image_url: imageUrl });
		const wrong = `${emu.falQueueUrl}/fal-ai/sam-3/image/requests/${request_id}`;
		expect((await call('GET', `${wrong}/status`, { headers: auth })).status).toBe(404);
		expect((await call('GET', wrong, { headers: auth })).status).toBe(404);
		expect((await call('PUT', `${wrong}/cancel`, { headers: auth })).status).toBe(404);
		expect((await call('GET', `${emu.falQueueUrl}/fal-ai/sam-3/requests/${request_id}/status`, { headers: auth })).status).toBe(202);
	});

	it('answers 400 for a result still in progress and 404 for an unknown request', async () => {
		const { response_url } = await submit({ image_url: imageUrl });
		expect((await call('GET', response_url, { headers: auth })).status).toBe(400);
		const unknown = await call('GET', `${emu.falQueueUrl}/fal-ai/sam-3/requests/00000000-0000-0000-0000-000000000000/status`, { headers: auth });
		expect(unknown.status).toBe(404);
	});

	it('validates the input when the job runs: COMPLETED with an error, result 422', async () => {
		const { status_url, response_url } = await submit({ image_url: 42 });
		const done = await pollUntilCompleted(status_url);
		expect(done.json.error).toEqual(expect.any(String));
		expect(done.json.error_type).toBe('validation_error');
		const result = await call('GET', response_url, { headers: auth });
		expect(result.status).toBe(422);
		expect(result.json.detail[0].loc).toEqual(['body', 'image_url']);
	});

	it('reports an unreadable image as the model error on image_url', async () => {
		const { status_url, response_url } = await submit({ image_url: `${emu.filesUrl}/missing/x.png` });
		expect((await pollUntilCompleted(status_url)).json.error_type).toBe('file_download_error');
		const result = await call('GET', response_url, { headers: auth });
		expect(result.status).toBe(422);
		expect(result.json.detail[0]).toMatchObject({ loc: ['body', 'image_url'], type: 'file_download_error' });
	});

	it('cancels a queued job; later cancels answer ALREADY_COMPLETED, unknown ids NOT_FOUND', async () => {
		emu.jobs.script({ queueMs: 5_000 });
		const { cancel_url, status_url, response_url } = await submit({ image_url: imageUrl });
		const cancelled = await call('PUT', cancel_url, { headers: auth });
		expect(cancelled).toMatchObject({ status: 202, json: { status: 'CANCELLATION_REQUESTED' } });
		const status = await call('GET', status_url, { headers: auth });
		expect(status.json).toMatchObject({ status: 'COMPLETED', error_type: 'request_cancelled' });
		expect((await call('GET', response_url, { headers: auth })).status).toBe(400);
		expect(await call('PUT', cancel_url, { headers: auth })).toMatchObject({ status: 400, json: { status: 'ALREADY_COMPLETED' } });
		const unknown = await call('PUT', `${emu.falQueueUrl}/fal-ai/sam-3/requests/nope/cancel`, { headers: auth });
		expect(unknown).toMatchObject({ status: 404, json: { status: 'NOT_FOUND' } });
		expect(emu.stats().inFlight.fal).toBe(0);
	});

	it('cancels a running job too', async () => {
		emu.jobs.script({ queueMs: 0, dispatchMs: 0, latencyMs: 5_000 });
		const { cancel_url, status_url } = await submit({ image_url: imageUrl });
		await waitFor(async () => ((await call('GET', status_url, { headers: auth })).json.status === 'IN_PROGRESS' ? true : undefined));
		expect((await call('PUT', cancel_url, { headers: auth })).status).toBe(202);
		expect((await call('GET', status_url, { headers: auth })).json).toMatchObject({ status: 'COMPLETED', error_type: 'request_cancelled' });
	});

	it('fails a job still queued past x-fal-request-timeout with a user timeout (504)', async () => {
		emu.jobs.script({ queueMs: 5_000 });
		const { status_url, response_url } = await submit({ image_url: imageUrl }, '', { 'x-fal-request-timeout': '0.1' });
		const done = await pollUntilCompleted(status_url);
		expect(done.json.error_type).toBe('request_timeout');
		const result = await call('GET', response_url, { headers: auth });
		expect(result.status).toBe(504);
		expect(result.headers['x-fal-request-timeout-type']).toBe('user');
		expect(result.headers['x-fal-retryable']).toBe('false');
	});

	it('queues low priority behind normal priority', async () => {
		const emuLimited = await startEmulator({ concurrency: { fal: 1 }, defaults: { latencyMs: 300, queueMs: 0, dispatchMs: 0 } });
		try {
			const post = (priority: string) =>
				call('POST', `${emuLimited.falQueueUrl}/fal-ai/sam-3/image`, { headers: { ...falAuth(emuLimited.keys.fal), 'x-fal-queue-priority': priority }, json: { image_url: imageUrl } });
			await post('normal');
			await new Promise((resolve) => setTimeout(resolve, 20));
			const low = (await post('low')).json;
			const normal = (await post('normal')).json;
			const positionOf = async (statusUrl: string) => (await call('GET', statusUrl, { headers: falAuth(emuLimited.keys.fal) })).json.queue_position;
			expect(normal.queue_position).toBe(0);
			expect(await positionOf(normal.status_url)).toBe(0);
			expect(await positionOf(low.status_url)).toBe(1);
			expect(emuLimited.jobs.get(low.request_id)?.priority).toBe('low');
		} finally {
			await emuLimited.close();
		}
	});

	it('POSTs the webhook without a key when the job is done', async () => {
		const receiver = await startReceiver();
		try {
			const ok = await submit({ image_url: imageUrl }, `?fal_webhook=${encodeURIComponent(receiver.url)}`);
			const bad = await submit({ image_url: 'ftp://x' }, `?fal_webhook=${encodeURIComponent(receiver.url)}`);
			await waitFor(() => (receiver.received.length === 2 ? true : undefined));
			const bodies = receiver.received.map((r) => JSON.parse(r.body));
			const okBody = bodies.find((b) => b.request_id === ok.request_id);
			const badBody = bodies.find((b) => b.request_id === bad.request_id);
			expect(okBody).toMatchObject({ gateway_request_id: ok.request_id, status: 'OK' });
			expect(okBody.payload.masks.length).toBeGreaterThan(0);
			expect(badBody).toMatchObject({ status: 'ERROR', error: expect.any(String) });
			expect(badBody.payload.detail[0].loc).toEqual(['body', 'image_url']);
			for (const r of receiver.received) expect(r.headers.authorization).toBeUndefined();
		} finally {
			await receiver.close();
		}
	});

	it('runs scripted failures and expired results', async () => {
		emu.jobs.script({ match: { prompt: 'boom' }, outcome: { type: 'fail', message: 'CUDA out of memory', status: 500 } });
		emu.jobs.script({ match: { prompt: /^gone/ }, outcome: { type: 'expired' } });
		const failed = await submit({ image_url: imageUrl, prompt: 'boom' });
		const expired = await submit({ image_url: imageUrl, prompt: 'gone soon' });
		expect((await pollUntilCompleted(failed.status_url)).json).toMatchObject({ error: 'CUDA out of memory', error_type: 'internal_error' });
		const failedResult = await call('GET', failed.response_url, { headers: auth });
		expect(failedResult.status).toBe(500);
		expect(failedResult.json).toEqual({ detail: 'CUDA out of memory', error_type: 'internal_error' });
		expect((await pollUntilCompleted(expired.status_url)).json.error).toBeUndefined();
		expect((await call('GET', expired.response_url, { headers: auth })).status).toBe(404);
	});
});
