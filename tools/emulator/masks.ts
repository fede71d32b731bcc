/**
 * Rendering regions as real image files with sharp: single-channel masks (white object on black) at the
 * input's size (or the emulator's mask size), and the `apply_mask` preview (the input with the masks tinted over it).
 */
import sharp, { type Sharp } from 'sharp';
import type { Region } from './segmentation';
import type { OutputFormat } from './schema';

/** White pixels occupy columns [x0, x1) and rows [y0, y1). */
export interface PixelBox {
	x0: number;
	y0: number;
	x1: number;
	y1: number;
}

// Every job renders new images: libvips' operation cache would only hold memory.
sharp.cache(false);

export const CONTENT_TYPES: Record<OutputFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** Runs of a bitmap region sampled (nearest pixel) onto a width*height grid. */
function forEachBitmapRow(bitmap: NonNullable<Region['bitmap']>, width: number, height: number, fill: (y: number, from: number, to: number) => void): void {
	const columns = Array.from({ length: width }, (_, x) => Math.min(bitmap.width - 1, Math.floor(((x + 0.5) * bitmap.width) / width)));
	for (let y = 0; y < height; y++) {
		const row = Math.min(bitmap.height - 1, Math.floor(((y + 0.5) * bitmap.height) / height)) * bitmap.width;
		let from = -1;
		for (let x = 0; x <= width; x++) {
			const inside = x < width && bitmap.data[row + columns[x]] === 1;
			if (inside && from < 0) from = x;
			else if (!inside && from >= 0) {
				fill(y, from, x - 1);
				from = -1;
			}
		}
	}
}

/** Calls `fill(y, xFrom, xTo)` (inclusive) for each row of the region, clipped to the image. */
function forEachRow(region: Region, width: number, height: number, fill: (y: number, from: number, to: number) => void): void {
	if (region.bitmap) return forEachBitmapRow(region.bitmap, width, height, fill);
	const top = Math.max(0, Math.floor(region.cy - region.ry));
	const bottom = Math.min(height - 1, Math.ceil(region.cy + region.ry));
	for (let y = top; y <= bottom; y++) {
		const dy = (y + 0.5 - region.cy) / region.ry;
		if (Math.abs(dy) > 1) continue;
		const half = region.rx * Math.sqrt(1 - dy * dy);
		const from = Math.max(0, Math.ceil(region.cx - half - 0.5));
		const to = Math.min(width - 1, Math.floor(region.cx + half - 0.5));
		if (to >= from) fill(y, from, to);
	}
}

/** The region as a width*height 0/255 buffer, and the box of its white pixels (undefined if none). */
export function rasterize(region: Region, width: number, height: number): { pixels: Buffer; box?: PixelBox } {
	const pixels = Buffer.alloc(width * height);
	let box: PixelBox | undefined;
	forEachRow(region, width, height, (y, from, to) => {
		pixels.fill(255, y * width + from, y * width + to + 1);
		if (!box) box = { x0: from, y0: y, x1: to + 1, y1: y + 1 };
		else box = { x0: Math.min(box.x0, from), y0: box.y0, x1: Math.max(box.x1, to + 1), y1: y + 1 };
	});
	return { pixels, box };
}

/** fal's normalized box: [cx, cy, w, h] as fractions of the image size. */
export function normalizedBox(box: PixelBox, width: number, height: number): [number, number, number, number] {
	return [(box.x0 + box.x1) / 2 / width, (box.y0 + box.y1) / 2 / height, (box.x1 - box.x0) / width, (box.y1 - box.y0) / height];
}

function encode(image: Sharp, format: OutputFormat): Promise<Buffer> {
	if (format === 'jpeg') return image.jpeg({ quality: 90 }).toBuffer();
	if (format === 'webp') return image.webp({ lossless: true }).toBuffer();
	return image.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
}

export function encodeMask(pixels: Buffer, width: number, height: number, format: OutputFormat): Promise<Buffer> {
	return encode(sharp(pixels, { raw: { width, height, channels: 1 } }).toColourspace('b-w'), format);
}

/** The input image (upright, at the mask size) with every mask tinted blue at ~55 % opacity. */
export async function renderPreview(input: Buffer, regions: Region[], width: number, height: number, format: OutputFormat): Promise<Buffer> {
	const overlay = Buffer.alloc(width * height * 4);
	const tint = Buffer.alloc(width * 4);
	for (let x = 0; x < width; x++) tint.set([30, 144, 255, 140], x * 4);
	for (const region of regions) {
		forEachRow(region, width, height, (y, from, to) => tint.copy(overlay, (y * width + from) * 4, 0, (to - from + 1) * 4));
	}
	const base = sharp(input).rotate().resize(width, height, { fit: 'fill' }).removeAlpha();
	return encode(base.composite([{ input: overlay, raw: { width, height, channels: 4 } }]), format);
}
