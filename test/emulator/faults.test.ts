import { request } from 'undici';
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { bearer, call, falAuth } from '../support/http';
import { testImage } from '../support/images';

let emu: Emulator;
let imageUrl: string;
let auth: Record<string, string>;

beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 20, queueMs: 20, dispatchMs: 0 } });
	imageUrl = emu.hostImage(await testImage(64, 64), 'image/png');
	auth = falAuth(emu.keys.fal);
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

async function submit() {
	return (await call('POST', `${emu.falQueueUrl}/fal-ai/sam-3/image`, { headers: auth, json: { image_url: imageUrl } })).json;
}

describe('status faults', () => {
	it('answers the first two status polls 503 with fal error headers, then the real status', async () => {
		const { status_url } = await submit();
		emu.faults.add({ route: 'fal.status', times: 2, fault: { kind: 'status', status: 503 } });
		for (let i = 0; i < 2; i++) {
			const failed = await call('GET', status_url, { headers: auth });
			expect(failed.status).toBe(503);
			expect(failed.json).toEqual({ detail: expect.any(String), error_type: 'runner_scheduling_failure' });
			expect(failed.headers['x-fal-error-type']).toBe('runner_scheduling_failure');
			expect(failed.headers['x-fal-retryable']).toBe('true');
			expect(failed.headers['x-fal-request-id']).toBeDefined();
		}
		expect([200, 202]).toContain((await call('GET', status_url, { headers: auth })).status);
		expect(emu.requests.filter((r) => r.route === 'fal.status').map((r) => r.fault ?? null)).toEqual(['status', 'status', null]);
	});

	it('maps each infrastructure status to its fal error type', async () => {
		const expected: Record<number, string> = { 500: 'internal_error', 502: 'runner_incomplete_response', 504: 'request_timeout' };
		for (const [status, errorType] of Object.entries(expected)) {
			emu.faults.add({ route: 'fal.sync', fault: { kind: 'status', status: Number(status) } });
			const response = await call('POST', `${emu.falRunUrl}/fal-ai/sam-3/image`, { headers: auth, json: { image_url: imageUrl } });
			expect(response.status).toBe(Number(status));
			expect(response.headers['x-fal-error-type']).toBe(errorType);
		}
	});

	it('sends 429 with and without Retry-After', async () => {
		emu.faults.add({ route: 'fal.submit', fault: { kind: 'status', status: 429, retryAfter: 3 } });
		emu.faults.add({ route: 'fal.submit', fault: { kind: 'status', status: 429 } });
		const withHeader = await call('POST', `${emu.falQueueUrl}/fal-ai/sam-3/image`, { headers: auth, json: { image_url: imageUrl } });
		const without = await call('POST', `${emu.falQueueUrl}/fal-ai/sam-3/image`, { headers: auth, json: { image_url: imageUrl } });
		expect([withHeader.status, withHeader.headers['retry-after']]).toEqual([429, '3']);
		expect([without.status, without.headers['retry-after']]).toEqual([429, undefined]);
		expect(emu.stats().jobs.fal.created).toBe(0);
	});

	it('marks a user timeout 504 as not retryable', async () => {
		emu.faults.add({ route: 'fal.result', fault: { kind: 'status', status: 504, timeoutType: 'user' } });
		const { response_url } = await submit();
		const response = await call('GET', response_url, { headers: auth });
		expect(response.headers['x-fal-request-timeout-type']).toBe('user');
		expect(response.headers['x-fal-retryable']).toBe('false');
	});

	it('answers Runflow faults in the Runflow envelope', async () => {
		const runs = `${emu.runflowUrl}/v1/models/meta/sam-3/image/runs`;
		const cases: Array<[number, string]> = [
			[429, 'RATE_LIMITED'],
			[503, 'MODEL_UNAVAILABLE'],
			[402, 'INSUFFICIENT_CREDIT'],
			[403, 'PERMISSION_DENIED'],
		];
		for (const [status, code] of cases) {
			emu.faults.add({ route: 'runflow.create', fault: { kind: 'status', status } });
			const response = await call('POST', runs, { headers: bearer(emu.keys.runflow), json: { input: { image_url: imageUrl } } });
			expect(response).toMatchObject({ status, json: { code, message: expect.any(String), errors: null } });
		}
	});

	it('serves CDN 404s on the file host', async () => {
		// An emulator of its own: a job of an earlier test may still be fetching its image from the shared one's file
		// host (reset() stops timers, not a download under way) and would take the armed fault on a busy machine.
		const own = await startEmulator();
		try {
			const url = own.hostImage(await testImage(8, 8), 'image/png');
			own.faults.add({ route: 'files.get', fault: { kind: 'status', status: 404 } });
			expect((await call('GET', url)).status).toBe(404);
			expect((await call('GET', url)).status).toBe(200);
		} finally {
			await own.close();
		}
	});
});

