/**
 * The SAM 3 family on fal through the real engine: Model (SAM 3 / SAM 3.1) picks the endpoint, Mask Delivery RLE
 * gives the same PNG files and JSON as URLs (decoded by the node), malformed or oversized RLE is named per item,
 * and Runflow, which has only SAM 3 with URLs, refuses the rest before sending anything.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import { rleFault } from '../../tools/emulator/rle';
import type { BinaryMode } from '../../tools/rig';
import { solidImage } from '../support/images';
import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { falAdapter } from '../../nodes/Sam3/providers/fal';
import { runflowAdapter } from '../../nodes/Sam3/providers/runflow';
import { runSam3 } from './fixture';
import { entries, hostImage, submitEntries, useEmulator } from './harness';

const emulator = useEmulator();

const WIDTH = 200;
const HEIGHT = 120;
const SEVERAL = { prompt: 'car', modelOptions: { returnMultipleMasks: true, maxMasks: 4, includeScores: true, includeBoxes: true } };

const grey = async (png: Buffer) => await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });

/** An input item holding the photo as a file, and the same photo as a URL. */
async function photo() {
	const data = await solidImage(WIDTH, HEIGHT, 'png');
	return {
		url: hostImage(emulator(), data, 'png', 'car.png'),
		items: [{ json: { sku: 'C-1' }, binary: { photo: { data, mimeType: 'image/png', fileName: 'car.png' } } }],
	};
}

describe('Model and Mask Delivery pick the fal endpoint', () => {
	it.each([
		['sam-3', 'urls', 'fal-ai/sam-3/image', 'fal-ai/sam-3'],
		['sam-3', 'rle', 'fal-ai/sam-3/image-rle', 'fal-ai/sam-3'],
		['sam-3-1', 'urls', 'fal-ai/sam-3-1/image', 'fal-ai/sam-3-1'],
		['sam-3-1', 'rle', 'fal-ai/sam-3-1/image-rle', 'fal-ai/sam-3-1'],
	])('%s + %s: submits to %s, waits and fetches under %s', async (model, maskDelivery, endpoint, app) => {
		const { url } = await photo();
		const result = await runSam3(emulator(), { parameters: { imageUrl: url, prompt: 'car', model, maskDelivery } });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.maskCount).toBe(1);
		expect(submitEntries(emulator()).map((entry) => entry.url)).toEqual([`/fal-queue/${endpoint}`]);
		const later = [...entries(emulator(), 'fal.status.stream'), ...entries(emulator(), 'fal.status'), ...entries(emulator(), 'fal.result')];
		expect(later.length).toBeGreaterThan(0);
		for (const entry of later) expect(entry.url.startsWith(`/fal-queue/${app}/requests/`)).toBe(true);
		expect(result.items[0].json.statusUrl).toBeUndefined();
	});

	it('a SAM 3.1 job given up on (Max Wait) is cancelled under its own app, and the cancel takes', async () => {
		const { url } = await photo();
		emulator().jobs.script({ latencyMs: 5_000 });
		const result = await runSam3(emulator(), {
			continueOnFail: true,
			parameters: { imageUrl: url, prompt: 'car', model: 'sam-3-1', maskDelivery: 'rle', options: { maxWaitSeconds: 1 } },
		});
		const [job] = emulator().jobs.list();
		expect(result.items[0].json.error).toMatchObject({ errorType: 'max_wait_exceeded', requestId: job.id });
		expect(entries(emulator(), 'fal.cancel').map((entry) => entry.url)).toEqual([`/fal-queue/fal-ai/sam-3-1/requests/${job.id}/cancel`]);
		expect(job.state).toBe('cancelled');
	});

	it('sync mode posts to fal.run on the chosen endpoint', async () => {
		const { url } = await photo();
		const result = await runSam3(emulator(), { parameters: { imageUrl: url, prompt: 'car', model: 'sam-3-1', maskDelivery: 'rle', falMode: 'sync' } });
		expect(result.error).toBeUndefined();
		expect(submitEntries(emulator()).map((entry) => entry.url)).toEqual(['/fal-run/fal-ai/sam-3-1/image-rle']);
	});

	it('Wait for Result off: the links point under the model’s app', async () => {
		const { url } = await photo();
		const result = await runSam3(emulator(), { parameters: { imageUrl: url, prompt: 'car', model: 'sam-3-1', waitForResult: false } });
		const { json } = result.items[0];
		expect(json.statusUrl).toBe(`${emulator().falQueueUrl}/fal-ai/sam-3-1/requests/${json.requestId}/status`);
	});

	it('a workflow without the new parameters runs SAM 3 with mask URLs, as before', async () => {
		const { url } = await photo();
		await runSam3(emulator(), { parameters: { imageUrl: url, prompt: 'car' } });
		expect(submitEntries(emulator()).map((entry) => entry.url)).toEqual(['/fal-queue/fal-ai/sam-3/image']);
	});

	it('RLE mode does not send the options it has no use for (preview, output format, sync mode)', async () => {
		const { url } = await photo();
		await runSam3(emulator(), {
			parameters: { imageUrl: url, prompt: 'car', maskDelivery: 'rle', modelOptions: { applyMask: true, outputFormat: 'jpeg', syncMode: true, includeScores: true } },
		});
		expect(submitEntries(emulator())[0].body).toEqual({ image_url: url, prompt: 'car', include_scores: true });
	});
});

