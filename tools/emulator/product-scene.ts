/**
 * The emulator's stand-in for SAM 3 on product photos (a TEST DOUBLE, not a model): when a photo has a plain
 * backdrop, every region that differs from the backdrop's colour and is not connected to the border through
 * backdrop-coloured pixels is an object. Each connected object becomes one region with its exact pixels, so a
 * cutout made from its mask looks like the product. Photos without a plain border (noise, real scenes) and
 * perfectly flat synthetic images (one colour everywhere, the tests' test cards) are left to segmentation.ts's
 * deterministic ellipses.
 */
import sharp from 'sharp';
import type { Region } from './segmentation';

/** An object's pixels at the input size: 1 inside, 0 outside. */
export interface Bitmap {
	width: number;
	height: number;
	data: Uint8Array;
}

export interface ProductScene {
	/** Objects found on the backdrop, largest first (none: an empty backdrop). */
	objects: Region[];
	background: [number, number, number];
}

/** A border pixel this close (max channel difference) to the backdrop colour counts as backdrop. */
const BORDER_TOLERANCE = 16;
/** This share of the border must be backdrop for the photo to count as a product shot. */
const PLAIN_BORDER_SHARE = 0.98;
/** Pixels further than this from the backdrop colour are object candidates. */
const OBJECT_CONTRAST = 40;
/** A flat synthetic image varies by at most this much anywhere. */
const FLAT_TOLERANCE = 2;
/** Objects smaller than this share of the image are specks (noise, JPEG ringing), not products. */
const MIN_OBJECT_SHARE = 0.001;
/** Enclosed backdrop-coloured areas at least this share of the image are backdrop seen through the object. */
const MIN_HOLE_SHARE = 0.005;

// Analysed once per image (image-input.ts interns the bytes: hundreds of jobs on one image share one Buffer).
const scenes = new WeakMap<Buffer, ProductScene | null>();

export async function productScene(bytes: Buffer): Promise<ProductScene | undefined> {
	if (!scenes.has(bytes)) scenes.set(bytes, await analyse(bytes));
	return scenes.get(bytes) ?? undefined;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1];

async function analyse(bytes: Buffer): Promise<ProductScene | null> {
	const { data, info } = await sharp(bytes).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
	const { width, height, channels } = info;
	if (width < 64 || height < 64) return null; // icons and test swatches, not photos
	const px = (i: number) => i * channels;
	const border: number[] = [];
	for (let x = 0; x < width; x++) border.push(x, (height - 1) * width + x);
	for (let y = 1; y < height - 1; y++) border.push(y * width, y * width + width - 1);
	const background = [0, 1, 2].map((c) => median(border.map((i) => data[px(i) + c]))) as [number, number, number];
	const distance = (i: number) =>
		Math.max(Math.abs(data[px(i)] - background[0]), Math.abs(data[px(i) + 1] - background[1]), Math.abs(data[px(i) + 2] - background[2]));
	if (border.filter((i) => distance(i) <= BORDER_TOLERANCE).length < PLAIN_BORDER_SHARE * border.length) return null;

	const total = width * height;
	let flat = true;
	const candidate = new Uint8Array(total);
	for (let i = 0; i < total; i++) {
		const d = distance(i);
		if (d > FLAT_TOLERANCE) flat = false;
		if (d > OBJECT_CONTRAST) candidate[i] = 1;
	}
	if (flat) return null;

	// Backdrop = what the border reaches through non-candidates, plus enclosed backdrop-coloured areas too large to be
	// a detail of the object (a mug handle's opening); small enclosed ones (a printed label, a logo) are the object's.
	const backdrop = new Uint8Array(total);
	for (const i of border) if (!candidate[i]) backdrop[i] = 1;
	flood(backdrop, width, height, border.filter((i) => !candidate[i]), (j) => !candidate[j]);
	for (const hole of connected(width, height, (i) => !candidate[i] && !backdrop[i])) {
		if (hole.length >= MIN_HOLE_SHARE * total) for (const i of hole) backdrop[i] = 1;
	}
	return { objects: objectRegions(backdrop, width, height), background };
}

/** Marks (1) every pixel reachable from `seeds` through pixels that pass `open`. */
function flood(marks: Uint8Array, width: number, height: number, seeds: number[], open: (i: number) => boolean): number[] {
	const total = width * height;
	const reached = [...seeds];
	for (let k = 0; k < reached.length; k++) {
		const i = reached[k];
		const x = i % width;
		for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width]) {
			if (j >= 0 && j < total && !marks[j] && open(j)) {
				marks[j] = 1;
				reached.push(j);
			}
		}
	}
	return reached;
}

/** The 4-connected areas of pixels that pass `member`, each as its pixel indices. */
function connected(width: number, height: number, member: (i: number) => boolean): number[][] {
	const seen = new Uint8Array(width * height);
	const areas: number[][] = [];
	for (let start = 0; start < seen.length; start++) {
		if (seen[start] || !member(start)) continue;
		seen[start] = 1;
		areas.push(flood(seen, width, height, [start], member));
	}
	return areas;
}

/** Connected non-backdrop areas, each a region with its bitmap, best (largest) first. */
function objectRegions(backdrop: Uint8Array, width: number, height: number): Region[] {
	const total = width * height;
	const regions: Region[] = [];
	for (const pixels of connected(width, height, (i) => !backdrop[i])) {
		if (pixels.length < MIN_OBJECT_SHARE * total) continue;
		const data = new Uint8Array(total);
		let [x0, y0, x1, y1] = [width, height, 0, 0];
		for (const i of pixels) {
			data[i] = 1;
			const x = i % width;
			const y = (i - x) / width;
			x0 = Math.min(x0, x);
			y0 = Math.min(y0, y);
			x1 = Math.max(x1, x + 1);
			y1 = Math.max(y1, y + 1);
		}
		const share = pixels.length / total;
		regions.push({
			cx: (x0 + x1) / 2,
			cy: (y0 + y1) / 2,
			rx: (x1 - x0) / 2,
			ry: (y1 - y0) / 2,
			// Deterministic: larger objects score higher, above the ellipses' typical range.
			score: Math.round((0.9 + 0.09 * Math.min(1, share * 4)) * 10_000) / 10_000,
			source: 'text',
			bitmap: { width, height, data },
		});
	}
	return regions.sort((a, b) => b.score - a.score || b.rx * b.ry - a.rx * a.ry);
}
