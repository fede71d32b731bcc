/**
 * The output JSON a workflow maps from is the same whichever provider (or fal mode) ran the job: the same keys,
 * the same mask entries, pixel boxes that match the mask files; provider extras (Runflow's cost) on top.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { PROVIDER_LABEL } from '../../tools/emulator/providers';
import { type Provider, runSam3, solidImage } from './fixture';
import { entries, hostImage, maskGeometry, useEmulator } from './harness';

const emulator = useEmulator();

const WIDTH = 240;
const HEIGHT = 160;
const BOX = { xMin: 40, yMin: 30, xMax: 150, yMax: 110 };

const VARIANTS: Array<[string, Provider, INodeParameters]> = [
	['fal.ai queue', 'falApi', {}],
	['fal.ai sync', 'falApi', { falMode: 'sync' }],
	['Runflow', 'runflowApi', {}],
];

/** A value's structure: key names and value types, recursively (what a mapping expression depends on). */
function shapeOf(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(shapeOf);
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shapeOf(v)]));
	}
	return typeof value;
}

async function segment(provider: Provider, parameters: INodeParameters) {
	const imageUrl = hostImage(emulator(), await solidImage(WIDTH, HEIGHT, 'png'));
	const result = await runSam3(emulator(), {
		provider,
		parameters: { imageUrl, boxPrompts: { boxes: [BOX] }, modelOptions: { includeScores: true, includeBoxes: true }, ...parameters },
	});
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(1);
	return { result, item: result.items[0], json: result.items[0].json };
}

describe.each(VARIANTS)('result JSON (%s)', (_name, provider, parameters) => {
	it('describes each mask with score, normalized box, pixel box, file and size', async () => {
		const { result, item, json } = await segment(provider, parameters);
		const [job] = emulator().jobs.list();
		expect(json).toMatchObject({ provider: PROVIDER_LABEL[provider], requestId: job.id, status: 'COMPLETED', maskCount: 1 });
		const [mask] = json.masks as IDataObject[];
		expect(mask).toEqual({
			index: 0,
			score: expect.any(Number),
			box: { cx: expect.any(Number), cy: expect.any(Number), w: expect.any(Number), h: expect.any(Number) },
			pixelBox: { xMin: expect.any(Number), yMin: expect.any(Number), xMax: expect.any(Number), yMax: expect.any(Number) },
			// An image URL's size comes from its masks (drawn at the input's size): the crop is there as for a file.
			crop: { x: expect.any(Number), y: expect.any(Number), width: expect.any(Number), height: expect.any(Number) },
			binaryProperty: 'mask_0',
			url: expect.stringMatching(new RegExp(`^${emulator().filesUrl}/`)),
			mimeType: 'image/png',
			fileName: expect.stringMatching(/\.png$/),
			width: WIDTH,
			height: HEIGHT,
		});
		expect(mask.score).toBeGreaterThan(0);
		expect(mask.score).toBeLessThanOrEqual(1);

		// The emulator draws the object inside the box prompt: the pixel box is that mask's white area.
		const { white } = await maskGeometry(await result.readBinary(item, 'mask_0'));
		expect(mask.pixelBox).toEqual({ xMin: white!.x0, yMin: white!.y0, xMax: white!.x1, yMax: white!.y1 });
		const pixelBox = mask.pixelBox as Record<string, number>;
		for (const [key, value] of Object.entries(BOX)) expect(Math.abs(pixelBox[key] - value)).toBeLessThanOrEqual(2);
		const box = mask.box as Record<string, number>;
		expect(box.cx).toBeCloseTo((BOX.xMin + BOX.xMax) / 2 / WIDTH, 1);
		expect(box.cy).toBeCloseTo((BOX.yMin + BOX.yMax) / 2 / HEIGHT, 1);
		expect(box.w).toBeCloseTo((BOX.xMax - BOX.xMin) / WIDTH, 1);
		expect(box.h).toBeCloseTo((BOX.yMax - BOX.yMin) / HEIGHT, 1);

		expect(json.image).toEqual({
			binaryProperty: 'image',
			url: expect.stringMatching(new RegExp(`^${emulator().filesUrl}/`)),
			mimeType: 'image/png',
			fileName: expect.stringMatching(/\.png$/),
			width: WIDTH,
			height: HEIGHT,
		});
		expect((json.timing as IDataObject).totalMs).toEqual(expect.any(Number));
		expect(json.raw).toBeUndefined();
	});

	it('leaves score and boxes out when they were not asked for', async () => {
		const { json } = await segment(provider, { ...parameters, modelOptions: {} });
		const [mask] = json.masks as IDataObject[];
		expect([mask.score, mask.box, mask.pixelBox]).toEqual([undefined, undefined, undefined]);
		expect(mask).toMatchObject({ index: 0, binaryProperty: 'mask_0', width: WIDTH, height: HEIGHT });
	});
});

