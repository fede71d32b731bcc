/**
 * fal's SAM 3 3D endpoints as a TEST DOUBLE (no model, no reconstruction): objects and people are found the way the
 * image endpoint finds them (prompts, masks, product photos by contrast: segmentation.ts, product-scene.ts), and
 * each becomes a box sized from its 2D box — valid files a 3D viewer opens (glb.ts, ply.ts, zip.ts), deterministic
 * from the input. Output fields and names follow @fal-ai/client's types (SAM3DObjectOutput, SAM3DBodyOutput,
 * Sam33dAlignOutput). Geometry conventions (A, nothing public says them): camera at the origin, 1 unit = the
 * image's height at depth 1; objects at depth 2; people 1.7 units tall.
 * File names and the artifacts zip's layout are assumptions too (fal documents neither).
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';

import type { FileStore } from './files';
import { writeGlb, type BoxMesh } from './glb';
import { ImageLoadError, loadInputFile, loadInputImage, type InputImage } from './image-input';
import { rasterize, type PixelBox } from './masks';
import { boxMesh, writeMeshPly, writeSplatPly, type Splat } from './ply';
import { productScene } from './product-scene';
import type { FieldIssue, Sam3Input } from './schema';
import { segment } from './segmentation';
import type { AlignInput, BodyInput, ObjectsInput } from './three-d-schema';
import { writeZip } from './zip';

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

export type ThreeDResult =
	| { ok: true; output: Record<string, unknown>; inferenceMs: number; summary: string }
	| { ok: false; issue: FieldIssue };

const CONTENT = { glb: 'model/gltf-binary', ply: 'application/octet-stream', zip: 'application/zip', png: 'image/png' } as const;

class InputProblem extends Error {
	constructor(readonly issue: FieldIssue) {
		super(issue.msg);
	}
}

function seeded(seed: string): () => number {
	let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = Math.imul(state ^ (state >>> 15), state | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

class Outputs {
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

async function image(url: string, field: string): Promise<InputImage & { rgb: Buffer }> {
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
async function maskBox(url: string, path: Array<string | number>, width: number, height: number): Promise<{ box?: PixelBox; pixels: number }> {
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

function meanColor(rgb: Buffer, width: number, box: PixelBox): [number, number, number] {
	const sum = [0, 0, 0];
	let n = 0;
	for (let y = box.y0; y < box.y1; y++) {
		for (let x = box.x0; x < box.x1; x++, n++) for (let c = 0; c < 3; c++) sum[c] += rgb[(y * width + x) * 3 + c];
	}
	return sum.map((v) => round(v / Math.max(1, n) / 255)) as [number, number, number];
}

/** A Sam3Input for segment(): the image endpoint's stand-in model, reused. */
function samInput(imageUrl: string, fields: Partial<Sam3Input>): Sam3Input {
	return { image_url: imageUrl, point_prompts: [], box_prompts: [], apply_mask: false, sync_mode: false, output_format: 'png', return_multiple_masks: true, max_masks: 32, include_scores: false, include_boxes: false, ...fields };
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

interface Found {
	box: PixelBox;
	score: number;
}

/** The objects to reconstruct: one per mask, else per prompt (each box its own object), else the whole image. */
async function objectsIn(input: ObjectsInput, picture: InputImage): Promise<Found[]> {
	const { width, height } = picture;
	if (input.mask_urls?.length) {
		return await Promise.all(
			input.mask_urls.map(async (url, index) => {
				const { box } = await maskBox(url, ['mask_urls', index], width, height);
				if (!box) throw new InputProblem({ path: ['mask_urls', index], msg: 'The mask has no white (object) pixels', type: 'value_error' });
				return { box, score: 1 };
			}),
		);
	}
	const points = input.point_prompts
		.filter((p) => isInt(p.x) && isInt(p.y))
		.map((p) => ({ x: p.x!, y: p.y!, label: (Number(p.label ?? 1) === 0 ? 0 : 1) as 0 | 1, object_id: p.object_id ?? undefined }));
	const boxes = input.box_prompts
		.filter((b) => isInt(b.x_min) && isInt(b.y_min) && isInt(b.x_max) && isInt(b.y_max))
		.map((b) => ({ x_min: b.x_min!, y_min: b.y_min!, x_max: b.x_max!, y_max: b.y_max!, object_id: b.object_id ?? undefined }));
	const text = input.prompt === undefined ? (points.length || boxes.length ? undefined : 'car') : input.prompt?.trim() || undefined;
	const scene = text ? await productScene(picture.bytes) : undefined;
	const threshold = input.detection_threshold ?? 0.5;
	const regions = segment(samInput(input.image_url, { prompt: text, point_prompts: points, box_prompts: boxes }), width, height, scene).filter(
		(region) => region.source !== 'text' || region.score >= threshold,
	);
	const found = regions.flatMap((region) => {
		const { box } = rasterize(region, width, height);
		return box ? [{ box, score: region.score }] : [];
	});
	return found.length ? found : [{ box: { x0: 0, y0: 0, x1: width, y1: height }, score: 1 }];
}

async function crop(picture: InputImage & { rgb: Buffer }, box: PixelBox): Promise<Buffer> {
	return await sharp(picture.rgb, { raw: { width: picture.width, height: picture.height, channels: 3 } })
		.extract({ left: box.x0, top: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0 })
		.resize(64, 64, { fit: 'fill' })
		.png()
		.toBuffer();
}

const IDENTITY_4 = [
	[1, 0, 0, 0],
	[0, 1, 0, 0],
	[0, 0, 1, 0],
	[0, 0, 0, 1],
];
const OBJECT_DEPTH = 2;
const SPLATS_PER_OBJECT = 256;

async function checkPointmap(url: string): Promise<void> {
	let bytes: Buffer;
	try {
		bytes = await loadInputFile(url, 'pointmap_url');
	} catch (error) {
		if (error instanceof ImageLoadError) throw new InputProblem({ path: ['pointmap_url'], msg: error.message, type: error.errorType });
		throw error;
	}
	const npy = bytes.subarray(0, 6).equals(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]));
	const npz = bytes.readUInt32LE(0) === 0x04034b50;
	if (!npy && !npz) throw new InputProblem({ path: ['pointmap_url'], msg: 'The pointmap must be an NPY or NPZ file', type: 'value_error' });
}

