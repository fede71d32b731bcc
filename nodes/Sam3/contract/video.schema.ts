import { z } from 'zod';

import { MAX_VIDEO_FRAMES } from '../limits';
import { BoxPromptSchema, FramedBoxPromptSchema, FramedPointPromptSchema, PointPromptSchema } from './sam3.schema';

/**
 * The SAM 3 video contract, as fal documents its four video endpoints (sam3-family.md §4): fal-ai/sam-3/video,
 * fal-ai/sam-3/video-rle, fal-ai/sam-3-1/video, fal-ai/sam-3-1/video-rle. Their tables differ, so each endpoint
 * has its own schema, and no default is shared between them: apply_mask is on by default for /video and off for
 * /video-rle, detection_threshold ranges 0.1–1 vs 0.01–1, max_num_objects is 3.1's, frame_index on prompts and
 * mask_url / frame_index / boundingbox_zip are video-rle's, video_output_type is /video's. Runflow has no video
 * model (§10): these endpoints are fal's only.
 */

export const VIDEO_MODELS = ['sam-3', 'sam-3-1'] as const;
export type VideoModel = (typeof VIDEO_MODELS)[number];
/** What comes back: the video with the masks drawn on it (/video), or per-frame masks as RLE (/video-rle). */
export const VIDEO_OUTPUTS = ['video', 'rle'] as const;
export type VideoOutputKind = (typeof VIDEO_OUTPUTS)[number];

export interface VideoEndpoint {
	/** The submit path (full endpoint id). */
	id: VideoEndpointId;
	/** The endpoint's path under its app: `video` or `video-rle`. */
	path: 'video' | 'video-rle';
	/** The queue app root, for the provider's status/result/cancel when it returns no URLs (§9). */
	app: string;
	model: VideoModel;
	output: VideoOutputKind;
}

export function videoEndpoint(model: VideoModel, output: VideoOutputKind): VideoEndpoint {
	const path = output === 'rle' ? 'video-rle' : 'video';
	return { id: `fal-ai/${model}/${path}`, path, app: `fal-ai/${model}`, model, output };
}

export const VIDEO_OUTPUT_TYPES = ['X264 (.mp4)', 'VP9 (.webm)'] as const;

/** A file input: an http(s) URL or a data: URI (fal accepts both for file inputs). */
const fileUrl = (what: string) =>
	z
		.string()
		.min(1, `a ${what} is required`)
		.refine((url) => /^(https?:\/\/[^\s/]+|data:[\w.+-]+\/[\w.+-]+;base64,)/i.test(url), { message: 'must be an absolute http(s) URL or a data: URI' });

const threshold = (min: number) =>
	z
		.number({ invalid_type_error: `must be a number between ${min} and 1` })
		.min(min, `must be between ${min} and 1`)
		.max(1, `must be between ${min} and 1`)
		.default(0.5);

const shared = {
	video_url: fileUrl('video').describe('URL of the video to segment'),
	prompt: z.string().trim().min(1).optional().describe('Text prompt; use commas to track several objects (e.g. "person, cloth")'),
};

const maxObjects = {
	max_num_objects: z
		.number({ invalid_type_error: 'must be a number between 1 and 128' })
		.int('must be a whole number')
		.min(1, 'must be between 1 and 128')
		.max(128, 'must be between 1 and 128')
		.default(16)
		.describe('Most objects SAM 3.1 tracks at once'),
};

const videoFields = {
	...shared,
	point_prompts: z.array(PointPromptSchema).optional().describe('Point prompts (this endpoint takes no frame index)'),
	box_prompts: z.array(BoxPromptSchema).optional().describe('Box prompts in pixels (this endpoint takes no frame index)'),
	apply_mask: z.boolean().default(true).describe('Draw the masks over the footage (off: a mask video)'),
	video_output_type: z.enum(VIDEO_OUTPUT_TYPES).default('X264 (.mp4)').describe('Container and codec of the result video'),
	detection_threshold: threshold(0.1).describe('Confidence needed to track a detected object'),
};

const rleFields = {
	...shared,
	point_prompts: z.array(FramedPointPromptSchema).optional().describe('Point prompts, each on its frame (frame_index)'),
	box_prompts: z.array(FramedBoxPromptSchema).optional().describe('Box prompts in pixels, each on its frame (frame_index)'),
	apply_mask: z.boolean().default(false).describe('Also draw the masks over the footage'),
	detection_threshold: threshold(0.01).describe('Confidence needed to track an object (fal: 0.5 for existing, 0.7 for new ones; try 0.2–0.3 if text prompts fail)'),
	mask_url: fileUrl('mask').optional().describe('URL of a mask to start from (white = object), on Mask Frame Index'),
	frame_index: z
		.number({ invalid_type_error: 'must be a number' })
		.int('must be a whole number')
		.min(0, 'must be 0 or more')
		.default(0)
		.describe('The frame the initial mask (Mask URL) belongs to'),
	boundingbox_zip: z.boolean().default(false).describe('Also return a zip of per-frame bounding box images'),
};

export const VIDEO_INPUT_SCHEMAS = {
	'fal-ai/sam-3/video': z.object(videoFields).strict(),
	'fal-ai/sam-3-1/video': z.object({ ...videoFields, ...maxObjects }).strict(),
	'fal-ai/sam-3/video-rle': z.object(rleFields).strict(),
	'fal-ai/sam-3-1/video-rle': z.object({ ...rleFields, ...maxObjects }).strict(),
};

export type VideoEndpointId = keyof typeof VIDEO_INPUT_SCHEMAS;
export type VideoInput = z.input<(typeof VIDEO_INPUT_SCHEMAS)[VideoEndpointId]>;

