/**
 * `fal-ai/sam-3/3d-objects` as a TEST DOUBLE (three-d-shared.ts says how): one box per object, a Gaussian splat on
 * its surface coloured from the photo, per-object files for multi-object scenes, the artifacts zip, and
 * SAM3DObjectOutput's metadata (scale, rotation, translation, camera pose) for each.
 */
import sharp from 'sharp';

import type { FileStore } from './files';
import { writeGlb, type BoxMesh } from './glb';
import { ImageLoadError, loadInputFile, type InputImage } from './image-input';
import { rasterize, type PixelBox } from './masks';
import { writeSplatPly, type Splat } from './ply';
import { productScene } from './product-scene';
import { segment } from './segmentation';
import type { ObjectsInput } from './three-d-schema';
import { image, InputProblem, isInt, type Large3dOutputs, maskBox, meanColor, OBJECT_DEPTH, Outputs, round, samInput, seeded, type ThreeDResult } from './three-d-shared';
import { writeZip } from './zip';

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
