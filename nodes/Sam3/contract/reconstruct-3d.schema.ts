import { z } from 'zod';

import { MAX_3D_OBJECTS, MAX_3D_PEOPLE } from '../limits';
import { ResultFileSchema, fileUrl, lenientNumber, resultFiles } from './result-file';
import { BoxPromptSchema, PointPromptSchema } from './sam3.schema';

/**
 * fal's SAM 3D endpoints (sam3-family.md §8; fields, defaults and ranges as fal's client types declare them,
 * @fal-ai/client `SAM3DObjectInput`, `SAM3DBodyInput`, `Sam33dAlignInput`). All three live under the `fal-ai/sam-3`
 * queue app and are fal's only: Runflow has no 3D model. Where fal declares no default (detection_threshold, seed),
 * none is sent and fal's model applies its own.
 */

export const OBJECTS_3D_ENDPOINT = { id: 'fal-ai/sam-3/3d-objects', app: 'fal-ai/sam-3', path: '3d-objects' } as const;
export const BODY_3D_ENDPOINT = { id: 'fal-ai/sam-3/3d-body', app: 'fal-ai/sam-3', path: '3d-body' } as const;
export const ALIGN_3D_ENDPOINT = { id: 'fal-ai/sam-3/3d-align', app: 'fal-ai/sam-3', path: '3d-align' } as const;

const wholeNumber = (what: string) => z.number({ invalid_type_error: `${what} must be a number` }).int(`${what} must be a whole number`);

export const Objects3dInputSchema = z
	.object({
		image_url: fileUrl('image').describe('URL of the image to reconstruct in 3D'),
		prompt: z
			.string()
			.trim()
			.min(1)
			.optional()
			.describe('Text prompt for auto-segmentation when no masks are given (e.g. "chair", "lamp"; fal\'s default: "car")'),
		mask_urls: z
			.array(fileUrl('mask'), { invalid_type_error: 'must be a list of mask URLs' })
			.min(1, 'give at least one mask URL, or leave it empty')
			.max(MAX_3D_OBJECTS, `at most ${MAX_3D_OBJECTS} masks (one per object)`)
			.optional()
			.describe('Mask URLs, one per object (white = object); when given, prompts are not used'),
		point_prompts: z.array(PointPromptSchema).optional().describe('Point prompts for auto-segmentation when no masks are given'),
		box_prompts: z
			.array(BoxPromptSchema)
			.max(MAX_3D_OBJECTS, `at most ${MAX_3D_OBJECTS} boxes (each box is one object)`)
			.optional()
			.describe('Box prompts in pixels; each box is one object to reconstruct'),
		seed: wholeNumber('seed').min(0, 'must be 0 or more').optional().describe('Random seed, for reproducible results'),
		pointmap_url: fileUrl('pointmap')
			.optional()
			.describe('URL of external pointmap / depth data (NPY or NPZ) for better depth estimation'),
		detection_threshold: z
			.number({ invalid_type_error: 'must be a number between 0.1 and 1' })
			.min(0.1, 'must be between 0.1 and 1')
			.max(1, 'must be between 0.1 and 1')
			.optional()
			.describe('Detection confidence (0.1–1): lower finds more objects, less precisely; empty: the model\'s default'),
		export_textured_glb: z
			.boolean()
			.default(false)
			.describe('Export the GLB with a baked texture and UVs instead of vertex colours'),
	})
	.strict();

export const Body3dInputSchema = z
	.object({
		image_url: fileUrl('image').describe('URL of the image containing people'),
		mask_url: fileUrl('mask')
			.optional()
			.describe('URL of a binary mask (white = person): skips automatic person detection; the box comes from the mask'),
		export_meshes: z.boolean().default(true).describe('Export one mesh file (.ply) per person'),
		include_3d_keypoints: z.boolean().default(true).describe('Include 3D keypoint markers (spheres) in the GLB'),
	})
	.strict();

