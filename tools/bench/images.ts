/** Input images for the benchmarks, hosted on the emulator's file host. */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';

/** A small flat JPEG: keeps the emulator's per-job work (download, decode, render) tiny. */
export async function smallImage(size = 256): Promise<Buffer> {
	return await sharp({ create: { width: size, height: size, channels: 3, background: { r: 40, g: 120, b: 200 } } }).jpeg().toBuffer();
}

/** Random RGB pixels: a PNG of it (and of anything drawn over it) barely compresses. */
export async function noiseImage(size = 2048): Promise<Buffer> {
	return await sharp(randomBytes(size * size * 3), { raw: { width: size, height: size, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
}
