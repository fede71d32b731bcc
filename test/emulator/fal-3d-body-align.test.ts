/**
 * `fal-ai/sam-3/3d-body` and `fal-ai/sam-3/3d-align` on the emulator, per @fal-ai/client's SAM3DBodyInput/Output and
 * Sam33dAlignInput/Output: validation like fal's, valid GLB / PLY / PNG files, people found by contrast or a mask.
 */
import sharp from 'sharp';

import { call, falAuth } from '../support/http';
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { readGlb, readPly } from './formats';

let emu: Emulator;
let auth: Record<string, string>;
let photoUrl: string;
let maskUrl: string;

/** A 160×120 grey backdrop with two dark "people": x 20–50 × y 20–110 and x 100–130 × y 30–110. */
async function peoplePhoto(): Promise<Buffer> {
	const rgb = Buffer.alloc(160 * 120 * 3, 200);
	const paint = (x0: number, y0: number, x1: number, y1: number) => {
		for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) rgb.set([40, 60, 90], (y * 160 + x) * 3);
	};
	paint(20, 20, 50, 110);
	paint(100, 30, 130, 110);
	return await sharp(rgb, { raw: { width: 160, height: 120, channels: 3 } }).png().toBuffer();
}

beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 10, queueMs: 5, dispatchMs: 5 } });
	auth = falAuth(emu.keys.fal);
	photoUrl = emu.hostImage(await peoplePhoto(), 'image/png', 'people.png');
	const mask = Buffer.alloc(160 * 120);
	for (let y = 30; y < 110; y++) mask.fill(255, y * 160 + 100, y * 160 + 130);
	maskUrl = emu.hostImage(await sharp(mask, { raw: { width: 160, height: 120, channels: 1 } }).png().toBuffer(), 'image/png', 'person-mask.png');
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

const sync = async (endpoint: string, input: unknown) => await call('POST', `${emu.falRunUrl}/fal-ai/sam-3/${endpoint}`, { headers: auth, json: input });
const download = async (file: { url: string }) => (await call('GET', file.url)).body;

describe('fal-ai/sam-3/3d-body', () => {
	it('answers SAM3DBodyOutput: one person per figure, a GLB with keypoint markers, a PNG visualization, a PLY per person', async () => {
		const response = await sync('3d-body', { image_url: photoUrl });
		expect(response.status).toBe(200);
		const output = response.json;
		expect(Object.keys(output).sort()).toEqual(['meshes', 'metadata', 'model_glb', 'visualization']);
		expect(output.metadata.num_people).toBe(2);
		const people = output.metadata.people;
		expect(people.map((p: { person_id: number }) => p.person_id)).toEqual([0, 1]);
		const bboxes = people.map((p: { bbox: number[] }) => p.bbox).sort((a: number[], b: number[]) => a[0] - b[0]);
		expect(bboxes).toEqual([
			[20, 20, 50, 110],
			[100, 30, 130, 110],
		]);
		for (const person of people) {
			expect(Object.keys(person).sort()).toEqual(['bbox', 'focal_length', 'keypoints_2d', 'keypoints_3d', 'person_id', 'pred_cam_t']);
			expect(person.keypoints_2d).toHaveLength(70);
			expect(person.keypoints_3d).toHaveLength(70);
			expect(person.pred_cam_t).toHaveLength(3);
			// Keypoints lie in the person's box; the person stands in front of the camera.
			for (const [x, y] of person.keypoints_2d) {
				expect(x).toBeGreaterThanOrEqual(person.bbox[0]);
				expect(x).toBeLessThanOrEqual(person.bbox[2]);
				expect(y).toBeGreaterThanOrEqual(person.bbox[1]);
				expect(y).toBeLessThanOrEqual(person.bbox[3]);
			}
			expect(person.pred_cam_t[2]).toBeGreaterThan(0);
		}
		// The shorter figure (80 px vs 90 px) is farther away.
		const byLeft = [...people].sort((a, b) => a.bbox[0] - b.bbox[0]);
		expect(byLeft[1].pred_cam_t[2]).toBeGreaterThan(byLeft[0].pred_cam_t[2]);

		const { gltf } = readGlb(await download(output.model_glb));
		// Two bodies and 70 markers each (include_3d_keypoints defaults to true).
		expect(gltf.meshes).toHaveLength(2 + 2 * 70);
		const picture = await sharp(await download(output.visualization)).metadata();
		expect(picture).toMatchObject({ format: 'png', width: 320, height: 120 });
		expect(output.meshes).toHaveLength(2);
		for (const file of output.meshes) {
			const ply = readPly(await download(file));
			expect([ply.count, ply.faces.length]).toEqual([8, 12]);
		}
	});

	it('export_meshes false: no meshes; include_3d_keypoints false: no markers in the GLB', async () => {
		const output = (await sync('3d-body', { image_url: photoUrl, export_meshes: false, include_3d_keypoints: false })).json;
		expect(output.meshes).toBeUndefined();
		expect(readGlb(await download(output.model_glb)).gltf.meshes).toHaveLength(2);
		expect(output.metadata.people[0].keypoints_3d).toHaveLength(70);
	});

	it('mask_url: skips detection, one person with the bbox computed from the mask', async () => {
		const output = (await sync('3d-body', { image_url: photoUrl, mask_url: maskUrl })).json;
		expect(output.metadata.num_people).toBe(1);
		expect(output.metadata.people[0].bbox).toEqual([100, 30, 130, 110]);
	});

	it('refuses like fal: 422 per invalid field; an image without people fails naming image_url, an empty mask naming mask_url', async () => {
		const response = await sync('3d-body', { export_meshes: 'no', include_3d_keypoints: 1, mask_url: 3 });
		expect(response.status).toBe(422);
		expect(response.json.detail.map((d: { loc: string[]; type: string }) => `${d.loc.join('.')}:${d.type}`)).toEqual([
			'body.image_url:missing',
			'body.mask_url:string_type',
			'body.export_meshes:bool_type',
			'body.include_3d_keypoints:bool_type',
		]);
		// An empty backdrop (a faint smudge, nothing with contrast): nobody to reconstruct.
		const backdrop = Buffer.alloc(100 * 80 * 3, 200);
		backdrop.fill(210, (40 * 100 + 50) * 3, (40 * 100 + 60) * 3);
		const empty = emu.hostImage(await sharp(backdrop, { raw: { width: 100, height: 80, channels: 3 } }).png().toBuffer(), 'image/png', 'empty.png');
		const nobody = await sync('3d-body', { image_url: empty });
		expect(nobody).toMatchObject({ status: 422, json: { detail: [{ loc: ['body', 'image_url'], type: 'no_people_detected' }] } });
		const black = emu.hostImage(await sharp({ create: { width: 100, height: 80, channels: 3, background: '#000' } }).png().toBuffer(), 'image/png', 'black.png');
		const emptyMask = await sync('3d-body', { image_url: photoUrl, mask_url: black });
		expect(emptyMask.json.detail[0]).toMatchObject({ loc: ['body', 'mask_url'], type: 'value_error' });
	});
});

