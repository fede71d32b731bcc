/**
 * The input schemas of fal's four SAM 3 video endpoints, written from sam3-family.md §4 (fal's generated schemas),
 * not from the node's code. They differ per endpoint: apply_mask defaults true on /video and false on /video-rle,
 * detection_threshold ranges 0.1–1 vs 0.01–1, max_num_objects exists on 3.1 only, frame_index on prompts and
 * mask_url / frame_index / boundingbox_zip on /video-rle only, video_output_type on /video only. Like the image
 * schema, unknown keys are ignored (pydantic's default; whether fal forbids them is untested, §7).
 */
import { z } from 'zod';

import type { FieldIssue } from './schema';
import { issuesOf } from './schema';

export const VIDEO_OUTPUT_TYPES = ['X264 (.mp4)', 'VP9 (.webm)'] as const;

const int = z.number().int();
const objectId = int.nullable().optional();
const label = int.refine((v) => v === 0 || v === 1, { params: { type: 'literal_error', expected: '0 or 1' } });

const pointBase = { x: int, y: int, label, object_id: objectId };
const boxBase = { x_min: int, y_min: int, x_max: int, y_max: int, object_id: objectId };
/** PointPrompt / BoxPrompt (video-rle): with "the frame index to interact with". */
const frameIndex = int.min(0).nullable().optional();

const common = {
	video_url: z.string(),
	prompt: z.string().default(''),
};

const video = (maxObjects: boolean) =>
	z.object({
		...common,
		point_prompts: z.array(z.object(pointBase)).default([]),
		box_prompts: z.array(z.object(boxBase)).default([]),
		apply_mask: z.boolean().default(true),
		video_output_type: z.enum(VIDEO_OUTPUT_TYPES).default('X264 (.mp4)'),
		detection_threshold: z.number().min(0.1).max(1).default(0.5),
		...(maxObjects ? { max_num_objects: int.min(1).max(128).default(16) } : {}),
	});

const videoRle = (maxObjects: boolean) =>
	z.object({
		...common,
		point_prompts: z.array(z.object({ ...pointBase, frame_index: frameIndex })).default([]),
		box_prompts: z.array(z.object({ ...boxBase, frame_index: frameIndex })).default([]),
		apply_mask: z.boolean().default(false),
		detection_threshold: z.number().min(0.01).max(1).default(0.5),
		...(maxObjects ? { max_num_objects: int.min(1).max(128).default(16) } : {}),
		mask_url: z.string().nullable().optional(),
		frame_index: int.min(0).default(0),
		boundingbox_zip: z.boolean().default(false),
	});

export const VIDEO_SCHEMAS = {
	'fal-ai/sam-3/video': video(false).extend({ text_prompt: z.string().nullable().optional() }),
	'fal-ai/sam-3-1/video': video(true),
	'fal-ai/sam-3/video-rle': videoRle(false),
	'fal-ai/sam-3-1/video-rle': videoRle(true),
} as const;

export type VideoEndpoint = keyof typeof VIDEO_SCHEMAS;

/**
 * `fal-ai/sam-3/video-rle-objects` (sam3-family.md §4): not in fal-js's endpoint map nor in @fal-ai/client's types;
 * its input as a third-party repo quotes fal's schema — a text concept and a threshold, no visual prompt, no
 * apply_mask. Every instance of the concept is one track.
 */
export const VIDEO_OBJECTS_ENDPOINT = 'fal-ai/sam-3/video-rle-objects';
export const videoObjectsSchema = z.object({
	video_url: z.string(),
	prompt: z.string().default(''),
	detection_threshold: z.number().min(0.01).max(1).default(0.5),
});
export type VideoObjectsInput = z.infer<typeof videoObjectsSchema>;

export function validateVideoObjectsInput(input: unknown): { ok: true; value: VideoObjectsInput } | { ok: false; issues: FieldIssue[] } {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		return { ok: false, issues: [{ path: [], msg: 'Input should be a valid dictionary', type: 'dict_type' }] };
	}
	const parsed = videoObjectsSchema.safeParse(input);
	return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: issuesOf(parsed.error) };
}

/** One parsed video input, whichever endpoint: the fields an endpoint lacks are absent. */
export interface VideoInput {
	video_url: string;
	prompt: string;
	text_prompt?: string | null;
	point_prompts: Array<{ x: number; y: number; label: number; object_id?: number | null; frame_index?: number | null }>;
	box_prompts: Array<{ x_min: number; y_min: number; x_max: number; y_max: number; object_id?: number | null; frame_index?: number | null }>;
	apply_mask: boolean;
	detection_threshold: number;
	video_output_type?: (typeof VIDEO_OUTPUT_TYPES)[number];
	max_num_objects?: number;
	mask_url?: string | null;
	frame_index?: number;
	boundingbox_zip?: boolean;
}

export type VideoValidation = { ok: true; value: VideoInput } | { ok: false; issues: FieldIssue[] };

export function isVideoEndpoint(id: string): id is VideoEndpoint {
	return id in VIDEO_SCHEMAS;
}

export function validateVideoInput(endpoint: VideoEndpoint, input: unknown): VideoValidation {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		return { ok: false, issues: [{ path: [], msg: 'Input should be a valid dictionary', type: 'dict_type' }] };
	}
	const parsed = VIDEO_SCHEMAS[endpoint].safeParse(input);
	if (parsed.success) return { ok: true, value: parsed.data as VideoInput };
	return { ok: false, issues: issuesOf(parsed.error) };
}