export const Align3dInputSchema = z
	.object({
		image_url: fileUrl('image').describe('URL of the original image (used for depth estimation)'),
		body_mesh_url: fileUrl('body mesh').describe('URL of the SAM 3D Body mesh (.ply or .glb) to align'),
		body_mask_url: fileUrl('body mask').optional().describe('URL of the person\'s mask; without one the whole image is used'),
		object_mesh_url: fileUrl('object mesh').optional().describe('URL of a SAM 3D Object mesh (.glb): also returns the combined scene'),
		focal_length: z
			.number({ invalid_type_error: 'must be a number' })
			.positive('must be more than 0')
			.optional()
			.describe('Focal length from the 3D Body metadata; empty: estimated from the image'),
	})
	.strict();

export type Objects3dInput = z.input<typeof Objects3dInputSchema>;
export type Body3dInput = z.input<typeof Body3dInputSchema>;
export type Align3dInput = z.input<typeof Align3dInputSchema>;

// ---- output -------------------------------------------------------------------------------------

/** fal types the pose vectors as number[][] (sam3-family.md §8); kept as sent when numeric, dropped otherwise. */
const numbers = z.array(z.union([z.array(lenientNumber), lenientNumber])).optional().catch(undefined);
const numberList = z.array(lenientNumber).optional().catch(undefined);

export const Objects3dOutputSchema = z
	.object({
		gaussian_splat: ResultFileSchema,
		model_glb: ResultFileSchema.optional().catch(undefined),
		individual_glbs: resultFiles(MAX_3D_OBJECTS, 'object meshes').optional(),
		individual_splats: resultFiles(MAX_3D_OBJECTS, 'object splats').optional(),
		artifacts_zip: ResultFileSchema.optional().catch(undefined),
		metadata: z
			.array(
				z
					.object({ object_index: lenientNumber, scale: numbers, rotation: numbers, translation: numbers, camera_pose: numbers })
					.passthrough()
					.nullable()
					.catch(null),
			)
			.max(MAX_3D_OBJECTS, `has more than ${MAX_3D_OBJECTS} objects`)
			.optional()
			.catch(undefined),
	})
	.passthrough();

export const Body3dOutputSchema = z
	.object({
		model_glb: ResultFileSchema,
		visualization: ResultFileSchema.optional().catch(undefined),
		meshes: resultFiles(MAX_3D_PEOPLE, 'person meshes').optional(),
		metadata: z
			.object({
				num_people: lenientNumber,
				people: z
					.array(
						z
							.object({
								person_id: lenientNumber,
								bbox: numberList,
								focal_length: lenientNumber,
								pred_cam_t: numberList,
								keypoints_2d: numbers,
								keypoints_3d: numbers,
							})
							.passthrough()
							.nullable()
							.catch(null),
					)
					.max(MAX_3D_PEOPLE, `has more than ${MAX_3D_PEOPLE} people`)
					.optional()
					.catch(undefined),
			})
			.passthrough()
			.optional()
			.catch(undefined),
	})
	.passthrough();

export const Align3dOutputSchema = z
	.object({
		model_glb: ResultFileSchema,
		body_mesh_ply: ResultFileSchema.optional().catch(undefined),
		scene_glb: ResultFileSchema.optional().catch(undefined),
		visualization: ResultFileSchema.optional().catch(undefined),
		metadata: z
			.object({
				person_id: lenientNumber,
				scale_factor: lenientNumber,
				translation: numberList,
				focal_length: lenientNumber,
				target_points_count: lenientNumber,
				cropped_vertices_count: lenientNumber,
			})
			.passthrough()
			.optional()
			.catch(undefined),
	})
	.passthrough();

export type Objects3dOutput = z.infer<typeof Objects3dOutputSchema>;
export type Body3dOutput = z.infer<typeof Body3dOutputSchema>;
export type Align3dOutput = z.infer<typeof Align3dOutputSchema>;
