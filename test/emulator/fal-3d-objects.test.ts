/**
 * `fal-ai/sam-3/3d-objects` on the emulator: input checked against @fal-ai/client's SAM3DObjectInput (422 detail
 * list like fal's), the answer shaped as SAM3DObjectOutput, its files valid GLB / PLY / ZIP sized from the object
 * found in the photo, served through the same queue, sync host, faults and webhooks as the image endpoints.
 */
import { createFalClient } from '@fal-ai/client';
import sharp from 'sharp';

import { call, falAuth, startReceiver, waitFor } from '../support/http';
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { readGlb, readPly, readZip } from './formats';

let emu: Emulator;
let auth: Record<string, string>;
let photoUrl: string;
let twoUrl: string;
let photo: Buffer;

/** A product photo: a 200×150 white backdrop, a red box at x 40–100, y 20–110 (and a blue one at 130–180, 50–90). */
async function productPhoto(second: boolean): Promise<Buffer> {
	const rgb = Buffer.alloc(200 * 150 * 3, 250);
	const paint = (x0: number, y0: number, x1: number, y1: number, color: number[]) => {
		for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) rgb.set(color, (y * 200 + x) * 3);
	};
	paint(40, 20, 100, 110, [200, 30, 30]);
	if (second) paint(130, 50, 180, 90, [30, 30, 200]);
	return await sharp(rgb, { raw: { width: 200, height: 150, channels: 3 } }).png().toBuffer();
}

beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 20, queueMs: 10, dispatchMs: 5 }, callbackBackoffMs: [10] });
	auth = falAuth(emu.keys.fal);
	photo = await productPhoto(false);
	photoUrl = emu.hostImage(photo, 'image/png', 'sneaker.png');
	twoUrl = emu.hostImage(await productPhoto(true), 'image/png', 'two.png');
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

const ENDPOINT = 'fal-ai/sam-3/3d-objects';

async function sync(input: unknown) {
	return await call('POST', `${emu.falRunUrl}/${ENDPOINT}`, { headers: auth, json: input });
}
const download = async (file: { url: string }) => (await call('GET', file.url)).body;

