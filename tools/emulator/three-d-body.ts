/**
 * `fal-ai/sam-3/3d-body` and `fal-ai/sam-3/3d-align` as a TEST DOUBLE (three-d-shared.ts says how): a box per
 * person found by contrast or mask, 70 keypoints in its box, a mesh PLY per person; an alignment places a body
 * mesh from 3d-body at the mask's place and, with an object mesh, a combined scene.
 */
import type { FileStore } from './files';
import { writeGlb, type BoxMesh } from './glb';
import { ImageLoadError, loadInputFile, type InputImage } from './image-input';
import { rasterize, type PixelBox } from './masks';
import { boxMesh, writeMeshPly } from './ply';
import { productScene } from './product-scene';
import { segment } from './segmentation';
import type { AlignInput, BodyInput } from './three-d-schema';
import { image, InputProblem, type Large3dOutputs, maskBox, meanColor, OBJECT_DEPTH, Outputs, PERSON_HEIGHT, round, samInput, type ThreeDResult, visualization } from './three-d-shared';

/** 70 keypoints in a person's box (u, v in 0..1): 17 body (COCO order), 6 feet, 21 per hand, 5 more (neck, shoulders, elbows). */
const BODY_17: Array<[number, number]> = [
	[0.5, 0.08], [0.47, 0.06], [0.53, 0.06], [0.44, 0.07], [0.56, 0.07], [0.35, 0.2], [0.65, 0.2], [0.28, 0.35], [0.72, 0.35],
	[0.25, 0.5], [0.75, 0.5], [0.42, 0.55], [0.58, 0.55], [0.41, 0.75], [0.59, 0.75], [0.4, 0.95], [0.6, 0.95],
];
const FEET: Array<[number, number]> = [[0.37, 0.99], [0.35, 0.98], [0.41, 0.99], [0.63, 0.99], [0.65, 0.98], [0.59, 0.99]];
const hand = (wx: number, side: number): Array<[number, number]> => Array.from({ length: 21 }, (_, i) => [wx + side * 0.01 * (1 + (i % 5)), 0.52 + 0.008 * Math.floor(i / 5)]);
const EXTRA: Array<[number, number]> = [[0.5, 0.17], [0.33, 0.19], [0.67, 0.19], [0.29, 0.36], [0.71, 0.36]];
export const KEYPOINT_TEMPLATE: Array<[number, number]> = [...BODY_17, ...FEET, ...hand(0.25, -1), ...hand(0.75, 1), ...EXTRA];

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
