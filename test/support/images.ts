/** Test images and mask readers shared by the emulator, node, reliability and benchmark tests. */
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** A plain photo-like test image (gradient) of the given size. */
export async function testImage(width = 320, height = 240, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
	const raw = Buffer.alloc(width * height * 3);
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set([x % 256, y % 256, 128], (y * width + x) * 3);
	const image = sharp(raw, { raw: { width, height, channels: 3 } });
	return (format === 'png' ? image.png() : image.jpeg()).toBuffer();
}

/** Pixels of a mask, one byte per pixel, plus its size and format. */
export async function decodeMask(bytes: Buffer) {
	const meta = await sharp(bytes).metadata();
	const { data, info } = await sharp(bytes).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
	return { pixels: data, width: info.width, height: info.height, format: meta.format };
}

/** Bounding box [x0, x1) x [y0, y1) of pixels above the threshold; undefined when none. */
export function whiteBox(pixels: Buffer, width: number, height: number, threshold = 128) {
	let x0 = Infinity;
	let y0 = Infinity;
	let x1 = -Infinity;
	let y1 = -Infinity;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			if (pixels[y * width + x] > threshold) {
				x0 = Math.min(x0, x);
				y0 = Math.min(y0, y);
				x1 = Math.max(x1, x + 1);
				y1 = Math.max(y1, y + 1);
			}
		}
	}
	return x0 === Infinity ? undefined : { x0, y0, x1, y1 };
}

/** A one-colour photo (what the node tests send: its masks do not depend on the pixels). */
export async function solidImage(width = 320, height = 240, format: 'png' | 'jpeg' = 'jpeg'): Promise<Buffer> {
	const image = sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 200 } } });
	return format === 'png' ? await image.png().toBuffer() : await image.jpeg().toBuffer();
}

/**
 * A valid PNG of exactly `totalBytes`: a small image plus a private ancillary chunk of padding (decoders skip it),
 * to probe size thresholds byte-exactly.
 */
export async function pngOfSize(totalBytes: number, width = 64, height = 48): Promise<Buffer> {
	const png = await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
		.png()
		.toBuffer();
	const iendStart = png.length - 12;
	const chunkOverhead = 12;
	const padding = totalBytes - png.length - chunkOverhead;
	if (padding < 0) throw new Error(`A ${width}x${height} PNG is already larger than ${totalBytes} bytes`);
	const type = Buffer.from('pdNg', 'ascii'); // lowercase first letter: ancillary, safe to ignore
	const data = Buffer.alloc(padding, 0x20);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(padding);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([type, data])));
	return Buffer.concat([png.subarray(0, iendStart), length, type, data, crc, png.subarray(iendStart)]);
}

/** A mask image's format and size, and the bounding box [x0, x1) × [y0, y1) of its white pixels. */
export async function maskGeometry(bytes: Buffer) {
	const { pixels, width, height, format } = await decodeMask(bytes);
	return { format, width, height, white: whiteBox(pixels, width, height) };
}