const withoutUrls = (masks: IDataObject[]) => masks.map(({ url: _url, ...rest }) => rest);

describe.each([
	['image URL', 'default'],
	['binary file', 'default'],
	['binary file', 'filesystem'],
] as Array<[string, BinaryMode]>)('RLE gives what URLs give (%s, %s binary mode)', (source, binaryMode) => {
	async function run(parameters: INodeParameters) {
		const { url, items } = await photo();
		const input: INodeParameters = source === 'image URL' ? { imageUrl: url } : { imageSource: 'binary', binaryPropertyName: 'photo' };
		const result = await runSam3(emulator(), { binaryMode, items, parameters: { ...input, ...SEVERAL, ...parameters } });
		expect(result.error).toBeUndefined();
		return result;
	}

	it('the same PNG mask files, pixel for pixel, under the same names, and the same JSON', async () => {
		// apply_mask off: an RLE answer has no preview to compare with.
		const urls = await run({ modelOptions: { ...SEVERAL.modelOptions, applyMask: false } });
		const rle = await run({ maskDelivery: 'rle' });
		const [urlItem, rleItem] = [urls.items[0], rle.items[0]];
		expect(urlItem.json.maskCount).toBeGreaterThan(1);
		expect(Object.keys(rleItem.binary ?? {}).sort()).toEqual(Object.keys(urlItem.binary ?? {}).sort());
		for (let index = 0; index < (urlItem.json.maskCount as number); index++) {
			const [fromUrl, fromRle] = await Promise.all([grey(await urls.readBinary(urlItem, `mask_${index}`)), grey(await rle.readBinary(rleItem, `mask_${index}`))]);
			expect([fromRle.info.width, fromRle.info.height]).toEqual([WIDTH, HEIGHT]);
			expect(fromRle.data.equals(fromUrl.data)).toBe(true);
			expect(rleItem.binary![`mask_${index}`]).toMatchObject({ mimeType: 'image/png', fileName: `car-mask-${index}.png` });
		}
		// The cost differs only in its basis: each endpoint names itself (image-rle's price is fal's image price, assumed).
		const { masks: urlMasks, requestId: _a, timing: _b, cost: urlCost, ...urlRest } = urlItem.json;
		const { masks: rleMasks, requestId: _c, timing: _d, cost: rleCost, ...rleRest } = rleItem.json;
		expect(rleRest).toEqual(urlRest);
		expect((rleCost as IDataObject).estimatedUsd).toBe((urlCost as IDataObject).estimatedUsd);
		expect(rleMasks).toEqual(withoutUrls(urlMasks as IDataObject[]));
		expect((rleMasks as IDataObject[])[0]).toMatchObject({ crop: expect.any(Object), score: expect.any(Number), width: WIDTH, height: HEIGHT });
	});

	it('split into one item per mask: the same items', async () => {
		const urls = await run({ modelOptions: { ...SEVERAL.modelOptions, applyMask: false }, options: { splitMasks: true } });
		const rle = await run({ maskDelivery: 'rle', options: { splitMasks: true } });
		expect(rle.items.map((item) => (item.json.mask as IDataObject).index)).toEqual(urls.items.map((item) => (item.json.mask as IDataObject).index));
		const last = rle.items.length - 1;
		const [a, b] = await Promise.all([grey(await urls.readBinary(urls.items[last], 'mask')), grey(await rle.readBinary(rle.items[last], 'mask'))]);
		expect(b.data.equals(a.data)).toBe(true);
	});
});