describe('connection and body faults', () => {
	it('resets the connection before handling (no job) or after handling (job created)', async () => {
		emu.faults.add({ route: 'fal.submit', fault: { kind: 'reset' } });
		await expect(submit()).rejects.toThrow();
		expect(emu.stats().jobs.fal.created).toBe(0);
		emu.faults.add({ route: 'fal.submit', fault: { kind: 'reset', afterHandling: true } });
		await expect(submit()).rejects.toThrow();
		expect(emu.stats().jobs.fal.created).toBe(1);
	});

	it('sends malformed JSON', async () => {
		emu.faults.add({ route: 'fal.submit', fault: { kind: 'malformedJson' } });
		const response = await call('POST', `${emu.falQueueUrl}/fal-ai/sam-3/image`, { headers: auth, json: { image_url: imageUrl } });
		expect(response.status).toBe(200);
		expect(response.headers['content-type']).toContain('application/json');
		expect(() => JSON.parse(response.text)).toThrow();
	});

	it('delays the headers (slow response)', async () => {
		emu.faults.add({ route: 'fal.status', fault: { kind: 'slowResponse', delayMs: 5_000 } });
		const { status_url } = await submit();
		await expect(request(status_url, { headers: auth, headersTimeout: 200 })).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
	});

	it('sends the headers, then stalls the body (CDN stall), or dribbles it', async () => {
		emu.faults.add({ route: 'files.get', fault: { kind: 'slowBody' } });
		const stalled = await request(imageUrl, { bodyTimeout: 200 });
		expect(stalled.statusCode).toBe(200);
		await expect(stalled.body.arrayBuffer()).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });

		emu.faults.add({ route: 'files.get', fault: { kind: 'slowBody', dribbleMs: 1 } });
		const dribbled = await call('GET', imageUrl);
		expect(dribbled.body.equals(await testImage(64, 64))).toBe(true);
	});

	it('never answers a hung request', async () => {
		emu.faults.add({ route: 'runflow.get', fault: { kind: 'hang' } });
		await expect(request(`${emu.runflowUrl}/v1/runs/x`, { headers: bearer(emu.keys.runflow), headersTimeout: 200 })).rejects.toMatchObject({
			code: 'UND_ERR_HEADERS_TIMEOUT',
		});
	});

	it('redirects to a given URL without running the handler', async () => {
		emu.faults.add({ route: 'fal.result', fault: { kind: 'redirect', location: 'http://localhost:1/elsewhere' } });
		const response = await call('GET', `${emu.falQueueUrl}/fal-ai/sam-3/requests/abc`, { headers: auth });
		expect(response.status).toBe(302);
		expect(response.headers.location).toBe('http://localhost:1/elsewhere');
	});
});

describe('fault rules', () => {
	it('lets `after` requests through first and keeps `always` rules armed', async () => {
		emu.faults.add({ route: 'files.get', after: 1, times: 'always', fault: { kind: 'status', status: 500 } });
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await call('GET', imageUrl)).status);
		expect(statuses).toEqual([200, 500, 500]);
		expect(emu.faults.list()[0]).toMatchObject({ hits: 2, remaining: 'always' });
	});

	it('rejects unknown fault kinds', () => {
		expect(() => emu.faults.add({ route: 'fal.sync', fault: { kind: 'explode' } as never })).toThrow(/Unknown fault kind/);
	});
});
