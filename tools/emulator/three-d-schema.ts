/**
 * The input schemas of fal's SAM 3 3D endpoints, from fal's own client types (@fal-ai/client
 * `src/types/endpoints.d.ts`: SAM3DObjectInput, SAM3DBodyInput, Sam33dAlignInput), checked against
 * sam3-family.md §8. Where they differ, fal's code wins, with two readings kept from fal's JSON schema (which the
 * generated TS types flatten): `null` is accepted where the schema says `…|null` (prompt, seed,
 * detection_threshold, pointmap_url), and prompt coordinates are integers. The TS types make every prompt field
 * optional and type `label` as "0" | "1": both 0/1 and "0"/"1" are taken, and a prompt without coordinates is
 * skipped rather than refused. Unknown keys are ignored (pydantic's default), e.g. 3d-body's `include_mhr_params`,
 * which the schema notes list and the client types do not.
 */
import { z } from 'zod';

import { issuesOf, type FieldIssue } from './schema';

const int = z.number().int();
const coordinate = int.nullable().optional();
const label = z
	.unknown()
	.refine((v) => v === undefined || v === 0 || v === 1 || v === '0' || v === '1', { params: { type: 'literal_error', expected: '0 or 1' } })
	.optional();

const pointPromptBase = z.object({ x: coordinate, y: coordinate, label, object_id: int.nullable().optional() });
const boxPromptBase = z.object({ x_min: coordinate, y_min: coordinate, x_max: coordinate, y_max: coordinate, object_id: int.nullable().optional() });

export const objectsSchema = z.object({
	image_url: z.string(),
	mask_urls: z.array(z.string()).nullable().optional(),
	/**
	 * "Text prompt for auto-segmentation when no masks provided … Default value: "car"". The default applies when no
	 * point or box prompt is given either (as fal's image endpoint does with "wheel"); null: no text prompt.
	 */
	prompt: z.string().nullable().optional(),
	point_prompts: z.array(pointPromptBase).default([]),
	box_prompts: z.array(boxPromptBase).default([]),
	seed: int.nullable().optional(),
	pointmap_url: z.string().nullable().optional(),
	/** "(0.1-1.0) … If not set, uses the model's default." */
	detection_threshold: z.number().min(0.1).max(1).nullable().optional(),
	export_textured_glb: z.boolean().default(false),
});

export const bodySchema = z.object({
	image_url: z.string(),
	mask_url: z.string().nullable().optional(),
	export_meshes: z.boolean().default(true),
	include_3d_keypoints: z.boolean().default(true),
});

export const alignSchema = z.object({
	image_url: z.string(),
	body_mesh_url: z.string(),
	body_mask_url: z.string().nullable().optional(),
	object_mesh_url: z.string().nullable().optional(),
	focal_length: z.number().nullable().optional(),
});

export type ObjectsInput = z.infer<typeof objectsSchema>;
export type BodyInput = z.infer<typeof bodySchema>;
export type AlignInput = z.infer<typeof alignSchema>;

export const THREE_D_SCHEMAS = {
	'fal-ai/sam-3/3d-objects': objectsSchema,
	'fal-ai/sam-3/3d-body': bodySchema,
	'fal-ai/sam-3/3d-align': alignSchema,
} as const;

export type ThreeDEndpoint = keyof typeof THREE_D_SCHEMAS;

export function validateThreeDInput<E extends ThreeDEndpoint>(
	endpoint: E,
	input: unknown,
): { ok: true; value: z.infer<(typeof THREE_D_SCHEMAS)[E]> } | { ok: false; issues: FieldIssue[] } {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		return { ok: false, issues: [{ path: [], msg: 'Input should be a valid dictionary', type: 'dict_type' }] };
	}
	const parsed = THREE_D_SCHEMAS[endpoint].safeParse(input);
	if (parsed.success) return { ok: true, value: parsed.data as z.infer<(typeof THREE_D_SCHEMAS)[E]> };
	return { ok: false, issues: issuesOf(parsed.error) };
}