describe('RLE edge cases', () => {
	it('an EXIF-rotated JPEG: masks decoded at the upright size, the same pixels as URL mode', async () => {
		// Stored 200×120 with orientation 6 (a quarter turn): shown, and segmented, as 120×200.
		const data = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#346' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
		const items = [{ json: {}, binary: { photo: { data, mimeType: 'image/jpeg', fileName: 'turned.jpg' } } }];
		const parameters = { imageSource: 'binary', binaryPropertyName: 'photo', boxPrompts: { boxes: [{ xMin: 10, yMin: 20, xMax: 90, yMax: 150 }] } };
		const urls = await runSam3(emulator(), { items, parameters: { ...parameters, modelOptions: { applyMask: false } } });
		const rle = await runSam3(emulator(), { items, parameters: { ...parameters, maskDelivery: 'rle' } });
		const [a, b] = await Promise.all([grey(await urls.readBinary(urls.items[0], 'mask_0')), grey(await rle.readBinary(rle.items[0], 'mask_0'))]);
		expect([b.info.width, b.info.height]).toEqual([HEIGHT, WIDTH]);
		expect(b.data.equals(a.data)).toBe(true);
	});

	it('an answer with no masks: no files, maskCount 0, the input size still stated', async () => {
		const { url } = await photo();
		emulator().jobs.script({ times: 1, resultBody: (body: unknown) => ({ ...(body as IDataObject), rle: [], metadata: [] }) });
		const result = await runSam3(emulator(), { parameters: { imageUrl: url, prompt: 'car', maskDelivery: 'rle' } });
		const { json, binary } = result.items[0];
		expect([json.maskCount, json.masks, json.width, json.height]).toEqual([0, [], WIDTH, HEIGHT]);
		expect(binary).toBeUndefined();
	});
});

describe('RLE without downloads', () => {
	it('Download Masks off: each mask carries its RLE string and how to read it, and no file', async () => {
		const { url } = await photo();
		const result = await runSam3(emulator(), { parameters: { imageUrl: url, prompt: 'car', maskDelivery: 'rle', options: { downloadMasks: false } } });
		const { json, binary } = result.items[0];
		expect(binary).toBeUndefined();
		const [mask] = json.masks as IDataObject[];
		expect(mask.rle).toEqual({ counts: expect.stringMatching(/^\d+ \d+/), width: WIDTH, height: HEIGHT, order: 'row-major', base: 1 });
	});
});