export async function runSam3dObjects(input: ObjectsInput, files: FileStore, large: Large3dOutputs = {}): Promise<ThreeDResult> {
	const started = Date.now();
	try {
		const picture = await image(input.image_url, 'image_url');
		if (input.pointmap_url) await checkPointmap(input.pointmap_url);
		const found = await objectsIn(input, picture);
		const { width, height, rgb } = picture;
		const unit = 1 / height;
		const out = new Outputs(files, large);
		const objects = await Promise.all(
			found.map(async ({ box }, index) => {
				const size = [(box.x1 - box.x0) * unit * OBJECT_DEPTH, (box.y1 - box.y0) * unit * OBJECT_DEPTH];
				const dims: [number, number, number] = [size[0], size[1], Math.min(size[0], size[1])];
				const scale = Math.max(...dims);
				const half = dims.map((d) => round(d / scale / 2)) as [number, number, number];
				const cx = (box.x0 + box.x1) / 2;
				const cy = (box.y0 + box.y1) / 2;
				const translation = [round((cx - width / 2) * unit * OBJECT_DEPTH), round((height / 2 - cy) * unit * OBJECT_DEPTH), -OBJECT_DEPTH] as [number, number, number];
				const color = meanColor(rgb, width, box);
				const texturePng = input.export_textured_glb ? await crop(picture, box) : undefined;
				const random = seeded(`${input.seed ?? 0}:${index}:${box.x0},${box.y0},${box.x1},${box.y1}`);
				const splats: Splat[] = Array.from({ length: SPLATS_PER_OBJECT }, () => {
					const local = half.map((h) => (random() * 2 - 1) * h) as [number, number, number];
					const face = Math.floor(random() * 3); // on the box's surface: one coordinate at ± its half extent
					local[face] = (random() < 0.5 ? -1 : 1) * half[face];
					// Its colour: the photo's pixel where it projects, within the object's box.
					const px = Math.min(box.x1 - 1, Math.max(box.x0, Math.floor(cx + (local[0] / (half[0] || 1)) * ((box.x1 - box.x0) / 2))));
					const py = Math.min(box.y1 - 1, Math.max(box.y0, Math.floor(cy - (local[1] / (half[1] || 1)) * ((box.y1 - box.y0) / 2))));
					const c = [0, 1, 2].map((k) => rgb[(py * width + px) * 3 + k] / 255) as [number, number, number];
					return { x: local[0], y: local[1], z: local[2], color: c, size: 0.02 };
				});
				const mesh: BoxMesh = { name: `object_${index}`, half, color, texturePng };
				return { index, half, scale: round(scale), translation, mesh, splats };
			}),
		);
		const scene = objects.map((o) => ({ ...o.mesh, half: o.half.map((h) => round(h * o.scale)) as [number, number, number], translation: o.translation }));
		const sceneSplats = objects.flatMap((o) => o.splats.map((s) => ({ ...s, x: s.x * o.scale + o.translation[0], y: s.y * o.scale + o.translation[1], z: s.z * o.scale + o.translation[2], size: s.size * o.scale })));
		const metadata = objects.map((o) => ({
			object_index: o.index,
			scale: [[o.scale, o.scale, o.scale]],
			rotation: [[0, 0, 0, 1]],
			translation: [o.translation],
			camera_pose: IDENTITY_4,
		}));
		const output: Record<string, unknown> = {
			model_glb: out.put(writeGlb(scene, { minBytes: large.glbBytes }), 'glb', 'model.glb'),
			gaussian_splat: out.put(writeSplatPly(sceneSplats, large.splatBytes), 'ply', 'gaussian_splat.ply'),
			metadata,
		};
		// "only for multi-object scenes" (fal's types).
		if (objects.length > 1) {
			output.individual_glbs = objects.map((o) => out.put(writeGlb([o.mesh]), 'glb', `object_${o.index}.glb`));
			output.individual_splats = objects.map((o) => out.put(writeSplatPly(o.splats), 'ply', `object_${o.index}.ply`));
		}
		const entries = [...out.stored.map(({ name, bytes }) => ({ name, data: bytes })), { name: 'metadata.json', data: Buffer.from(JSON.stringify(metadata, null, 2)) }];
		output.artifacts_zip = out.put(writeZip(entries), 'zip', 'artifacts.zip');
		return { ok: true, output, inferenceMs: Date.now() - started, summary: `Done: ${objects.length} object(s) reconstructed` };
	} catch (error) {
		if (error instanceof InputProblem) return { ok: false, issue: error.issue };
		throw error;
	}
}

