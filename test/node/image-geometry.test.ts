/** Image sizes read from file headers, and mask boxes scaled to the input image (pure functions of the node). */
import { Readable } from 'node:stream';
import sharp from 'sharp';

import { imageSizeOf } from '../../nodes/Sam3/operations/segment-image/image-dimensions';
import { imageFileSize } from '../../nodes/Sam3/operations/segment-image/image-sizes';
import { cropBox, maskBoxes } from '../../nodes/Sam3/operations/segment-image/mask-geometry';

const picture = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 20 } } });

describe('imageSizeOf', () => {
	it.each([
		['PNG', () => picture(321, 123).png().toBuffer()],
		['JPEG', () => picture(321, 123).jpeg().toBuffer()],
		['progressive JPEG with EXIF', () => picture(321, 123).withMetadata({ orientation: 1 }).jpeg({ progressive: true }).toBuffer()],
		['lossy WebP (VP8)', () => picture(321, 123).webp({ quality: 50 }).toBuffer()],
		['lossless WebP (VP8L)', () => picture(321, 123).webp({ lossless: true }).toBuffer()],
		['WebP with alpha (VP8X)', () => picture(321, 123).ensureAlpha(0.5).webp({ quality: 50 }).toBuffer()],
		['GIF', () => picture(321, 123).gif().toBuffer()],
	])('reads %s', async (_, make) => {
		expect(imageSizeOf(await make())).toEqual({ width: 321, height: 123 });
	});

	it('gives a JPEG’s size as displayed: EXIF orientations 5-8 swap width and height', async () => {
		expect(imageSizeOf(await picture(321, 123).withMetadata({ orientation: 6 }).jpeg().toBuffer())).toEqual({ width: 123, height: 321 });
		expect(imageSizeOf(await picture(321, 123).withMetadata({ orientation: 3 }).jpeg().toBuffer())).toEqual({ width: 321, height: 123 });
	});

	it('gives up on what is not an image header, or is cut before the size', async () => {
		expect(imageSizeOf(Buffer.from('not an image at all, just text'))).toBeUndefined();
		expect(imageSizeOf((await picture(10, 10).png().toBuffer()).subarray(0, 20))).toBeUndefined();
		expect(imageSizeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]))).toBeUndefined();
		// An EXIF block whose directory offset points far past the file.
		const exif = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x16]), Buffer.from('Exif\0\0MM\0*\x7f\xff\xff\xff\0\0\0\0', 'latin1')]);
		expect(imageSizeOf(exif)).toBeUndefined();
	});
});

describe('mask boxes', () => {
	// An object from x 64..192 and y 48..144 of a 640×480 photo, as fal's normalized [cx, cy, w, h].
	const box = [0.2, 0.2, 0.2, 0.2];

	it('scales the normalized box to the input image, not to the mask, when their sizes differ', () => {
		const boxes = maskBoxes(box, { mask: { width: 1024, height: 1024 }, input: { width: 640, height: 480 } });
		expect(boxes.crop).toEqual({ x: 64, y: 48, width: 128, height: 96 });
		expect(boxes.pixelBox).toEqual({ xMin: 64, yMin: 48, xMax: 192, yMax: 144 });
		expect(boxes.box).toEqual({ cx: 0.2, cy: 0.2, w: 0.2, h: 0.2 });
	});

	it('falls back to mask pixels for pixelBox (no crop) when the input size is unknown', () => {
		const boxes = maskBoxes(box, { mask: { width: 1024, height: 1024 } });
		expect(boxes.pixelBox).toEqual({ xMin: 102, yMin: 102, xMax: 307, yMax: 307 });
		expect(boxes.crop).toBeUndefined();
	});

	it('rounds outward to whole pixels and clamps to the image', () => {
		expect(cropBox([0.5, 0.5, 0.501, 0.5], { width: 101, height: 10 })).toEqual({ x: 25, y: 2, width: 51, height: 6 });
		expect(cropBox([0.95, 0.05, 0.3, 0.3], { width: 200, height: 100 })).toEqual({ x: 160, y: 0, width: 40, height: 20 });
		expect(cropBox([2, 2, 0.1, 0.1], { width: 200, height: 100 })).toBeUndefined();
	});

	it('ignores boxes that are not four finite numbers', () => {
		expect(maskBoxes([0.5, 0.5, Number.NaN, 0.1], { input: { width: 10, height: 10 } })).toEqual({});
		expect(maskBoxes(undefined, { input: { width: 10, height: 10 } })).toEqual({});
	});
});

describe('imageFileSize', () => {
	const file = { url: 'https://cdn.example/mask.png' };

	it('takes the size the provider states', async () => {
		expect(await imageFileSize({} as never, { ...file, width: 1024, height: 768 })).toEqual({ width: 1024, height: 768 });
	});

	it('else reads the stored file’s header: inline base64 or a stream from n8n’s binary storage', async () => {
		const png = await picture(77, 55).png().toBuffer();
		expect(await imageFileSize({} as never, file, { data: png.toString('base64'), mimeType: 'image/png' })).toEqual({ width: 77, height: 55 });
		// A readable stream, as n8n's binary storage hands out (a file's ReadStream), released once the header is read.
		const stream = Readable.from([png.subarray(0, 10), png.subarray(10)]);
		const ctx = { helpers: { getBinaryStream: async (id: string) => (id === 'filesystem-v2:x' ? stream : undefined) } };
		expect(await imageFileSize(ctx as never, file, { id: 'filesystem-v2:x', data: '', mimeType: 'image/png' })).toEqual({ width: 77, height: 55 });
		expect(stream.destroyed).toBe(true);
	});

	it('leaves the size out when the header is unreadable', async () => {
		expect(await imageFileSize({} as never, file, { data: Buffer.from('nope').toString('base64'), mimeType: 'image/png' })).toBeUndefined();
	});
});