describe('malformed RLE answers are named, per item', () => {
	// A 0-based encoding shows only where a run begins at the first pixel (elsewhere it is one pixel off, unseen).
	const zeroBased = (body: unknown) => ({ ...(body as IDataObject), rle: '0 5 300 10' });
	it.each([
		['zero-based', zeroBased, /mask 0 .*run 0 starts at pixel 0/],
		['oddCount', rleFault('oddCount'), /mask 0 .*odd count/],
		['overlapping', rleFault('overlapping'), /mask 0 .*before the previous run ends/],
		['pastEnd', rleFault('pastEnd'), /mask 0 .*ends past the image's 200×120 = 24000 pixels/],
		['cocoJson', rleFault('cocoJson'), /mask 0 .*is not a whole number/],
		['huge', rleFault('huge'), /mask 0 .*ends past the image's/],
		['notAString', rleFault('notAString'), /rle is neither an RLE string nor a list of them/],
	] as Array<[string, (body: unknown) => unknown, RegExp]>)('%s: that item fails with what is wrong, the next item is fine', async (_name, resultBody, message) => {
		const { url } = await photo();
		emulator().jobs.script({ times: 1, match: { prompt: 'bad' }, resultBody });
		const result = await runSam3(emulator(), {
			continueOnFail: true,
			items: [{ json: { prompt: 'bad' } }, { json: { prompt: 'car' } }],
			parameters: { imageUrl: url, prompt: '={{ $json.prompt }}', maskDelivery: 'rle' },
		});
		expect(result.error).toBeUndefined();
		const [failed, fine] = result.items;
		const error = failed.json.error as IDataObject;
		expect(error).toMatchObject({ itemIndex: 0, stage: 'result', provider: 'fal.ai', requestId: expect.any(String) });
		expect(String(error.message)).toMatch(message);
		expect(fine.json.maskCount).toBe(1);
		expect(fine.binary?.mask_0).toBeDefined();
	});

	it('a bad mask among several names its index in the list', async () => {
		const { url } = await photo();
		emulator().jobs.script({ times: 1, resultBody: rleFault('oddCount', 1) });
		const result = await runSam3(emulator(), { continueOnFail: true, parameters: { imageUrl: url, ...SEVERAL, maskDelivery: 'rle' } });
		expect(String((result.items[0].json.error as IDataObject).message)).toMatch(/mask 1 \(rle\[1\]\) is not valid RLE/);
	});

	it('an answer with more masks than the node decodes at once is refused before decoding any', async () => {
		const data = await solidImage(4000, 4000, 'png');
		const url = hostImage(emulator(), data, 'png', 'big.png');
		emulator().jobs.script({ times: 1, resultBody: (body: unknown) => ({ ...(body as IDataObject), rle: Array(33).fill('1 1') }) });
		const result = await runSam3(emulator(), { continueOnFail: true, parameters: { imageUrl: url, boxPrompts: { boxes: [{ xMin: 1, yMin: 1, xMax: 9, yMax: 9 }] }, maskDelivery: 'rle' } });
		const error = result.items[0].json.error as IDataObject;
		expect(error).toMatchObject({ errorType: 'rle_too_large', stage: 'result' });
		expect(String(error.message)).toMatch(/33 RLE masks of 4000×4000 are 528\.0 MP, more than the 512\.0 MP/);
	});
});

describe('RLE needs the image size: refused before any job when it cannot be had', () => {
	const expectNoJob = () => expect(submitEntries(emulator())).toHaveLength(0);
	const errorOf = (item: INodeExecutionData) => item.json.error as IDataObject;

	it('an image URL whose header cannot be read', async () => {
		const result = await runSam3(emulator(), {
			continueOnFail: true,
			parameters: { imageUrl: `${emulator().filesUrl}/missing.png`, prompt: 'car', maskDelivery: 'rle' },
		});
		expect(errorOf(result.items[0])).toMatchObject({ field: 'Image URL', errorType: 'invalid_parameter' });
		expect(String(errorOf(result.items[0]).message)).toMatch(/Mask Delivery RLE needs the image's size, and reading the image's header failed/);
		expectNoJob();
	});

	it('an image larger than the node decodes RLE masks at (a header claiming 60 MP)', async () => {
		const header = Buffer.alloc(64);
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header);
		header.writeUInt32BE(13, 8);
		header.write('IHDR', 12, 'ascii');
		header.writeUInt32BE(10_000, 16);
		header.writeUInt32BE(6_000, 20);
		const result = await runSam3(emulator(), {
			continueOnFail: true,
			items: [{ json: {}, binary: { photo: { data: header, mimeType: 'image/png', fileName: 'huge.png' } } }],
			parameters: { imageSource: 'binary', binaryPropertyName: 'photo', prompt: 'car', maskDelivery: 'rle' },
		});
		expect(String(errorOf(result.items[0]).message)).toMatch(/Input Binary Field "photo" in item 0 is not valid: the image is 10000×6000, more than the 50 MP/);
		expectNoJob();
	});

	it('a TIFF file (its size is not read from the header)', async () => {
		const tiff = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#888' } }).tiff().toBuffer();
		const result = await runSam3(emulator(), {
			continueOnFail: true,
			items: [{ json: {}, binary: { photo: { data: tiff, mimeType: 'image/tiff', fileName: 'a.tiff' } } }],
			parameters: { imageSource: 'binary', binaryPropertyName: 'photo', prompt: 'car', maskDelivery: 'rle' },
		});
		expect(String(errorOf(result.items[0]).message)).toMatch(/choose Mask Delivery URLs/);
		expectNoJob();
	});
});

describe('Runflow runs SAM 3 with mask URLs only', () => {
	it('the panel offers Model and Mask Delivery for fal.ai only and says so for Runflow', () => {
		const properties = new Sam3().description.properties;
		for (const name of ['model', 'maskDelivery']) {
			expect(properties.find((property) => property.name === name)?.displayOptions?.show?.authentication).toEqual(['falApi']);
		}
		const notice = properties.find((property) => property.type === 'notice' && property.displayOptions?.show?.authentication?.[0] === 'runflowApi');
		expect(notice?.displayName).toMatch(/For SAM 3\.1 or run-length \(RLE\) masks, use a fal\.ai credential/);
	});

	it.each([[{ model: 'sam-3-1' }], [{ maskDelivery: 'rle' }]])('%j left in a Runflow node is not used: it runs meta/sam-3/image, as the panel shows', async (parameters) => {
		const { url } = await photo();
		const result = await runSam3(emulator(), { provider: 'runflowApi', parameters: { imageUrl: url, prompt: 'car', ...parameters } });
		expect(result.error).toBeUndefined();
		expect(submitEntries(emulator()).map((entry) => entry.url)).toEqual(['/runflow/v1/models/meta/sam-3/image/runs']);
		expect(result.items[0].binary?.mask_0).toBeDefined();
	});

	it.each([
		[{ model: 'sam-3-1', endpoint: 'image' }, 'model', /not "sam-3-1"/],
		[{ model: 'sam-3', endpoint: 'image-rle' }, 'endpoint', /not "image-rle"/],
	] as const)('the Runflow adapter refuses %j, naming the %s', (target, part, reason) => {
		const refused = runflowAdapter.refuses(target);
		expect(refused?.part).toBe(part);
		expect(refused?.reason).toMatch(reason);
		expect(falAdapter.refuses(target)).toBeUndefined();
	});

	it('a value set by an expression is checked too: an unknown model or delivery is named with the allowed ones', async () => {
		const { url } = await photo();
		const result = await runSam3(emulator(), {
			continueOnFail: true,
			items: [{ json: { model: 'sam-4' } }, { json: { delivery: 'zip' } }],
			parameters: { imageUrl: url, prompt: 'car', model: '={{ $json.model ?? "sam-3" }}', maskDelivery: '={{ $json.delivery ?? "urls" }}' },
		});
		expect(String((result.items[0].json.error as IDataObject).message)).toBe('Model in item 0 is not valid: must be one of "sam-3", "sam-3-1" (got "sam-4")');
		expect(String((result.items[1].json.error as IDataObject).message)).toBe('Mask Delivery in item 1 is not valid: must be one of "urls", "rle" (got "zip")');
		expect(submitEntries(emulator())).toHaveLength(0);
	});
});
