/**
 * Reconstruct 3D Object through the real engine against the emulator: a product photo (or the masks of a Segment
 * Image item) in, GLB and splat files named after the photo out, with each object's pose and the job's estimated
 * cost; only what the user set is sent; Wait for Result off works as for images. What happens when things go wrong
 * (Runflow, Max Wait, files that are not what they claim or too large, Max Spend): test/reliability/tracks-and-3d.test.ts.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { MiB } from '../../nodes/Sam3/limits';
import { runAsAgentTool } from '../../tools/rig';
import { credentialsFor, runSam3 } from './fixture';
import { binaryNames, onlySubmit, useEmulator } from './harness';

const emulator = useEmulator();

/** A product photo: a white backdrop, a red box at x 40–100, y 20–110, and (two) a blue one at 130–180, 50–90. */
async function productPhoto(two = false): Promise<Buffer> {
	const rgb = Buffer.alloc(200 * 150 * 3, 250);
	const paint = (x0: number, y0: number, x1: number, y1: number, color: number[]) => {
		for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) rgb.set(color, (y * 200 + x) * 3);
	};
	paint(40, 20, 100, 110, [200, 30, 30]);
	if (two) paint(130, 50, 180, 90, [30, 30, 200]);
	return await sharp(rgb, { raw: { width: 200, height: 150, channels: 3 } }).png().toBuffer();
}

const photoUrl = async (two = false) => emulator().hostImage(await productPhoto(two), 'image/png', 'sneaker-101.png');

/** A new node's panel (node version 2): the operation's options and the job's in one Options collection. */
const CURRENT = { typeVersion: 2 };

async function reconstruct(parameters: INodeParameters, run: { provider?: 'falApi' | 'runflowApi'; continueOnFail?: boolean } = {}) {
	return await runSam3(emulator(), { ...CURRENT, provider: run.provider, continueOnFail: run.continueOnFail, parameters: { operation: 'reconstruct3dObject', ...parameters } });
}

