/**
 * What arrives in n8n: masks as real image files (right format, size and contents) under predictable binary
 * names, the preview only when asked for, and the output switches (download, split, keep input) doing what they say.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import type { BinaryMode } from '../../tools/rig';
import { PROVIDERS, type Provider, runSam3, solidImage } from './fixture';
import { binaryNames, hostImage, maskGeometry, useEmulator } from './harness';

const emulator = useEmulator();

const WIDTH = 200;
const HEIGHT = 120;
const BOXES = [
	{ xMin: 10, yMin: 10, xMax: 60, yMax: 50 },
	{ xMin: 80, yMin: 20, xMax: 150, yMax: 100 },
	{ xMin: 160, yMin: 60, xMax: 195, yMax: 115 },
];
const EXTENSIONS: Record<string, string[]> = { png: ['png'], jpeg: ['jpg', 'jpeg'], webp: ['webp'] };

/** Mask geometry is [x0, x1) × [y0, y1) of white pixels; a mask drawn for a box lies inside it. */
function insideBox(white: { x0: number; y0: number; x1: number; y1: number } | undefined, box: (typeof BOXES)[number]) {
	return !!white && white.x0 >= box.xMin && white.y0 >= box.yMin && white.x1 <= box.xMax && white.y1 <= box.yMax;
}