describe('fal-ai/sam-3/3d-objects', () => {
	it('answers SAM3DObjectOutput: a GLB box sized from the object, a splat PLY, metadata and the artifacts zip', async () => {
		const response = await sync({ image_url: photoUrl, prompt: 'sneaker' });
		expect(response.status).toBe(200);
		const output = response.json;
		expect(Object.keys(output).sort()).toEqual(['artifacts_zip', 'gaussian_splat', 'metadata', 'model_glb']);
		// One object: no per-object files ("only for multi-object scenes").
		expect(output.individual_glbs).toBeUndefined();
		expect(output.model_glb).toMatchObject({ content_type: 'model/gltf-binary', file_name: 'model.glb', file_size: expect.any(Number) });
		const glbBytes = await download(output.model_glb);
		expect(glbBytes.length).toBe(output.model_glb.file_size);
		const { gltf, accessor } = readGlb(glbBytes);
		expect(gltf.meshes).toHaveLength(1);
		const position = gltf.accessors[gltf.meshes[0].primitives[0].attributes.POSITION];
		// The red box is 60 × 90 px: the model keeps its aspect (width : height = 2 : 3), depth the smaller side.
		const [w, h, d] = position.max!.map((v) => v * 2);
		expect(w / h).toBeCloseTo(60 / 90, 3);
		expect(d).toBeCloseTo(w, 5);
		expect(accessor(gltf.meshes[0].primitives[0].attributes.COLOR_0).slice(0, 3).map((c) => Math.round(c * 255))).toEqual([200, 30, 30]);

		const [meta] = output.metadata;
		expect(meta).toEqual({ object_index: 0, scale: [[expect.any(Number), expect.any(Number), expect.any(Number)]], rotation: [[0, 0, 0, 1]], translation: [[expect.any(Number), expect.any(Number), expect.any(Number)]], camera_pose: expect.any(Array) });
		expect(gltf.nodes[0].translation).toEqual(meta.translation[0]);
		// Left of centre and above it in the photo: negative x, positive y (glTF is y-up), in front of the camera.
		expect(meta.translation[0][0]).toBeLessThan(0);
		expect(meta.translation[0][1]).toBeGreaterThan(0);
		expect(meta.translation[0][2]).toBeLessThan(0);

		const splat = readPly(await download(output.gaussian_splat));
		expect(splat.names).toEqual(['x', 'y', 'z', 'f_dc_0', 'f_dc_1', 'f_dc_2', 'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3']);
		expect(splat.count).toBeGreaterThan(100);
		// Every Gaussian lies within the box the GLB has (both in scene space), coloured from the photo (red: f_dc_0 > 0 > f_dc_2).
		const [tx, ty, tz] = meta.translation[0];
		for (const v of splat.vertices) {
			expect(Math.abs(v.x - tx)).toBeLessThanOrEqual(position.max![0] + 1e-4);
			expect(Math.abs(v.y - ty)).toBeLessThanOrEqual(position.max![1] + 1e-4);
			expect(Math.abs(v.z - tz)).toBeLessThanOrEqual(position.max![2] + 1e-4);
		}
		expect(splat.vertices.filter((v) => v.f_dc_0 > 0 && v.f_dc_2 < 0).length).toBeGreaterThan(splat.count * 0.9);

		const zip = readZip(await download(output.artifacts_zip));
		expect([...zip.keys()]).toEqual(['model.glb', 'gaussian_splat.ply', 'metadata.json']);
		expect(zip.get('model.glb')!.equals(glbBytes)).toBe(true);
		expect(JSON.parse(zip.get('metadata.json')!.toString())).toEqual(output.metadata);
	});

	it('two objects: a combined scene plus one GLB and one splat per object, in the metadata order', async () => {
		const output = (await sync({ image_url: twoUrl, prompt: 'product' })).json;
		expect(output.metadata.map((m: { object_index: number }) => m.object_index)).toEqual([0, 1]);
		expect(output.individual_glbs).toHaveLength(2);
		expect(output.individual_splats).toHaveLength(2);
		const scene = readGlb(await download(output.model_glb)).gltf;
		expect(scene.nodes.map((n) => n.translation)).toEqual(output.metadata.map((m: { translation: number[][] }) => m.translation[0]));
		for (const [index, file] of (output.individual_glbs as Array<{ url: string; file_name: string }>).entries()) {
			expect(file.file_name).toBe(`object_${index}.glb`);
			const single = readGlb(await download(file)).gltf;
			// A per-object model is the object alone, unit-sized; the scene's copy is scaled by the metadata's scale.
			const unit = single.accessors[single.meshes[0].primitives[0].attributes.POSITION].max!;
			const placed = scene.accessors[scene.meshes[index].primitives[0].attributes.POSITION].max!;
			expect(Math.max(...unit) * 2).toBeCloseTo(1, 5);
			expect(placed[0]).toBeCloseTo(unit[0] * output.metadata[index].scale[0][0], 4);
		}
		for (const file of output.individual_splats) expect(readPly(await download(file)).count).toBeGreaterThan(100);
		const zip = readZip(await download(output.artifacts_zip));
		expect([...zip.keys()].sort()).toEqual(['gaussian_splat.ply', 'metadata.json', 'model.glb', 'object_0.glb', 'object_0.ply', 'object_1.glb', 'object_1.ply']);
	});

	it('mask_urls: one object per mask, sized from its white pixels', async () => {
		const mask = Buffer.alloc(200 * 150);
		for (let y = 10; y < 50; y++) mask.fill(255, y * 200 + 120, y * 200 + 200);
		const maskUrl = emu.hostImage(await sharp(mask, { raw: { width: 200, height: 150, channels: 1 } }).png().toBuffer(), 'image/png', 'mask.png');
		const output = (await sync({ image_url: photoUrl, mask_urls: [maskUrl] })).json;
		const { gltf } = readGlb(await download(output.model_glb));
		const [w, h] = gltf.accessors[gltf.meshes[0].primitives[0].attributes.POSITION].max!;
		expect(w / h).toBeCloseTo(80 / 40, 3);
	});

	it('box prompts: each box one object; the deterministic answer is the same for the same input', async () => {
		const input = { image_url: photoUrl, box_prompts: [{ x_min: 0, y_min: 0, x_max: 50, y_max: 50 }, { x_min: 100, y_min: 100, x_max: 200, y_max: 150 }] };
		const first = (await sync(input)).json;
		const again = (await sync(input)).json;
		expect(first.metadata).toHaveLength(2);
		expect(again.metadata).toEqual(first.metadata);
		expect((await download(again.gaussian_splat)).equals(await download(first.gaussian_splat))).toBe(true);
		const seeded = (await sync({ ...input, seed: 7 })).json;
		expect((await download(seeded.gaussian_splat)).equals(await download(first.gaussian_splat))).toBe(false);
	});

	it('export_textured_glb: a baked PNG texture and UVs instead of vertex colours', async () => {
		const output = (await sync({ image_url: photoUrl, prompt: 'sneaker', export_textured_glb: true })).json;
		const { gltf, image } = readGlb(await download(output.model_glb));
		const attributes = gltf.meshes[0].primitives[0].attributes;
		expect(Object.keys(attributes).sort()).toEqual(['NORMAL', 'POSITION', 'TEXCOORD_0']);
		expect(gltf.materials![0].pbrMetallicRoughness.baseColorTexture).toEqual({ index: 0 });
		const texture = await sharp(image(0)).stats();
		expect(Math.round(texture.channels[0].mean)).toBe(200); // the crop of the red object
	});

	it('refuses like fal: 422 with one detail entry per invalid field, under body', async () => {
		const response = await sync({
			prompt: 5,
			detection_threshold: 0.05,
			seed: 1.5,
			export_textured_glb: 'yes',
			box_prompts: [{ x_min: 1.5 }],
			point_prompts: [{ x: 1, y: 2, label: 2 }],
			mask_urls: 'one',
		});
		expect(response.status).toBe(422);
		const byField = Object.fromEntries(response.json.detail.map((d: { loc: unknown[]; type: string }) => [d.loc.slice(1).join('.'), d.type]));
		expect(byField).toEqual({
			image_url: 'missing',
			prompt: 'string_type',
			detection_threshold: 'greater_than_equal',
			seed: 'int_from_float',
			export_textured_glb: 'bool_type',
			'box_prompts.0.x_min': 'int_from_float',
			'point_prompts.0.label': 'literal_error',
			mask_urls: 'list_type',
		});
		expect((await sync({ image_url: photoUrl, detection_threshold: 1.01 })).json.detail[0]).toMatchObject({ loc: ['body', 'detection_threshold'], type: 'less_than_equal', ctx: { le: 1 } });
	});

	it('accepts what fal\'s client types allow: label "1", null where the schema says so; unknown keys ignored', async () => {
		const response = await sync({ image_url: photoUrl, prompt: null, seed: null, detection_threshold: null, point_prompts: [{ x: 70, y: 70, label: '1' }], unknown_field: true });
		expect(response.status).toBe(200);
		expect(response.json.metadata).toHaveLength(1);
	});

	it('an unreadable image, mask or pointmap fails the job with a 422 naming the field', async () => {
		const junk = emu.hostImage(Buffer.from('not an image'), 'image/png', 'junk.png');
		expect((await sync({ image_url: junk })).json.detail[0]).toMatchObject({ loc: ['body', 'image_url'], type: 'image_load_error' });
		expect((await sync({ image_url: photoUrl, mask_urls: [photoUrl, junk] })).json.detail[0]).toMatchObject({ loc: ['body', 'mask_urls', 1], type: 'image_load_error' });
		expect((await sync({ image_url: photoUrl, pointmap_url: junk })).json.detail[0]).toMatchObject({ loc: ['body', 'pointmap_url'], type: 'value_error' });
		const npy = emu.hostImage(Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY\x01\x00')]), 'application/octet-stream', 'depth.npy');
		expect((await sync({ image_url: photoUrl, pointmap_url: npy })).status).toBe(200);
	});

	it('queues under fal-ai/sam-3, streams status, delivers a webhook, and the queue result is the output', async () => {
		const hook = await startReceiver();
		try {
			const submitted = await call('POST', `${emu.falQueueUrl}/${ENDPOINT}?fal_webhook=${encodeURIComponent(hook.url)}`, { headers: auth, json: { image_url: photoUrl } });
			expect(submitted.json.status_url).toBe(`${emu.falQueueUrl}/fal-ai/sam-3/requests/${submitted.json.request_id}/status`);
			const stream = await call('GET', `${submitted.json.status_url}/stream`, { headers: auth });
			expect(stream.text).toContain('"status":"COMPLETED"');
			const result = await call('GET', submitted.json.response_url, { headers: auth });
			expect(result.status).toBe(200);
			readGlb(await download(result.json.model_glb));
			await emu.settleDeliveries();
			expect(hook.received).toHaveLength(1);
			expect(JSON.parse(hook.received[0].body)).toMatchObject({ status: 'OK', request_id: submitted.json.request_id, payload: { model_glb: result.json.model_glb } });
		} finally {
			await hook.close();
		}
	});

	it('the official @fal-ai/client subscribes with its own types: a Blob image is uploaded, the typed output parses', async () => {
		const hosts: Record<string, string> = { 'https://fal.run': emu.falRunUrl, 'https://queue.fal.run': emu.falQueueUrl, 'https://rest.fal.ai': emu.falRestUrl };
		const fal = createFalClient({
			credentials: emu.keys.fal,
			requestMiddleware: async (request) => {
				const origin = new URL(request.url).origin;
				return { ...request, url: hosts[origin] + request.url.slice(origin.length) };
			},
		});
		// Typed by fal's endpoint map: SAM3DObjectInput in, SAM3DObjectOutput out (tsc checks both).
		const result = await fal.subscribe('fal-ai/sam-3/3d-objects', { input: { image_url: new Blob([photo], { type: 'image/png' }), prompt: 'sneaker', seed: 3 }, pollInterval: 10 });
		const output = result.data;
		expect(readGlb(await download(output.model_glb!)).gltf.meshes).toHaveLength(1);
		expect(readPly(await download(output.gaussian_splat)).count).toBeGreaterThan(100);
		expect(output.metadata[0].object_index).toBe(0);
		expect(emu.requests.map((r) => r.route)).toEqual(expect.arrayContaining(['fal.upload.initiate', 'files.put', 'fal.submit', 'fal.result']));
	});

	it('the fault machinery applies: a 503 on submit, a failed job, a cancel, a stalled file download', async () => {
		emu.faults.add({ route: 'fal.submit', fault: { kind: 'status', status: 503 } });
		const refused = await call('POST', `${emu.falQueueUrl}/${ENDPOINT}`, { headers: auth, json: { image_url: photoUrl } });
		expect(refused).toMatchObject({ status: 503, headers: { 'x-fal-error-type': 'runner_scheduling_failure' } });

		emu.jobs.script({ times: 1, outcome: { type: 'fail', status: 500, message: 'CUDA out of memory' } });
		const failed = await sync({ image_url: photoUrl });
		expect(failed).toMatchObject({ status: 500, json: { detail: 'CUDA out of memory' } });

		emu.jobs.script({ times: 1, latencyMs: 60_000 });
		const slow = await call('POST', `${emu.falQueueUrl}/${ENDPOINT}`, { headers: auth, json: { image_url: photoUrl } });
		expect((await call('PUT', slow.json.cancel_url, { headers: auth })).status).toBe(202);
		await waitFor(async () => (emu.stats().jobs.fal.cancelled === 1 ? true : undefined));

		const output = (await sync({ image_url: photoUrl })).json;
		emu.faults.add({ route: 'files.get', fault: { kind: 'slowBody', dribbleMs: 1 } });
		const dribbled = await download(output.gaussian_splat);
		expect(readPly(dribbled).count).toBeGreaterThan(100);
		expect(emu.requests.filter((r) => r.route === 'files.get').at(-1)?.fault).toBe('slowBody');
	});
});