describe('fal-ai/sam-3/3d-align', () => {
	it('aligns a body mesh from 3d-body: PLY, GLB, visualization, metadata; scene_glb only with an object mesh', async () => {
		const body = (await sync('3d-body', { image_url: photoUrl, mask_url: maskUrl })).json;
		const response = await sync('3d-align', { image_url: photoUrl, body_mesh_url: body.meshes[0].url, body_mask_url: maskUrl });
		expect(response.status).toBe(200);
		const output = response.json;
		expect(Object.keys(output).sort()).toEqual(['body_mesh_ply', 'metadata', 'model_glb', 'visualization']);
		expect(Object.keys(output.metadata).sort()).toEqual(['cropped_vertices_count', 'focal_length', 'person_id', 'scale_factor', 'target_points_count', 'translation']);
		expect(output.metadata).toMatchObject({ person_id: 0, cropped_vertices_count: 8, target_points_count: 30 * 80 });
		expect(readPly(await download(output.body_mesh_ply)).count).toBe(8);
		readGlb(await download(output.model_glb));

		const objects = (await sync('3d-objects', { image_url: photoUrl, box_prompts: [{ x_min: 60, y_min: 60, x_max: 90, y_max: 100 }] })).json;
		const scene = (await sync('3d-align', { image_url: photoUrl, body_mesh_url: body.model_glb.url, object_mesh_url: objects.model_glb.url, focal_length: 500 })).json;
		expect(scene.metadata.focal_length).toBe(500);
		expect(readGlb(await download(scene.scene_glb)).gltf.meshes).toHaveLength(2);
	});

	it('refuses like fal: both URLs required; a mesh that is neither PLY nor GLB fails naming its field', async () => {
		const response = await sync('3d-align', { focal_length: 'long' });
		expect(response.json.detail.map((d: { loc: string[] }) => d.loc.join('.'))).toEqual(['body.image_url', 'body.body_mesh_url', 'body.focal_length']);
		const notMesh = await sync('3d-align', { image_url: photoUrl, body_mesh_url: photoUrl });
		expect(notMesh.json.detail[0]).toMatchObject({ loc: ['body', 'body_mesh_url'], type: 'mesh_load_error' });
	});
});