describe('Reconstruct 3D Object', () => {
	it('turns a product photo into a GLB and a splat named after it, with the object\'s pose and cost', async () => {
		const imageUrl = await photoUrl();
		const result = await reconstruct({ imageUrl, prompt: 'sneaker' });
		expect(result.error).toBeUndefined();
		expect(onlySubmit(emulator()).url).toBe('/fal-queue/fal-ai/sam-3/3d-objects');
		expect(onlySubmit(emulator()).body).toEqual({ image_url: imageUrl, prompt: 'sneaker' });

		const [item] = result.items;
		expect(binaryNames(item)).toEqual(['model', 'splat']);
		expect(item.binary!.model).toMatchObject({ fileName: 'sneaker-101-model.glb', mimeType: 'model/gltf-binary' });
		expect(item.binary!.splat).toMatchObject({ fileName: 'sneaker-101-splat.ply', mimeType: 'application/x-ply' });
		const glb = await result.readBinary(item, 'model');
		expect(glb.toString('latin1', 0, 4)).toBe('glTF');
		expect((await result.readBinary(item, 'splat')).toString('latin1', 0, 3)).toBe('ply');

		const { json } = item;
		const [job] = emulator().jobs.list();
		expect(json).toMatchObject({ provider: 'fal.ai', requestId: job.id, status: 'COMPLETED', model: 'fal-ai/sam-3/3d-objects', objectCount: 1 });
		expect(json.glb).toMatchObject({ binaryProperty: 'model', url: expect.stringMatching(/^http/), fileName: 'sneaker-101-model.glb', fileSize: glb.length });
		// The artifacts zip is not downloaded by default; its URL is there.
		expect(json.artifacts).toEqual(expect.objectContaining({ url: expect.stringMatching(/^http/) }));
		expect((json.artifacts as IDataObject).binaryProperty).toBeUndefined();
		const [object] = json.objects as IDataObject[];
		expect(object).toEqual({ index: 0, scale: [expect.any(Number), expect.any(Number), expect.any(Number)], rotation: [0, 0, 0, 1], translation: expect.any(Array), cameraPose: expect.any(Array) });
		expect(json.cost).toEqual({ estimatedUsd: 0.02, basis: expect.stringContaining('$0.02 per unit'), estimate: true });
	});

	it('reconstructs each object from the masks of a Segment Image item: one GLB and splat per object', async () => {
		const imageUrl = await photoUrl(true);
		const segmented = await runSam3(emulator(), { parameters: { imageUrl, prompt: 'product', modelOptions: { returnMultipleMasks: true } } });
		const masks = (segmented.items[0].json.masks as IDataObject[]).map((mask) => mask.url as string);
		expect(masks).toHaveLength(2);
		emulator().requests.length = 0;

		// Mapped as example 9 does: an expression over the Segment Image item's masks.
		const result = await runSam3(emulator(), {
			...CURRENT,
			items: [{ json: segmented.items[0].json }],
			parameters: { operation: 'reconstruct3dObject', imageUrl, options: { maskUrls: '={{ $json.masks.map(mask => mask.url) }}', download: ['glb', 'splat', 'zip'] } },
		});
		expect(result.error).toBeUndefined();
		expect(onlySubmit(emulator()).body).toEqual({ image_url: imageUrl, mask_urls: masks });
		const [item] = result.items;
		expect(binaryNames(item)).toEqual(['artifacts', 'model', 'object_0', 'object_0_splat', 'object_1', 'object_1_splat', 'splat']);
		expect(item.binary!.object_1.fileName).toBe('sneaker-101-object-1.glb');
		expect(item.binary!.artifacts).toMatchObject({ fileName: 'sneaker-101-artifacts.zip', mimeType: 'application/zip' });
		expect(item.json.objectCount).toBe(2);
		expect((item.json.objects as IDataObject[]).map((o) => (o.glb as IDataObject).binaryProperty)).toEqual(['object_0', 'object_1']);
		// Two objects: two units.
		expect(item.json.cost).toMatchObject({ estimatedUsd: 0.04, basis: expect.stringContaining('2 units') });
	});

	it('fileSize is the bytes stored, counted as they stream in, whatever size fal declares', async () => {
		// After the photo the emulator fetches itself: each file fal answers is 2 MiB, chunked (its own bytes, then zeros).
		emulator().faults.add({ route: 'files.get', times: 'always', after: 1, fault: { kind: 'hugeFile', bytes: 2 * MiB } });
		const result = await reconstruct({ imageUrl: await photoUrl(), prompt: 'sneaker' });
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		for (const [field, binaryProperty] of [['glb', 'model'], ['splat', 'splat']]) {
			const stored = await result.readBinary(item, binaryProperty);
			expect(stored.length).toBe(2 * MiB);
			expect((item.json[field] as IDataObject).fileSize).toBe(stored.length);
		}
	});

	it('fileSize is a number of bytes also when fal declares none; a file not downloaded has the size fal declares', async () => {
		emulator().jobs.script({
			resultBody: (body: IDataObject) => ({
				...body,
				model_glb: { ...(body.model_glb as IDataObject), file_size: undefined },
				artifacts_zip: { ...(body.artifacts_zip as IDataObject), file_size: 4321 },
			}),
		});
		const result = await reconstruct({ imageUrl: await photoUrl(), prompt: 'sneaker' });
		expect(result.error).toBeUndefined();
		const { json } = result.items[0];
		expect((json.glb as IDataObject).fileSize).toBe((await result.readBinary(result.items[0], 'model')).length);
		// The artifacts zip is not downloaded by default.
		expect(json.artifacts).toMatchObject({ fileSize: 4321 });
		expect((json.artifacts as IDataObject).binaryProperty).toBeUndefined();
	});

	it('sends every option as fal names it, and stores only the GLBs when asked', async () => {
		const imageUrl = await photoUrl();
		const result = await reconstruct({
			imageUrl,
			prompt: 'sneaker',
			options: { seed: 42, detectionThreshold: '0.3', texturedGlb: true, boxPrompts: '[{"x_min": 40, "y_min": 20, "x_max": 100, "y_max": 110}]', download: ['glb'] },
		});
		expect(result.error).toBeUndefined();
		expect(onlySubmit(emulator()).body).toEqual({
			image_url: imageUrl,
			prompt: 'sneaker',
			box_prompts: [{ x_min: 40, y_min: 20, x_max: 100, y_max: 110 }],
			seed: 42,
			detection_threshold: 0.3,
			export_textured_glb: true,
		});
		// GLBs only (the scene's, and each object's when the prompt and the box found more than one); splats by URL.
		const { binary, json } = result.items[0];
		expect(binaryNames(result.items[0])).toContain('model');
		for (const file of Object.values(binary!)) expect(file.mimeType).toBe('model/gltf-binary');
		expect((json.splat as IDataObject).url).toMatch(/^http/);
	});

	it('takes the photo as a binary file', async () => {
		const data = await productPhoto();
		const result = await runSam3(emulator(), {
			...CURRENT,
			items: [{ json: { sku: 'S-101' }, binary: { data: { data, mimeType: 'image/png', fileName: 'sneaker-7.png' } } }],
			parameters: { operation: 'reconstruct3dObject', imageSource: 'binary', prompt: 'sneaker' },
		});
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(item.json.sku).toBe('S-101');
		expect(item.binary!.model.fileName).toBe('sneaker-7-model.glb');
		expect(binaryNames(item)).toEqual(['data', 'model', 'splat']);
	});

	it('names the field of bad input and sends nothing', async () => {
		const imageUrl = await photoUrl();
		const none = await reconstruct({ imageUrl }, { continueOnFail: true });
		expect(none.errorItems[0].json.error).toMatchObject({ field: 'Text Prompt', message: expect.stringMatching(/No object to reconstruct in item 0/) });
		// Each option named as the panel shows it: under Options.
		const low = await reconstruct({ imageUrl, prompt: 'x', options: { detectionThreshold: 0.05 } }, { continueOnFail: true });
		expect(low.errorItems[0].json.error).toMatchObject({ message: expect.stringMatching(/^Options > Detection Threshold .* between 0\.1 and 1/) });
		const json = await reconstruct({ imageUrl, options: { pointPrompts: '[{"x": 1}' } }, { continueOnFail: true });
		expect(json.errorItems[0].json.error).toMatchObject({ field: 'Options > Point Prompts (JSON)' });
		const seed = await reconstruct({ imageUrl, prompt: 'x', options: { seed: -1 } }, { continueOnFail: true });
		expect(seed.errorItems[0].json.error).toMatchObject({ message: expect.stringMatching(/^Options > Seed \(seed\) in item 0 is not valid: must be 0 or more/) });
		const masks = await reconstruct({ imageUrl, options: { maskUrls: 'not-a-url' } }, { continueOnFail: true });
		expect(masks.errorItems[0].json.error).toMatchObject({ field: expect.stringMatching(/^Options > Object Mask URLs/) });
		expect(emulator().requests.filter((entry) => entry.route !== null && entry.route !== 'files.get')).toEqual([]);
	});

	it('Wait for Result off: the job\'s id and links, under fal-ai/sam-3', async () => {
		const result = await reconstruct({ imageUrl: await photoUrl(), prompt: 'sneaker', options: { waitForResult: false } });
		const { json } = result.items[0];
		expect(json.statusUrl).toBe(`${emulator().falQueueUrl}/fal-ai/sam-3/requests/${String(json.requestId)}/status`);
	});

	it('answers an AI Agent with the model URLs and the cost, no files', async () => {
		const imageUrl = await photoUrl();
		const { calls } = await runAsAgentTool({
			node: Sam3,
			packageName: 'n8n-nodes-sam3',
			nodeName: 'SAM 3',
			credentials: credentialsFor(emulator()),
			calls: [{ imageUrl, prompt: 'sneaker' }],
			parameters: {
				authentication: 'falApi',
				operation: 'reconstruct3dObject',
				imageUrl: "={{ $fromAI('imageUrl', 'Public URL of the photo', 'string') }}",
				prompt: "={{ $fromAI('prompt', 'What to reconstruct', 'string') }}",
			},
		});
		const observation = calls[0].observation as string;
		expect(observation.length).toBeLessThan(2_000);
		const [answer] = JSON.parse(observation);
		expect(answer).toEqual({
			provider: 'fal.ai',
			requestId: expect.any(String),
			status: 'COMPLETED',
			model: 'fal-ai/sam-3/3d-objects',
			objectCount: 1,
			glbUrl: expect.stringMatching(/^http/),
			splatUrl: expect.stringMatching(/^http/),
			artifactsUrl: expect.stringMatching(/^http/),
			estimatedCostUsd: 0.02,
		});
	});
});