// ---- 3d-body ----------------------------------------------------------------------------------------------------

/** 70 keypoints in a person's box (u, v in 0..1): 17 body (COCO order), 6 feet, 21 per hand, 5 more (neck, shoulders, elbows). */
const BODY_17: Array<[number, number]> = [
	[0.5, 0.08], [0.47, 0.06], [0.53, 0.06], [0.44, 0.07], [0.56, 0.07], [0.35, 0.2], [0.65, 0.2], [0.28, 0.35], [0.72, 0.35],
	[0.25, 0.5], [0.75, 0.5], [0.42, 0.55], [0.58, 0.55], [0.41, 0.75], [0.59, 0.75], [0.4, 0.95], [0.6, 0.95],
];
const FEET: Array<[number, number]> = [[0.37, 0.99], [0.35, 0.98], [0.41, 0.99], [0.63, 0.99], [0.65, 0.98], [0.59, 0.99]];
const hand = (wx: number, side: number): Array<[number, number]> => Array.from({ length: 21 }, (_, i) => [wx + side * 0.01 * (1 + (i % 5)), 0.52 + 0.008 * Math.floor(i / 5)]);
const EXTRA: Array<[number, number]> = [[0.5, 0.17], [0.33, 0.19], [0.67, 0.19], [0.29, 0.36], [0.71, 0.36]];
export const KEYPOINT_TEMPLATE: Array<[number, number]> = [...BODY_17, ...FEET, ...hand(0.25, -1), ...hand(0.75, 1), ...EXTRA];
const PERSON_HEIGHT = 1.7;

interface Person {
	id: number;
	box: PixelBox;
	color: [number, number, number];
}

async function peopleIn(input: BodyInput, picture: InputImage & { rgb: Buffer }): Promise<Person[]> {
	const { width, height, rgb } = picture;
	let boxes: PixelBox[];
	if (input.mask_url) {
		// "When provided, skips auto human detection and uses this mask instead. Bbox is auto-computed from the mask."
		const { box } = await maskBox(input.mask_url, ['mask_url'], width, height);
		if (!box) throw new InputProblem({ path: ['mask_url'], msg: 'The mask has no white (person) pixels', type: 'value_error' });
		boxes = [box];
	} else {
		const scene = await productScene(picture.bytes);
		const regions = segment(samInput(input.image_url, { prompt: 'person' }), width, height, scene);
		boxes = regions.flatMap((region) => rasterize(region, width, height).box ?? []);
	}
	if (!boxes.length) throw new InputProblem({ path: ['image_url'], msg: 'No people were detected in the image', type: 'no_people_detected' });
	return boxes.map((box, id) => ({ id, box, color: meanColor(rgb, width, box) }));
}

