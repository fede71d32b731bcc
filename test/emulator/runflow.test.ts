import { createHmac } from 'node:crypto';
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { bearer, call, startReceiver, waitFor } from '../support/http';
import { testImage } from '../support/images';

const SECRET = 'whsec_test_secret';
let emu: Emulator;
let imageUrl: string;
let auth: Record<string, string>;

beforeAll(async () => {
	emu = await startEmulator({ runflowSigningSecret: SECRET, defaults: { latencyMs: 80, queueMs: 60, dispatchMs: 40 }, callbackBackoffMs: [20, 40] });
	imageUrl = emu.hostImage(await testImage(160, 120), 'image/png');
	auth = bearer(emu.keys.runflow);
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

const runsUrl = () => `${emu.runflowUrl}/v1/models/meta/sam-3/image/runs`;
const create = (body: unknown, headers = auth) => call('POST', runsUrl(), { headers, json: body });
const getRun = (id: string) => call('GET', `${emu.runflowUrl}/v1/runs/${id}`, { headers: auth });

async function untilTerminal(id: string) {
	return waitFor(async () => {
		const run = (await getRun(id)).json;
		return ['succeeded', 'failed'].includes(run.status_code) ? run : undefined;
	});
}

describe('Runflow runs', () => {
	it('creates a queued run (201) and walks queued -> dispatching -> running -> succeeded', async () => {
		const created = await create({ input: { image_url: imageUrl, prompt: 'cup', include_scores: true }, metadata: { job: 7 }, client_ref: 'ref-1' });
		expect(created.status).toBe(201);
		expect(created.json).toMatchObject({
			status_code: 'queued',
			model_id: 'meta/sam-3/image',
			input: { image_url: imageUrl, prompt: 'cup', include_scores: true },
			output: null,
			cost: null,
			duration_ms: null,
			client_ref: 'ref-1',
			metadata: { job: 7 },
			callback_url: null,
			started_at: null,
			completed_at: null,
			failure_code: null,
			failure_message: null,
			failure_stage_code: null,
		});
		expect(Date.parse(created.json.created_at)).not.toBeNaN();
		const seen: string[] = [];
		const run = await waitFor(async () => {
			const current = (await getRun(created.json.id)).json;
			if (seen[seen.length - 1] !== current.status_code) seen.push(current.status_code);
			return current.status_code === 'succeeded' ? current : undefined;
		}, 10_000, 5);
		expect(seen).toEqual(['queued', 'dispatching', 'running', 'succeeded']);
		expect(run.cost).toBeGreaterThan(0);
		expect(run.duration_ms).toBeGreaterThan(0);
		expect(Date.parse(run.started_at)).not.toBeNaN();
		const { outputs, model_data, nsfw_detected, seed, timing } = run.output;
		expect(outputs[0]).toMatchObject({ type: 'image', width: 160, height: 120, content_type: 'image/png' });
		expect(model_data.masks[0].url).toBe(outputs[0].url);
		expect(model_data.scores).toHaveLength(1);
		expect(model_data.image.url.startsWith(emu.filesUrl)).toBe(true);
		expect(nsfw_detected).toBe(false);
		expect(seed).toBeNull();
		expect(timing.inference_ms).toEqual(expect.any(Number));
		expect((await call('GET', outputs[0].url)).status).toBe(200);
	});

	it('checks the Bearer key (401 UNAUTHORIZED) and unknown runs (404 RUN_NOT_FOUND)', async () => {
		for (const headers of [{}, bearer('rf_live_wrong'), { authorization: `Key ${emu.keys.runflow}` }]) {
			const response = await create({ input: { image_url: imageUrl } }, headers);
			expect(response).toMatchObject({ status: 401, json: { code: 'UNAUTHORIZED', message: expect.any(String), errors: null } });
		}
		expect(await getRun('missing')).toMatchObject({ status: 404, json: { code: 'RUN_NOT_FOUND' } });
	});

	it('answers 422 VALIDATION_ERROR with one entry per invalid field', async () => {
		const response = await create({ input: { image_url: 'not a url', max_masks: 33, point_prompts: [{ x: 1, y: 2, label: 2 }] }, callback_url: 'nope' });
		expect(response.status).toBe(422);
		expect(response.json.code).toBe('VALIDATION_ERROR');
		const fields = response.json.errors.map((e: any) => e.field).sort();
		expect(fields).toEqual(['callback_url', 'input.image_url', 'input.max_masks', 'input.point_prompts.0.label'].sort());
		const missing = await create({ metadata: {} });
		expect(missing.json.errors).toEqual([expect.objectContaining({ field: 'input' })]);
		const badUrl = await create({ input: { image_url: 'ftp://x/y.png' } });
		expect(badUrl.json.errors).toEqual([expect.objectContaining({ field: 'input.image_url' })]);
		expect((await call('POST', runsUrl(), { headers: { ...auth, 'content-type': 'application/json' }, body: '{oops' })).status).toBe(400);
	});

	it('fails the run with failure_code/failure_message when the image is unreadable', async () => {
		const created = await create({ input: { image_url: `${emu.filesUrl}/missing/x.png` } });
		const run = await untilTerminal(created.json.id);
		expect(run).toMatchObject({ status_code: 'failed', output: null, failure_code: 'INVALID_INPUT', failure_message: expect.stringMatching(/download/i) });
	});

	it('runs scripted failures', async () => {
		emu.jobs.script({ match: { provider: 'runflow' }, outcome: { type: 'fail', failureCode: 'GPU_OOM', message: 'out of memory' } });
		const run = await untilTerminal((await create({ input: { image_url: imageUrl } })).json.id);
		expect(run).toMatchObject({ status_code: 'failed', failure_code: 'GPU_OOM', failure_message: 'out of memory', failure_stage_code: 'running' });
	});
});

describe('Runflow callbacks', () => {
	it('POSTs run.completed / run.failed, signed with HMAC-SHA256 of the raw body', async () => {
		const receiver = await startReceiver();
		try {
			const ok = await create({ input: { image_url: imageUrl }, callback_url: receiver.url, metadata: { a: 1 } });
			const bad = await create({ input: { image_url: `${emu.filesUrl}/missing/x.png` }, callback_url: receiver.url });
			await waitFor(() => (receiver.received.length === 2 ? true : undefined));
			for (const r of receiver.received) {
				expect(r.headers['runflow-signature']).toBe(createHmac('sha256', SECRET).update(r.body).digest('hex'));
				expect(r.headers['runflow-request-id']).toEqual(expect.any(String));
				expect(r.headers.authorization).toBeUndefined();
			}
			const bodies = receiver.received.map((r) => JSON.parse(r.body));
			expect(bodies.find((b) => b.run_id === ok.json.id)).toMatchObject({
				event: 'run.completed',
				status: 'succeeded',
				metadata: { a: 1 },
				output: { outputs: [expect.objectContaining({ type: 'image' })] },
				duration_ms: expect.any(Number),
			});
			expect(bodies.find((b) => b.run_id === bad.json.id)).toMatchObject({ event: 'run.failed', status: 'failed', output: null });
		} finally {
			await receiver.close();
		}
	});

	it('retries on 5xx (3 attempts) and stops after a 2xx', async () => {
		const receiver = await startReceiver([503, 500]);
		try {
			await create({ input: { image_url: imageUrl }, callback_url: receiver.url });
			await waitFor(() => (emu.deliveries[0]?.delivered ? true : undefined));
			await emu.settleDeliveries();
			expect(receiver.received).toHaveLength(3);
			expect(emu.deliveries[0].attempts.map((a) => a.status)).toEqual([503, 500, 200]);
			expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
		} finally {
			await receiver.close();
		}
	});

	it('sends no signature without a signing secret', async () => {
		const unsigned = await startEmulator({ defaults: { latencyMs: 10, queueMs: 10, dispatchMs: 0 } });
		const receiver = await startReceiver();
		try {
			await call('POST', `${unsigned.runflowUrl}/v1/models/meta/sam-3/image/runs`, {
				headers: bearer(unsigned.keys.runflow),
				json: { input: { image_url: imageUrl }, callback_url: receiver.url },
			});
			await waitFor(() => (receiver.received.length ? true : undefined));
			expect(receiver.received[0].headers['runflow-signature']).toBeUndefined();
			expect(receiver.received[0].headers['runflow-request-id']).toEqual(expect.any(String));
		} finally {
			await receiver.close();
			await unsigned.close();
		}
	});
});

describe('Runflow asset uploads', () => {
	it('creates an upload, takes the PUT without auth, confirms to a usable URL', async () => {
		const bytes = await testImage(40, 30, 'jpeg');
		const created = await call('POST', `${emu.runflowUrl}/v1/asset-uploads`, {
			headers: auth,
			json: { filename: 'in.jpg', mime_type: 'image/jpeg', size_bytes: bytes.length },
		});
		expect(created.status).toBe(201);
		const { asset_id, upload_url } = created.json;
		const confirmUrl = `${emu.runflowUrl}/v1/asset-uploads/${asset_id}/confirmations`;
		expect((await call('POST', confirmUrl, { headers: auth })).json.code).toBe('CONFLICT');
		expect((await call('PUT', upload_url, { headers: { 'content-type': 'image/jpeg' }, body: bytes })).status).toBe(200);
		const confirmed = await call('POST', confirmUrl, { headers: auth });
		expect(confirmed).toMatchObject({ status: 200, json: { id: asset_id, url: expect.stringContaining(emu.filesUrl) } });
		expect((await call('GET', confirmed.json.url)).body.equals(bytes)).toBe(true);
		const run = await untilTerminal((await create({ input: { image_url: confirmed.json.url } })).json.id);
		expect(run.output.outputs[0]).toMatchObject({ width: 40, height: 30 });
		expect(emu.requests.find((r) => r.route === 'files.put')?.authorization).toBe(false);
	});

	it('validates the upload request', async () => {
		const response = await call('POST', `${emu.runflowUrl}/v1/asset-uploads`, { headers: auth, json: { filename: 'big.png', size_bytes: 60 * 1024 * 1024 } });
		expect(response.status).toBe(422);
		expect(response.json.errors.map((e: any) => e.field).sort()).toEqual(['mime_type', 'size_bytes']);
		expect((await call('POST', `${emu.runflowUrl}/v1/asset-uploads`, { json: {} })).status).toBe(401);
	});
});
