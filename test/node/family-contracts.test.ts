/**
 * The contracts of the 3D and per-object tracking endpoints: what the node sends is checked against fal's declared
 * fields, defaults and ranges before any job starts, and what comes back is read leniently where it may be odd
 * (a pose vector as text) and strictly where the result cannot do without it (the splat, the frame size).
 */
import { Body3dInputSchema, Body3dOutputSchema, Objects3dInputSchema, Objects3dOutputSchema } from '../../nodes/Sam3/contract/reconstruct-3d.schema';
import { readOutput } from '../../nodes/Sam3/contract/result-file';
import { TracksInputSchema, TracksOutputSchema, tracksOf } from '../../nodes/Sam3/contract/tracks.schema';

const file = (name: string) => ({ url: `https://cdn.example/${name}`, content_type: 'model/gltf-binary', file_name: name, file_size: 1234 });

describe('Reconstruct 3D Object contract', () => {
	it('takes fal\'s fields with their ranges, and only those', () => {
		const ok = Objects3dInputSchema.safeParse({ image_url: 'https://x.example/sneaker.jpg', mask_urls: ['https://x.example/m.png'], seed: 7, detection_threshold: 0.4 });
		expect(ok.success && ok.data.export_textured_glb).toBe(false);
		expect(Objects3dInputSchema.safeParse({ image_url: 'https://x.example/a.jpg', detection_threshold: 0.05 }).success).toBe(false);
		expect(Objects3dInputSchema.safeParse({ image_url: 'https://x.example/a.jpg', seed: 1.5 }).success).toBe(false);
		expect(Objects3dInputSchema.safeParse({ image_url: 'https://x.example/a.jpg', max_masks: 3 }).success).toBe(false);
		expect(Objects3dInputSchema.safeParse({ image_url: 'ftp://x.example/a.jpg' }).success).toBe(false);
	});

	it('reads the splat, meshes, zip and per-object poses; names a missing splat', () => {
		const out = readOutput(Objects3dOutputSchema, {
			gaussian_splat: file('scene.ply'),
			model_glb: file('scene.glb'),
			individual_glbs: [file('o0.glb'), file('o1.glb')],
			individual_splats: [file('o0.ply'), file('o1.ply')],
			artifacts_zip: file('all.zip'),
			metadata: [{ object_index: 0, scale: [[1, 1, 1]], rotation: [[0, 0, 0, 1]], translation: [['0.5', 0, 2]], camera_pose: 'odd' }],
		}, 'SAM 3D Objects');
		expect(out.individual_glbs).toHaveLength(2);
		expect(out.metadata?.[0]).toMatchObject({ object_index: 0, translation: [[0.5, 0, 2]], camera_pose: undefined });
		expect(() => readOutput(Objects3dOutputSchema, { model_glb: file('a.glb'), metadata: [] }, 'SAM 3D Objects')).toThrow('gaussian_splat is missing');
	});
});

describe('Reconstruct 3D Body contract', () => {
	it('defaults meshes and keypoints on, as fal does', () => {
		expect(Body3dInputSchema.parse({ image_url: 'https://x.example/p.jpg' })).toEqual({ image_url: 'https://x.example/p.jpg', export_meshes: true, include_3d_keypoints: true });
	});

	it('reads the GLB, visualization, meshes and people', () => {
		const out = readOutput(Body3dOutputSchema, {
			model_glb: file('body.glb'),
			visualization: { url: 'https://cdn.example/vis.png' },
			meshes: [file('p0.ply')],
			metadata: { num_people: 1, people: [{ person_id: 0, bbox: [1, 2, 30, 40], focal_length: 900, pred_cam_t: [0, 0, 3], keypoints_2d: [[1, 2]] }] },
		}, 'SAM 3D Body');
		expect(out.metadata?.people?.[0]).toMatchObject({ person_id: 0, bbox: [1, 2, 30, 40] });
	});
});

describe('Track Objects in a Video contract', () => {
	it('needs a prompt, with video-rle-objects\' threshold range (0.01–1, default 0.5)', () => {
		expect(TracksInputSchema.parse({ video_url: 'https://x.example/clip.mp4', prompt: 'person' }).detection_threshold).toBe(0.5);
		expect(TracksInputSchema.safeParse({ video_url: 'https://x.example/clip.mp4', prompt: 'person', detection_threshold: 0.005 }).success).toBe(false);
		expect(TracksInputSchema.safeParse({ video_url: 'https://x.example/clip.mp4' }).success).toBe(false);
	});

	it('regroups frames into one track per object, in frame order, an absent object simply missing', () => {
		const out = readOutput(TracksOutputSchema, {
			width: 64,
			height: 48,
			num_frames: 3,
			frames: [
				{ frame_index: 1, objects: [{ track_id: 1, rle: '5 2' }] },
				{ frame_index: 0, objects: [{ track_id: 0, rle: '1 4' }, { track_id: 1, rle: '9 3' }, { rle: 'no id' }] },
				{ frame_index: 2, objects: [] },
			],
		}, 'SAM 3 tracks');
		expect(tracksOf(out)).toEqual([
			{ trackId: 0, frames: [{ frameIndex: 0, rle: '1 4' }] },
			{ trackId: 1, frames: [{ frameIndex: 0, rle: '9 3' }, { frameIndex: 1, rle: '5 2' }] },
		]);
	});

	it('names a missing frame size (the masks cannot be decoded without it)', () => {
		expect(() => readOutput(TracksOutputSchema, { frames: [], height: 48, num_frames: 0 }, 'SAM 3 tracks')).toThrow('width is missing');
		expect(() => readOutput(TracksOutputSchema, { frames: [], width: 100_000, height: 100_000 }, 'SAM 3 tracks')).toThrow(/larger than/);
	});
});