describe.each(PROVIDERS)('masks as n8n files (%s)', (provider: Provider) => {
	let imageUrl: string;
	beforeEach(async () => {
		imageUrl = hostImage(emulator(), await solidImage(WIDTH, HEIGHT, 'png'), 'png', 'input.png');
	});

	async function run(parameters: INodeParameters, binaryMode: BinaryMode = 'default', json: IDataObject = {}) {
		const result = await runSam3(emulator(), { provider, binaryMode, parameters: { imageUrl, ...parameters }, items: [{ json }] });
		expect(result.error).toBeUndefined();
		expect(result.errorItems).toEqual([]);
		return result;
	}

	/** File-host GETs other than the emulator fetching the input image itself. */
	const maskDownloads = () =>
		emulator().requests.filter((entry) => entry.route === 'files.get' && !entry.url.endsWith('/input.png'));

	it.each([
		['png', 'default'],
		['jpeg', 'default'],
		['webp', 'filesystem'],
		['png', 'filesystem'],
	] as const)('stores a %s mask of the input size (%s binary mode) with matching mimeType and file name', async (format, binaryMode) => {
		const result = await run({ boxPrompts: { boxes: [BOXES[1]] }, modelOptions: { outputFormat: format } }, binaryMode);
		const [item] = result.items;
		const binary = item.binary!.mask_0;
		expect(Boolean(binary.id)).toBe(binaryMode === 'filesystem');
		expect(binary.mimeType).toBe(`image/${format}`);
		expect(EXTENSIONS[format]).toContain(binary.fileExtension);
		expect(EXTENSIONS[format]).toContain(binary.fileName!.split('.').pop());
		const geometry = await maskGeometry(await result.readBinary(item, 'mask_0'));
		expect([geometry.format, geometry.width, geometry.height]).toEqual([format, WIDTH, HEIGHT]);
		expect(insideBox(geometry.white, BOXES[1])).toBe(true);
		expect((item.json.masks as object[])[0]).toMatchObject({ binaryProperty: 'mask_0', mimeType: `image/${format}`, width: WIDTH, height: HEIGHT });
	});

	it('names several masks mask_0…n, each one of the objects asked for', async () => {
		const result = await run({ boxPrompts: { boxes: BOXES }, modelOptions: { returnMultipleMasks: true, maxMasks: 5 } });
		const [item] = result.items;
		expect(binaryNames(item)).toEqual(['image', 'mask_0', 'mask_1', 'mask_2']);
		expect((item.json.masks as Array<{ binaryProperty: string }>).map((mask) => mask.binaryProperty)).toEqual(['mask_0', 'mask_1', 'mask_2']);
		const whites = await Promise.all(['mask_0', 'mask_1', 'mask_2'].map(async (name) => (await maskGeometry(await result.readBinary(item, name))).white));
		for (const box of BOXES) expect(whites.filter((white) => insideBox(white, box))).toHaveLength(1);
	});

	it('returns at most Max Masks, under a custom binary prefix', async () => {
		const options = { binaryPropertyPrefix: 'cutout_' };
		const result = await run({ boxPrompts: { boxes: BOXES }, modelOptions: { returnMultipleMasks: true, maxMasks: 2, applyMask: false }, options });
		const [item] = result.items;
		expect(binaryNames(item)).toEqual(['cutout_0', 'cutout_1']);
		expect(item.json.maskCount).toBe(2);
		expect((item.json.masks as Array<{ binaryProperty: string }>).map((mask) => mask.binaryProperty)).toEqual(['cutout_0', 'cutout_1']);
	});

	it('adds the preview under "image" when Apply Mask is on (the provider default), none when off', async () => {
		const withPreview = await run({ prompt: 'shoe' });
		const preview = await sharp(await withPreview.readBinary(withPreview.items[0], 'image')).metadata();
		expect([preview.format, preview.width, preview.height]).toEqual(['png', WIDTH, HEIGHT]);
		expect(withPreview.items[0].json.image).toMatchObject({ binaryProperty: 'image', width: WIDTH, height: HEIGHT });

		const without = await run({ prompt: 'shoe', modelOptions: { applyMask: false } });
		expect(binaryNames(without.items[0])).toEqual(['mask_0']);
		expect(without.items[0].json.image).toBeUndefined();
	});

	it('decodes Sync Mode data URIs into files without downloading anything', async () => {
		const result = await run({ boxPrompts: { boxes: [BOXES[0]] }, modelOptions: { syncMode: true, outputFormat: 'webp' } });
		const [item] = result.items;
		const geometry = await maskGeometry(await result.readBinary(item, 'mask_0'));
		expect([geometry.format, geometry.width, geometry.height]).toEqual(['webp', WIDTH, HEIGHT]);
		expect(insideBox(geometry.white, BOXES[0])).toBe(true);
		expect((await sharp(await result.readBinary(item, 'image')).metadata()).format).toBe('webp');
		expect(maskDownloads()).toEqual([]);
		// A data: URI is the file itself, not a link worth keeping in the JSON.
		expect((item.json.masks as Array<{ url?: string }>)[0].url).toBeUndefined();
	});

	it('with Download Masks off outputs working URLs only, and fetches nothing', async () => {
		const result = await run({ boxPrompts: { boxes: BOXES.slice(0, 2) }, modelOptions: { returnMultipleMasks: true }, options: { downloadMasks: false } });
		const [item] = result.items;
		expect(item.binary).toBeUndefined();
		expect(maskDownloads()).toEqual([]);
		const masks = item.json.masks as Array<{ url: string; binaryProperty?: string }>;
		expect(masks).toHaveLength(2);
		for (const mask of masks) {
			expect(mask.binaryProperty).toBeUndefined();
			expect(mask.url.startsWith(`${emulator().filesUrl}/`)).toBe(true);
			const response = await fetch(mask.url);
			expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).width).toBe(WIDTH);
		}
		expect(String((item.json.image as { url: string }).url).startsWith(`${emulator().filesUrl}/`)).toBe(true);
	});

	it('with Download Masks off and Sync Mode on outputs the data: URIs as the URLs (the masks are not lost)', async () => {
		const result = await run({ boxPrompts: { boxes: [BOXES[2]] }, modelOptions: { syncMode: true }, options: { downloadMasks: false } });
		const [item] = result.items;
		expect(item.binary).toBeUndefined();
		const [mask] = item.json.masks as Array<{ url: string }>;
		expect(mask.url).toMatch(/^data:image\/png;base64,/);
		const geometry = await maskGeometry(Buffer.from(mask.url.split(',')[1], 'base64'));
		expect([geometry.width, geometry.height, insideBox(geometry.white, BOXES[2])]).toEqual([WIDTH, HEIGHT, true]);
		expect(String((item.json.image as { url: string }).url)).toMatch(/^data:image\/png;base64,/);
	});

	it('splits into one item per mask, each paired with its input item and holding its own mask', async () => {
		const result = await run(
			{ boxPrompts: { boxes: BOXES }, modelOptions: { returnMultipleMasks: true, includeBoxes: true }, options: { splitMasks: true } },
			'default',
			{ sku: 'A-1' },
		);
		expect(result.items).toHaveLength(3);
		const maskOf = (item: INodeExecutionData) => item.json.mask as { index: number; pixelBox: { xMin: number; yMin: number; xMax: number; yMax: number } };
		for (const [index, item] of result.items.entries()) {
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.json).toMatchObject({ sku: 'A-1', maskIndex: index, maskCount: 3, mask: { index, binaryProperty: 'mask' } });
			expect(binaryNames(item)).toEqual(['image', 'mask']);
			const { white } = await maskGeometry(await result.readBinary(item, 'mask'));
			const { xMin, yMin, xMax, yMax } = maskOf(item).pixelBox;
			expect(white).toEqual({ x0: xMin, y0: yMin, x1: xMax, y1: yMax });
		}
		expect(new Set(result.items.map((item) => JSON.stringify(maskOf(item).pixelBox))).size).toBe(3);
	});

	it('keeps the input JSON and files by default, drops them with Keep Input Data off', async () => {
		const input = await solidImage(WIDTH, HEIGHT, 'png');
		const items = [{ json: { sku: 'A-1', shelf: 3 }, binary: { photo: { data: input, mimeType: 'image/png', fileName: 'photo.png' } } }];
		const parameters = { imageSource: 'binary', binaryPropertyName: 'photo', prompt: 'shoe', modelOptions: { applyMask: false } };

		const kept = await runSam3(emulator(), { provider, parameters, items });
		expect(kept.items[0].json).toMatchObject({ sku: 'A-1', shelf: 3, maskCount: 1 });
		expect(binaryNames(kept.items[0])).toEqual(['mask_0', 'photo']);
		expect(await kept.readBinary(kept.items[0], 'photo')).toEqual(input);

		const dropped = await runSam3(emulator(), { provider, parameters: { ...parameters, options: { keepInputData: false } }, items });
		expect(dropped.items[0].json.sku).toBeUndefined();
		expect(dropped.items[0].json.shelf).toBeUndefined();
		expect(dropped.items[0].json.maskCount).toBe(1);
		expect(binaryNames(dropped.items[0])).toEqual(['mask_0']);
	});
});
