/**
 * What fal's SAM 3 3D endpoints share in the emulator (a TEST DOUBLE, no model, no reconstruction): fal's File, the
 * large-file switches, reading the photo and masks, storing outputs, the visualization PNG. The endpoints:
 * three-d-objects.ts (3d-objects), three-d-body.ts (3d-body, 3d-align). Objects and people are found the way the
 * image endpoint finds them (prompts, masks, product photos by contrast: segmentation.ts, product-scene.ts), and
 * each becomes a box sized from its 2D box — valid files a 3D viewer opens (glb.ts, ply.ts, zip.ts), deterministic
 * from the input. Output fields and names follow @fal-ai/client's types (SAM3DObjectOutput, SAM3DBodyOutput,
 * Sam33dAlignOutput). Geometry conventions (A, nothing public says them): camera at the origin, 1 unit = the
 * image's height at depth 1; objects at depth 2; people 1.7 units tall. File names and the artifacts zip's layout
 * are assumptions too (fal documents neither).
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';

import type { FileStore } from './files';
import { ImageLoadError, loadInputFile, loadInputImage, type InputImage } from './image-input';
import type { PixelBox } from './masks';
import type { FieldIssue, Sam3Input } from './schema';

/** fal's File. */
export interface FalFile {
	url: string;
	content_type: string;
	file_name: string;
	file_size: number;
}

/** Switches for testing a client's bounds on 3D downloads (emulator.setLarge3dOutputs, PUT /__emulator/outputs-3d). */
export interface Large3dOutputs {
	/** The combined `gaussian_splat` grown to at least this many bytes (still a valid PLY: more splats). */
	splatBytes?: number;
	/** The combined `model_glb` grown to at least this many bytes (still a valid GLB: an unused buffer view). */
	glbBytes?: number;
	/** Every 3D File's `file_size` says this, whatever the bytes are (a declared size over a client's cap). */
	declaredFileSize?: number;
}

/** Real bytes are held in memory: past this, use the `hugeFile` fault on `files.get`, which streams. */
const MAX_REAL_BYTES = 256 * 1024 * 1024;

export function checkLarge3dOutputs(large?: Large3dOutputs): Large3dOutputs | undefined {
	if (!large) return undefined;
	for (const key of ['splatBytes', 'glbBytes', 'declaredFileSize'] as const) {
		const value = large[key];
		if (value === undefined) continue;
		if (!(Number.isInteger(value) && value > 0)) throw new Error(`${key} must be a whole number of bytes > 0, not ${JSON.stringify(value)}`);
		if (key !== 'declaredFileSize' && value > MAX_REAL_BYTES) throw new Error(`${key} over ${MAX_REAL_BYTES} bytes: use the hugeFile fault on files.get, which streams`);
	}
	return { splatBytes: large.splatBytes, glbBytes: large.glbBytes, declaredFileSize: large.declaredFileSize };
}

export type ThreeDResult =
	| { ok: true; output: Record<string, unknown>; inferenceMs: number; summary: string }
	| { ok: false; issue: FieldIssue };

const CONTENT = { glb: 'model/gltf-binary', ply: 'application/octet-stream', zip: 'application/zip', png: 'image/png' } as const;

export class InputProblem extends Error {
	constructor(readonly issue: FieldIssue) {
		super(issue.msg);
	}
}