export function videoInputSchema(endpoint: VideoEndpoint) {
	return VIDEO_INPUT_SCHEMAS[endpoint.id];
}

// ---- output -------------------------------------------------------------------------------------

/*
 * What the video endpoints answer (§5): the schema says `{video: File, boundingbox_frames_zip: File | null}` for
 * all four; fal's own example gives `video` as a bare URL; real video-rle runs answered per-frame `rle` strings
 * with normalized boxes (and null scores), and a union with `rle` as a File is declared. All are read; optional
 * odd fields are dropped, what is missing altogether is named.
 */
const lenientNumber = z
	.preprocess((value) => (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value), z.number().finite())
	.optional()
	.catch(undefined);
const lenientString = z.string().optional().catch(undefined);

export const VideoFileSchema = z
	.object({ url: z.string().min(1), content_type: lenientString, file_name: lenientString, file_size: lenientNumber })
	.passthrough();
/** A File object, or a bare URL string as fal's example shows it. */
const FileOrUrl = z.union([VideoFileSchema, z.string().min(1).transform((url) => ({ url }))]);
const NormalizedBox = z
	.array(lenientNumber)
	.length(4)
	.refine((box) => box.every((value) => value !== undefined))
	.transform((box) => box as number[])
	.nullable()
	.catch(null);

/** Names a dropped optional field (the answer's item lists it under `warnings`): what it held, why it is no use. */
export type DropNote = (field: string, value: unknown, why: string) => void;

/** What a dropped value was, briefly: `a number (7)`, `an object ({})`. */
export function describeValue(value: unknown): string {
	const shown = (JSON.stringify(value) ?? String(value)).slice(0, 60);
	if (Array.isArray(value)) return `an array (${shown})`;
	if (typeof value === 'object') return `an object (${shown})`;
	return `${typeof value === 'string' ? 'a string' : `a ${typeof value}`} (${shown})`;
}

/**
 * The video answer's contract, with a note for every odd optional field it drops: a file field that is no file,
 * an `rle` that is neither per-frame strings nor a file, per-frame entries that are not RLE strings (their frames
 * get no mask), boxes / scores / metadata of the wrong shape. null is "none", never odd. What is missing
 * altogether is still an error, and so is more than MAX_VIDEO_FRAMES frames (a bound, not an odd field).
 */
export function videoOutputSchema(drop: DropNote) {
	const optionalFile = (field: string) =>
		FileOrUrl.nullable()
			.optional()
			.catch((ctx) => {
				drop(field, ctx.input, 'not a file (an object with a url, or a URL)');
				return undefined;
			});
	const dropped = <T extends z.ZodTypeAny>(field: string, schema: T, why: string) =>
		schema.optional().catch((ctx) => {
			if (ctx.input !== null) drop(field, ctx.input, why);
			return undefined;
		});
	const perFrameRle = (value: unknown[]) => {
		const odd = value.flatMap((entry, frame) => (entry === null || typeof entry === 'string' ? [] : [frame]));
		if (odd.length) {
			const named = odd.slice(0, 5).map((frame) => `rle[${frame}] is ${describeValue(value[frame])}`);
			drop('rle', undefined, `${named.join(', ')}${odd.length > 5 ? ` and ${odd.length - 5} more` : ''}: not RLE strings, so ${odd.length === 1 ? 'that frame has' : `those ${odd.length} frames have`} no mask`);
		}
		return value.map((entry) => (typeof entry === 'string' ? entry : null));
	};
	const rle = z.preprocess(
		(value) => {
			if (value === null || value === undefined) return undefined;
			if (Array.isArray(value)) return value.length > MAX_VIDEO_FRAMES ? value : perFrameRle(value);
			if (typeof value === 'string' || VideoFileSchema.safeParse(value).success) return value;
			drop('rle', value, 'neither per-frame RLE strings nor a file');
			return undefined;
		},
		z
			.union([z.array(z.string().nullable().catch(null)), z.string().transform((one) => [one]), VideoFileSchema])
			.optional()
			.refine((value) => !Array.isArray(value) || value.length <= MAX_VIDEO_FRAMES, `has more than ${MAX_VIDEO_FRAMES} frames`),
	);
	return z
		.object({
			video: optionalFile('video'),
			boundingbox_frames_zip: optionalFile('boundingbox_frames_zip'),
			rle,
			boxes: dropped('boxes', z.array(NormalizedBox).max(MAX_VIDEO_FRAMES), `not a list of at most ${MAX_VIDEO_FRAMES} boxes`),
			scores: dropped('scores', z.array(lenientNumber).max(MAX_VIDEO_FRAMES), `not a list of at most ${MAX_VIDEO_FRAMES} scores`),
			metadata: dropped(
				'metadata',
				z.array(z.object({ index: lenientNumber, score: lenientNumber, box: NormalizedBox.optional() }).passthrough().nullable().catch(null)).max(MAX_VIDEO_FRAMES),
				`not a list of at most ${MAX_VIDEO_FRAMES} entries`,
			),
		})
		.passthrough()
		.refine((output) => (output.video ?? undefined) !== undefined || output.rle !== undefined, { message: 'has neither a video nor per-frame masks (rle)' });
}

/** The contract alone, for what only reads its shape (the drops are not collected). */
export const VideoOutputSchema = videoOutputSchema(() => {});

export type VideoFile = z.infer<typeof VideoFileSchema>;
export type VideoOutput = z.infer<ReturnType<typeof videoOutputSchema>>;