describe('result JSON across providers', () => {
	it('has the same structure for fal.ai (queue and sync) and Runflow', async () => {
		const shapes = [];
		for (const [, provider, parameters] of VARIANTS) {
			const { json } = await segment(provider, { ...parameters, modelOptions: { includeScores: true, includeBoxes: true, returnMultipleMasks: true } });
			const { cost: _cost, nsfwDetected: _nsfw, timing: _timing, ...common } = json;
			shapes.push(shapeOf(common));
			emulator().reset();
		}
		expect(shapes[1]).toEqual(shapes[0]);
		expect(shapes[2]).toEqual(shapes[0]);
	});

	it('estimates each job\'s cost from the list price, adding the cost Runflow reports', async () => {
		const runflow = await segment('runflowApi', {});
		expect(runflow.json.cost).toEqual({ estimatedUsd: 0.005, reportedUsd: 0.005, basis: expect.stringMatching(/\$0\.005 per request/), estimate: true });
		expect(runflow.json.nsfwDetected).toBe(false);
		emulator().reset();
		const fal = await segment('falApi', {});
		expect(fal.json.cost).toEqual({ estimatedUsd: 0.005, basis: expect.stringContaining('fal-ai/sam-3/image'), estimate: true });
	});

	it('counts the status polls it made in timing.polls', async () => {
		emulator().jobs.script({ latencyMs: 250 });
		const fal = await segment('falApi', {});
		// fal: its status stream (one request) and any polls after it; status requests, whatever the channel.
		const falStatus = entries(emulator(), 'fal.status.stream').length + entries(emulator(), 'fal.status').length;
		expect((fal.json.timing as IDataObject).polls).toBe(falStatus);
		expect(falStatus).toBe(1);
		emulator().reset();
		// Long enough for a second poll even when a round trip is slow (busy machine).
		emulator().jobs.script({ latencyMs: 1_500 });
		const runflow = await segment('runflowApi', {});
		expect((runflow.json.timing as IDataObject).polls).toBe(entries(emulator(), 'runflow.get').length);
		expect((runflow.json.timing as IDataObject).polls).toBeGreaterThan(1);
	});
});

describe('Include Raw Response', () => {
	it('adds fal\'s result body unchanged under raw', async () => {
		const { json } = await segment('falApi', { options: { includeRawResponse: true } });
		const raw = json.raw as IDataObject;
		const masks = json.masks as IDataObject[];
		expect(raw).toEqual({
			masks: [expect.objectContaining({ url: masks[0].url, width: WIDTH, height: HEIGHT, content_type: 'image/png' })],
			metadata: [{ index: 0, score: masks[0].score, box: expect.any(Array) }],
			scores: [masks[0].score],
			boxes: [expect.any(Array)],
			image: expect.objectContaining({ url: (json.image as IDataObject).url }),
		});
	});

	it('adds Runflow\'s run object under raw', async () => {
		const { json } = await segment('runflowApi', { options: { includeRawResponse: true } });
		const raw = json.raw as IDataObject;
		expect(raw).toMatchObject({ id: json.requestId, status_code: 'succeeded', model_id: 'meta/sam-3/image', cost: 0.005 });
		const modelData = (raw.output as IDataObject).model_data as IDataObject;
		expect((modelData.masks as IDataObject[])[0].url).toBe((json.masks as IDataObject[])[0].url);
	});
});
