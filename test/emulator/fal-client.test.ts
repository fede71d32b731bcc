/** Proof the emulator speaks fal's protocol: the official @fal-ai/client completes runs against it. */
import { ApiError, createFalClient, ValidationError } from '@fal-ai/client';
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { call } from '../support/http';
import { testImage } from '../support/images';

let emu: Emulator;
let imageUrl: string;

beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 50, queueMs: 50, dispatchMs: 10 } });
	imageUrl = emu.hostImage(await testImage(200, 150), 'image/png');
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

/** The client's own hosts, rewritten to the emulator's prefixes (the documented requestMiddleware hook). */
function client(key = emu.keys.fal) {
	const hosts: Record<string, string> = {
		'https://fal.run': emu.falRunUrl,
		'https://queue.fal.run': emu.falQueueUrl,
		'https://rest.fal.ai': emu.falRestUrl,
	};
	return createFalClient({
		credentials: key,
		requestMiddleware: async (request) => {
			const origin = new URL(request.url).origin;
			if (!hosts[origin]) throw new Error(`unexpected host ${origin}`);
			return { ...request, url: hosts[origin] + request.url.slice(origin.length) };
		},
	});
}

it('fal.run completes a sync run', async () => {
	const result = await client().run('fal-ai/sam-3/image', { input: { image_url: imageUrl, prompt: 'bird', include_scores: true } });
	expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
	const data = result.data as any;
	expect(data.masks[0]).toMatchObject({ width: 200, height: 150, content_type: 'image/png' });
	expect(data.scores).toHaveLength(1);
	expect(emu.requests.map((r) => r.route)).toContain('fal.sync');
});

it('fal.subscribe completes a queue run through submit, status polling and result', async () => {
	const updates: string[] = [];
	const result = await client().subscribe('fal-ai/sam-3/image', {
		input: { image_url: imageUrl, prompt: 'bird', return_multiple_masks: true, max_masks: 2 },
		logs: true,
		pollInterval: 20,
		onQueueUpdate: (update) => updates.push(update.status),
	});
	expect(updates[updates.length - 1]).toBe('COMPLETED');
	expect(updates).toContain('IN_PROGRESS');
	const data = result.data as any;
	expect(data.masks.length).toBeGreaterThanOrEqual(1);
	expect(data.masks.length).toBeLessThanOrEqual(2);
	const routes = emu.requests.map((r) => r.route);
	expect(routes[0]).toBe('fal.submit');
	expect(routes).toContain('fal.status');
	expect(routes[routes.length - 1]).toBe('fal.result');
	// What the client really calls: status under the app id with ?logs=1, priority header on submit.
	expect(emu.requests.find((r) => r.route === 'fal.status')?.url).toMatch(/^\/fal-queue\/fal-ai\/sam-3\/requests\/[^/]+\/status\?logs=1$/);
	expect(emu.requests[0].headers['x-fal-queue-priority']).toBe('normal');
});

it('fal.storage.upload uploads through initiate + presigned PUT, without the key on the file host', async () => {
	const bytes = await testImage(30, 20);
	const url = await client().storage.upload(new Blob([bytes], { type: 'image/png' }));
	expect(url.startsWith(emu.filesUrl)).toBe(true);
	const served = await call('GET', url);
	expect(served.body.equals(bytes)).toBe(true);
	const initiate = emu.requests.find((r) => r.route === 'fal.upload.initiate');
	expect(initiate?.url).toBe('/fal-rest/storage/upload/initiate?storage_type=fal-cdn-v3');
	expect(initiate?.authorization).toBe(true);
	expect(emu.requests.find((r) => r.route === 'files.put')?.authorization).toBe(false);
	// The uploaded file works as an input.
	const result = await client().run('fal-ai/sam-3/image', { input: { image_url: url } });
	expect((result.data as any).masks[0]).toMatchObject({ width: 30, height: 20 });
});

it('surfaces the emulator errors as the client error types', async () => {
	await expect(client('bad:key').run('fal-ai/sam-3/image', { input: { image_url: imageUrl } })).rejects.toMatchObject({ status: 401 });
	const invalid = await client()
		.run('fal-ai/sam-3/image', { input: { image_url: imageUrl, max_masks: 99 } })
		.catch((error: unknown) => error);
	expect(invalid).toBeInstanceOf(ValidationError);
	expect((invalid as ValidationError).getFieldErrors('max_masks')).toHaveLength(1);
	emu.faults.add({ route: 'fal.sync', fault: { kind: 'status', status: 504, timeoutType: 'user' } });
	const timeout = await client()
		.run('fal-ai/sam-3/image', { input: { image_url: imageUrl } })
		.catch((error: unknown) => error);
	expect(timeout).toBeInstanceOf(ApiError);
	expect((timeout as ApiError<unknown>).isUserTimeout).toBe(true);
});
