/**
 * The switches for testing a client's bounds on 3D downloads: big but valid files (outputs-3d: a 60 MB splat), a
 * declared `file_size` over a cap, a streamed download far past any cap (hugeFile fault), and trickling (slowBody).
 */
import sharp from 'sharp';
import { request } from 'undici';

import { call, falAuth } from '../support/http';
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { readGlb, readPly } from './formats';

let emu: Emulator;
let auth: Record<string, string>;
let photoUrl: string;

beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 0, queueMs: 0, dispatchMs: 0 } });
	auth = falAuth(emu.keys.fal);
	const rgb = Buffer.alloc(120 * 90 * 3, 240);
	for (let y = 20; y < 70; y++) for (let x = 30; x < 80; x++) rgb.set([20, 120, 40], (y * 120 + x) * 3);
	photoUrl = emu.hostImage(await sharp(rgb, { raw: { width: 120, height: 90, channels: 3 } }).png().toBuffer(), 'image/png', 'plant.png');
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

const objects = async () => (await call('POST', `${emu.falRunUrl}/fal-ai/sam-3/3d-objects`, { headers: auth, json: { image_url: photoUrl, prompt: 'plant' } })).json;

it('outputs-3d splatBytes / glbBytes: a 60 MB splat and a 12 MB GLB, still valid files, their file_size true', async () => {
	emu.setLarge3dOutputs({ splatBytes: 60_000_000, glbBytes: 12_000_000 });
	const output = await objects();
	expect(output.gaussian_splat.file_size).toBeGreaterThanOrEqual(60_000_000);
	const splat = (await call('GET', output.gaussian_splat.url)).body;
	expect(splat.length).toBe(output.gaussian_splat.file_size);
	expect(readPly(splat, { sample: 1000 }).count).toBeGreaterThan(1_000_000);
	const glb = (await call('GET', output.model_glb.url)).body;
	expect(glb.length).toBeGreaterThanOrEqual(12_000_000);
	expect(readGlb(glb).gltf.meshes).toHaveLength(1);
	emu.reset();
	expect((await objects()).gaussian_splat.file_size).toBeLessThan(100_000);
});

it('outputs-3d declaredFileSize: every File claims that size (over a cap) while the bytes stay small; over HTTP too', async () => {
	const set = await call('PUT', `${emu.controlUrl}/outputs-3d`, { json: { declaredFileSize: 3_000_000_000 } });
	expect(set.status).toBe(200);
	const output = await objects();
	for (const file of [output.model_glb, output.gaussian_splat, output.artifacts_zip]) expect(file.file_size).toBe(3_000_000_000);
	expect((await call('GET', output.model_glb.url)).body.length).toBeLessThan(100_000);
	await call('DELETE', `${emu.controlUrl}/outputs-3d`);
	expect((await objects()).model_glb.file_size).toBeLessThan(100_000);
	expect((await call('PUT', `${emu.controlUrl}/outputs-3d`, { json: { splatBytes: 1e12 } })).json.error).toMatch(/hugeFile/);
	expect((await call('PUT', `${emu.controlUrl}/outputs-3d`, { json: { glbBytes: -1 } })).status).toBe(400);
});

it('hugeFile on files.get: a 2 GB download with its Content-Length up front, streamed until the client hangs up', async () => {
	const output = await objects();
	emu.faults.add({ route: 'files.get', fault: { kind: 'hugeFile', bytes: 2_000_000_000, declareLength: true } });
	const response = await request(output.gaussian_splat.url);
	expect(response.headers['content-length']).toBe('2000000000');
	let read = 0;
	for await (const chunk of response.body) {
		read += (chunk as Buffer).length;
		if (read > 1_000_000) break; // a client's cap: stop reading
	}
	const entry = emu.requests.filter((r) => r.route === 'files.get').at(-1)!;
	expect(entry.fault).toBe('hugeFile');
	// The emulator stopped soon after the client did: nowhere near the 2 GB.
	await new Promise((resolve) => setTimeout(resolve, 50));
	expect(entry.sentBytes!).toBeLessThan(100_000_000);
	expect(() => emu.faults.add({ route: 'fal.result', fault: { kind: 'hugeFile', bytes: 10 } })).toThrow(/files.get/);
});

it('hugeFile without declareLength: chunked, the real file first; slowBody trickles a GLB', async () => {
	const output = await objects();
	const real = (await call('GET', output.model_glb.url)).body;
	emu.faults.add({ route: 'files.get', fault: { kind: 'hugeFile', bytes: real.length + 300_000 } });
	const padded = await call('GET', output.model_glb.url);
	expect(padded.headers['content-length']).toBeUndefined();
	expect(padded.body.length).toBe(real.length + 300_000);
	expect(padded.body.subarray(0, real.length).equals(real)).toBe(true);

	emu.faults.add({ route: 'files.get', fault: { kind: 'slowBody', dribbleMs: 0 } });
	const trickled = await call('GET', output.model_glb.url);
	expect(emu.requests.filter((r) => r.route === 'files.get').at(-1)?.fault).toBe('slowBody');
	expect(trickled.body.equals(real)).toBe(true);
});