function visualizationSvg(width: number, height: number, people: Array<{ box: PixelBox; keypoints: number[][] }>): Buffer {
	const shapes = people.flatMap(({ box, keypoints }) => [
		`<rect x="${box.x0}" y="${box.y0}" width="${box.x1 - box.x0}" height="${box.y1 - box.y0}" fill="none" stroke="#00ff00" stroke-width="2"/>`,
		...keypoints.map(([x, y]) => `<circle cx="${x}" cy="${y}" r="${Math.max(1, width / 200)}" fill="#ff3030"/>`),
		// The side view (right half): the person as a bar at its depth.
		`<rect x="${width + (box.x0 + box.x1) / 2 - 4}" y="${box.y0}" width="8" height="${box.y1 - box.y0}" fill="#1e90ff"/>`,
	]);
	return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width * 2}" height="${height}">${shapes.join('')}</svg>`);
}

async function visualization(picture: InputImage, people: Array<{ box: PixelBox; keypoints: number[][] }>): Promise<Buffer> {
	const { width, height } = picture;
	const original = await sharp(picture.bytes).rotate().resize(width, height, { fit: 'fill' }).removeAlpha().png().toBuffer();
	return await sharp({ create: { width: width * 2, height, channels: 3, background: { r: 40, g: 40, b: 48 } } })
		.composite([{ input: original, left: 0, top: 0 }, { input: visualizationSvg(width, height, people) }])
		.png()
		.toBuffer();
}

