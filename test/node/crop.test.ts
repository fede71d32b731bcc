/**
 * The numbers an image step needs: per mask a `crop` in the input image's pixels and the input's width/height on
 * the item, right whether the provider draws masks at the input's size or at another resolution.
 */
import type { IDataObject } from 'n8n-workflow';

import type { BinaryMode } from '../../tools/rig';
import { solidImage } from '../support/images';
import { PROVIDERS, type Provider, runSam3 } from './fixture';
import { hostImage, maskGeometry, useEmulator } from './harness';

const emulator = useEmulator();

const WIDTH = 240;
const HEIGHT = 160;
const BOX = { xMin: 40, yMin: 30, xMax: 150, yMax: 110 };

const cases = PROVIDERS.flatMap((provider) => (['default', 'filesystem'] as const).map((mode) => [provider, mode] as [Provider, BinaryMode]));

describe.each(cases)('crop boxes (%s, %s binary mode)', (provider, binaryMode) => {
	async function segmentBinary() {
		const data = await solidImage(WIDTH, HEIGHT, 'png');
		const result = await runSam3(emulator(), {
			provider,
			binaryMode,
			parameters: { imageSource: 'binary', binaryPropertyName: 'data', boxPrompts: { boxes: [BOX] }, modelOptions: { includeBoxes: true } },
			items: [{ json: { sku: 'A-1' }, binary: { data: { data, mimeType: 'image/png', fileName: 'a1.png' } } }],
		});
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		const mask = (item.json.masks as IDataObject[])[0] as Record<string, any>;
		const white = (await maskGeometry(await result.readBinary(item, 'mask_0'))).white!;
		return { json: item.json, mask, white };
	}

	it('masks at the input size: the crop is exactly the mask’s white area, in input pixels', async () => {
		const { json, mask, white } = await segmentBinary();
		expect([json.width, json.height]).toEqual([WIDTH, HEIGHT]);
		expect([mask.width, mask.height]).toEqual([WIDTH, HEIGHT]);
		expect(mask.crop).toEqual({ x: white.x0, y: white.y0, width: white.x1 - white.x0, height: white.y1 - white.y0 });
		expect(mask.pixelBox).toEqual({ xMin: white.x0, yMin: white.y0, xMax: white.x1, yMax: white.y1 });
	});

	it('masks at 1024×1024: both sizes stated, the crop still in input pixels (within a mask pixel)', async () => {
		emulator().setMaskSize({ width: 1024, height: 1024 });
		const { json, mask, white } = await segmentBinary();
		expect([json.width, json.height]).toEqual([WIDTH, HEIGHT]);
		expect([mask.width, mask.height]).toEqual([1024, 1024]);
		// The mask's white area, scaled from mask pixels to input pixels, outward to whole pixels.
		const expected = {
			x0: Math.floor((white.x0 * WIDTH) / 1024),
			y0: Math.floor((white.y0 * HEIGHT) / 1024),
			x1: Math.ceil((white.x1 * WIDTH) / 1024),
			y1: Math.ceil((white.y1 * HEIGHT) / 1024),
		};
		expect(mask.crop).toEqual({ x: expected.x0, y: expected.y0, width: expected.x1 - expected.x0, height: expected.y1 - expected.y0 });
		// And it is the box that was asked for, within a pixel: not the mask-pixel numbers (4× larger here).
		for (const [got, want] of [
			[mask.crop.x, BOX.xMin],
			[mask.crop.y, BOX.yMin],
			[mask.crop.x + mask.crop.width, BOX.xMax],
			[mask.crop.y + mask.crop.height, BOX.yMax],
		]) {
			expect(Math.abs(got - want)).toBeLessThanOrEqual(1);
		}
		expect(Math.abs(mask.pixelBox.xMax - BOX.xMax)).toBeLessThanOrEqual(1);
	});
});

describe.each(PROVIDERS)('image URL input (%s)', (provider) => {
	const parameters = { boxPrompts: { boxes: [BOX] }, modelOptions: { includeBoxes: true } };

	it('gets the same input size and crop as the same image given as a file (read from the masks)', async () => {
		const data = await solidImage(WIDTH, HEIGHT, 'png');
		const imageUrl = hostImage(emulator(), data);
		const fromUrl = await runSam3(emulator(), { provider, parameters: { imageUrl, ...parameters } });
		const fromFile = await runSam3(emulator(), {
			provider,
			parameters: { imageSource: 'binary', binaryPropertyName: 'data', ...parameters },
			items: [{ json: {}, binary: { data: { data, mimeType: 'image/png', fileName: 'a1.png' } } }],
		});
		expect(fromUrl.error).toBeUndefined();
		const [url, file] = [fromUrl.items[0].json, fromFile.items[0].json];
		expect([url.width, url.height]).toEqual([WIDTH, HEIGHT]);
		const [urlMask, fileMask] = [(url.masks as IDataObject[])[0], (file.masks as IDataObject[])[0]];
		expect(urlMask.crop).toEqual(fileMask.crop);
		const white = (await maskGeometry(await fromUrl.readBinary(fromUrl.items[0], 'mask_0'))).white!;
		expect(urlMask.crop).toEqual({ x: white.x0, y: white.y0, width: white.x1 - white.x0, height: white.y1 - white.y0 });
	});

	it('with Download Masks off, takes the size the answer states for the masks', async () => {
		const imageUrl = hostImage(emulator(), await solidImage(WIDTH, HEIGHT, 'png'));
		const result = await runSam3(emulator(), {
			provider,
			parameters: { imageUrl, ...parameters, options: { downloadMasks: false } },
		});
		const { json } = result.items[0];
		expect(result.items[0].binary?.mask_0).toBeUndefined();
		expect([json.width, json.height]).toEqual([WIDTH, HEIGHT]);
		expect((json.masks as Array<Record<string, any>>)[0].crop).toMatchObject({ x: expect.any(Number), width: expect.any(Number) });
	});
});