export function seeded(seed: string): () => number {
	let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = Math.imul(state ^ (state >>> 15), state | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export const round = (v: number) => Math.round(v * 1e6) / 1e6;

export class Outputs {
	readonly stored: Array<{ name: string; bytes: Buffer }> = [];
	constructor(
		private readonly files: FileStore,
		private readonly large: Large3dOutputs,
	) {}

	put(bytes: Buffer, kind: keyof typeof CONTENT, name: string): FalFile {
		this.stored.push({ name, bytes });
		const url = this.files.put(bytes, CONTENT[kind], name);
		return { url, content_type: CONTENT[kind], file_name: name, file_size: this.large.declaredFileSize ?? bytes.length };
	}
}

export async function image(url: string, field: string): Promise<InputImage & { rgb: Buffer }> {
	try {
		const loaded = await loadInputImage(url);
		const rgb = await sharp(loaded.bytes).rotate().removeAlpha().resize(loaded.width, loaded.height, { fit: 'fill' }).raw().toBuffer();
		return { ...loaded, rgb };
	} catch (error) {
		if (error instanceof ImageLoadError) throw new InputProblem({ path: [field], msg: error.message, type: error.errorType });
		throw error;
	}
}

/** The white pixels' box of a mask image scaled to width × height; undefined when it has none. */
export async function maskBox(url: string, path: Array<string | number>, width: number, height: number): Promise<{ box?: PixelBox; pixels: number }> {
	let bytes: Buffer;
	try {
		bytes = await loadInputFile(url, String(path[0]));
	} catch (error) {
		if (error instanceof ImageLoadError) throw new InputProblem({ path, msg: error.message, type: error.errorType });
		throw error;
	}
	let grey: Buffer;
	try {
		grey = await sharp(bytes).rotate().resize(width, height, { fit: 'fill' }).greyscale().raw().toBuffer();
	} catch {
		throw new InputProblem({ path, msg: 'Failed to load the mask image', type: 'image_load_error' });
	}
	let box: PixelBox | undefined;
	let pixels = 0;
	grey.forEach((value, p) => {
		if (value < 128) return;
		pixels++;
		const x = p % width;
		const y = (p - x) / width;
		box = box ? { x0: Math.min(box.x0, x), y0: Math.min(box.y0, y), x1: Math.max(box.x1, x + 1), y1: Math.max(box.y1, y + 1) } : { x0: x, y0: y, x1: x + 1, y1: y + 1 };
	});
	return { box, pixels };
}

export function meanColor(rgb: Buffer, width: number, box: PixelBox): [number, number, number] {
	const sum = [0, 0, 0];
	let n = 0;
	for (let y = box.y0; y < box.y1; y++) {
		for (let x = box.x0; x < box.x1; x++, n++) for (let c = 0; c < 3; c++) sum[c] += rgb[(y * width + x) * 3 + c];
	}
	return sum.map((v) => round(v / Math.max(1, n) / 255)) as [number, number, number];
}

/** A Sam3Input for segment(): the image endpoint's stand-in model, reused. */
export function samInput(imageUrl: string, fields: Partial<Sam3Input>): Sam3Input {
	return { image_url: imageUrl, point_prompts: [], box_prompts: [], apply_mask: false, sync_mode: false, output_format: 'png', return_multiple_masks: true, max_masks: 32, include_scores: false, include_boxes: false, ...fields };
}

export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export const OBJECT_DEPTH = 2;
export const PERSON_HEIGHT = 1.7;

export function visualizationSvg(width: number, height: number, people: Array<{ box: PixelBox; keypoints: number[][] }>): Buffer {
	const shapes = people.flatMap(({ box, keypoints }) => [
		`<rect x="${box.x0}" y="${box.y0}" width="${box.x1 - box.x0}" height="${box.y1 - box.y0}" fill="none" stroke="#00ff00" stroke-width="2"/>`,
		...keypoints.map(([x, y]) => `<circle cx="${x}" cy="${y}" r="${Math.max(1, width / 200)}" fill="#ff3030"/>`),
		// The side view (right half): the person as a bar at its depth.
		`<rect x="${width + (box.x0 + box.x1) / 2 - 4}" y="${box.y0}" width="8" height="${box.y1 - box.y0}" fill="#1e90ff"/>`,
	]);
	return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width * 2}" height="${height}">${shapes.join('')}</svg>`);
}

export async function visualization(picture: InputImage, people: Array<{ box: PixelBox; keypoints: number[][] }>): Promise<Buffer> {
	const { width, height } = picture;
	const original = await sharp(picture.bytes).rotate().resize(width, height, { fit: 'fill' }).removeAlpha().png().toBuffer();
	return await sharp({ create: { width: width * 2, height, channels: 3, background: { r: 40, g: 40, b: 48 } } })
		.composite([{ input: original, left: 0, top: 0 }, { input: visualizationSvg(width, height, people) }])
		.png()
		.toBuffer();
}