export async function runSam3dBody(input: BodyInput, files: FileStore, large: Large3dOutputs = {}): Promise<ThreeDResult> {
	const started = Date.now();
	try {
		const picture = await image(input.image_url, 'image_url');
		const people = await peopleIn(input, picture);
		const { width, height } = picture;
		const focal = round(Math.hypot(width, height));
		const out = new Outputs(files, large);
		const meshes: BoxMesh[] = [];
		const plys: Buffer[] = [];
		const described = people.map(({ id, box, color }) => {
			const depth = (focal * PERSON_HEIGHT) / Math.max(1, box.y1 - box.y0);
			const toCamera = (x: number, y: number, z = depth) => [round(((x - width / 2) * z) / focal), round(((y - height / 2) * z) / focal), round(z)];
			const keypoints2d = KEYPOINT_TEMPLATE.map(([u, v]) => [round(box.x0 + u * (box.x1 - box.x0)), round(box.y0 + v * (box.y1 - box.y0))]);
			const keypoints3d = keypoints2d.map(([x, y]) => toCamera(x, y));
			const center = toCamera((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2) as [number, number, number];
			const half: [number, number, number] = [round(((box.x1 - box.x0) * depth) / focal / 2), round(PERSON_HEIGHT / 2), 0.15];
			// glTF is y-up, camera space y-down and looking down +z: flip y and z for the GLB.
			meshes.push({ name: `person_${id}`, half, color, translation: [center[0], -center[1], -center[2]] });
			if (input.include_3d_keypoints) {
				keypoints3d.forEach(([x, y, z], k) => meshes.push({ name: `person_${id}_keypoint_${k}`, half: [0.015, 0.015, 0.015], color: [1, 0.2, 0.2], translation: [x, -y, -z] }));
			}
			const mesh = boxMesh(center, half);
			plys.push(writeMeshPly(mesh.vertices, mesh.triangles));
			return {
				meta: { person_id: id, bbox: [box.x0, box.y0, box.x1, box.y1], focal_length: focal, pred_cam_t: center, keypoints_2d: keypoints2d, keypoints_3d: keypoints3d },
				box,
				keypoints: keypoints2d,
			};
		});
		const output: Record<string, unknown> = {
			model_glb: out.put(writeGlb(meshes, { minBytes: large.glbBytes }), 'glb', 'model.glb'),
			visualization: out.put(await visualization(picture, described), 'png', 'visualization.png'),
			metadata: { num_people: people.length, people: described.map((d) => d.meta) },
		};
		if (input.export_meshes) output.meshes = plys.map((ply, id) => out.put(ply, 'ply', `person_${id}.ply`));
		return { ok: true, output, inferenceMs: Date.now() - started, summary: `Done: ${people.length} person(s) reconstructed` };
	} catch (error) {
		if (error instanceof InputProblem) return { ok: false, issue: error.issue };
		throw error;
	}
}

// ---- 3d-align ---------------------------------------------------------------------------------------------------

/** The vertex count of a mesh file, PLY (its header) or GLB (its POSITION accessors); undefined when it is neither. */
export function meshVertexCount(bytes: Buffer): { format: 'ply' | 'glb'; vertices: number } | undefined {
	if (bytes.subarray(0, 4).toString('latin1') === 'ply\n' || bytes.subarray(0, 5).toString('latin1') === 'ply\r\n') {
		const end = bytes.indexOf('end_header');
		const match = end > 0 ? /element vertex (\d+)/.exec(bytes.subarray(0, end).toString('latin1')) : null;
		return match ? { format: 'ply', vertices: Number(match[1]) } : undefined;
	}
	if (bytes.length >= 20 && bytes.subarray(0, 4).toString('latin1') === 'glTF' && bytes.readUInt32LE(16) === 0x4e4f534a) {
		try {
			const gltf = JSON.parse(bytes.subarray(20, 20 + bytes.readUInt32LE(12)).toString('utf8'));
			const vertices = (gltf.meshes ?? []).flatMap((m: { primitives: Array<{ attributes: { POSITION?: number } }> }) => m.primitives).reduce((sum: number, p: { attributes: { POSITION?: number } }) => sum + (gltf.accessors[p.attributes.POSITION ?? -1]?.count ?? 0), 0);
			return { format: 'glb', vertices };
		} catch {
			return undefined;
		}
	}
	return undefined;
}

async function meshFile(url: string, field: string, glbOnly: boolean): Promise<{ vertices: number }> {
	let bytes: Buffer;
	try {
		bytes = await loadInputFile(url, field);
	} catch (error) {
		if (error instanceof ImageLoadError) throw new InputProblem({ path: [field], msg: error.message, type: error.errorType });
		throw error;
	}
	const mesh = meshVertexCount(bytes);
	if (!mesh || (glbOnly && mesh.format !== 'glb')) {
		throw new InputProblem({ path: [field], msg: `Failed to load the mesh: expected ${glbOnly ? 'a .glb' : 'a .ply or .glb'} file`, type: 'mesh_load_error' });
	}
	return mesh;
}

export async function runSam3dAlign(input: AlignInput, files: FileStore, large: Large3dOutputs = {}): Promise<ThreeDResult> {
	const started = Date.now();
	try {
		const picture = await image(input.image_url, 'image_url');
		const { width, height, rgb } = picture;
		const body = await meshFile(input.body_mesh_url, 'body_mesh_url', false);
		const object = input.object_mesh_url ? await meshFile(input.object_mesh_url, 'object_mesh_url', true) : undefined;
		const mask = input.body_mask_url ? await maskBox(input.body_mask_url, ['body_mask_url'], width, height) : undefined;
		if (mask && !mask.box) throw new InputProblem({ path: ['body_mask_url'], msg: 'The mask has no white (person) pixels', type: 'value_error' });
		// "If not provided, uses full image."
		const box = mask?.box ?? { x0: 0, y0: 0, x1: width, y1: height };
		const focal = round(input.focal_length ?? Math.hypot(width, height));
		const depth = (focal * PERSON_HEIGHT) / Math.max(1, box.y1 - box.y0);
		const translation = [round((((box.x0 + box.x1) / 2 - width / 2) * depth) / focal), round((((box.y0 + box.y1) / 2 - height / 2) * depth) / focal), round(depth)] as [number, number, number];
		const half: [number, number, number] = [round(((box.x1 - box.x0) * depth) / focal / 2), PERSON_HEIGHT / 2, 0.15];
		const mesh = boxMesh(translation, half);
		const out = new Outputs(files, large);
		const bodyBox: BoxMesh = { name: 'body', half, color: meanColor(rgb, width, box), translation: [translation[0], -translation[1], -translation[2]] };
		const output: Record<string, unknown> = {
			body_mesh_ply: out.put(writeMeshPly(mesh.vertices, mesh.triangles), 'ply', 'body_aligned.ply'),
			model_glb: out.put(writeGlb([bodyBox], { minBytes: large.glbBytes }), 'glb', 'body_aligned.glb'),
			visualization: out.put(await visualization(picture, [{ box, keypoints: [] }]), 'png', 'visualization.png'),
			metadata: {
				person_id: 0,
				scale_factor: round(depth / OBJECT_DEPTH),
				translation,
				focal_length: focal,
				target_points_count: mask?.pixels ?? width * height,
				cropped_vertices_count: body.vertices,
			},
		};
		if (object) {
			const objectBox: BoxMesh = { name: 'object', half: [0.25, 0.25, 0.25], color: [0.8, 0.8, 0.8], translation: [translation[0] + half[0] + 0.3, -translation[1], -translation[2]] };
			output.scene_glb = out.put(writeGlb([bodyBox, objectBox]), 'glb', 'scene.glb');
		}
		return { ok: true, output, inferenceMs: Date.now() - started, summary: 'Done: body aligned' };
	} catch (error) {
		if (error instanceof InputProblem) return { ok: false, issue: error.issue };
		throw error;
	}
}
