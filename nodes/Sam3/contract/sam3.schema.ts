import { z } from 'zod';

import { MAX_MASKS_PER_RESULT } from '../limits';

/**
 * The SAM 3 contract, as fal.ai (`fal-ai/sam-3/image`) and Runflow (`meta/sam-3/image`) document it.
 * Per-item validation and the panel's types, defaults and ranges derive from these schemas. A new model option
 * also needs its row in model-options.ts (its display name); test/node/model-options.test.ts fails until it has one.
 */

const pixel = (axis: string) =>
	z.number({ invalid_type_error: `${axis} must be a number` }).int(`${axis} must be a whole number of pixels`).min(0, `${axis} must be 0 or more`);
const objectId = z.number().int('object_id must be a whole number').min(0).optional();

const pointFields = {
	x: pixel('x'),
	y: pixel('y'),
	label: z.union([z.literal(0), z.literal(1)], {
		errorMap: () => ({ message: 'label must be 1 (foreground) or 0 (background)' }),
	}),
	object_id: objectId,
};

const boxFields = { x_min: pixel('x_min'), y_min: pixel('y_min'), x_max: pixel('x_max'), y_max: pixel('y_max'), object_id: objectId };

interface BoxCorners {
	x_min: number;
	y_min: number;
	x_max: number;
	y_max: number;
}

const withCornersInOrder = <T extends z.ZodType<BoxCorners>>(schema: T) =>
	schema
		.refine((box) => box.x_min < box.x_max, { message: 'x_min must be less than x_max', path: ['x_min'] })
		.refine((box) => box.y_min < box.y_max, { message: 'y_min must be less than y_max', path: ['y_min'] });

export const PointPromptSchema = z.object(pointFields).strict();
export const BoxPromptSchema = withCornersInOrder(z.object(boxFields).strict());

/** video-rle's prompts carry "the frame index to interact with" (sam3-family.md §2); the other endpoints' do not. */
const frame_index = z.number({ invalid_type_error: 'frame_index must be a number' }).int('frame_index must be a whole number').min(0, 'frame_index must be 0 or more').optional();
export const FramedPointPromptSchema = z.object({ ...pointFields, frame_index }).strict();
export const FramedBoxPromptSchema = withCornersInOrder(z.object({ ...boxFields, frame_index }).strict());

export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp'] as const;

export const Sam3InputSchema = z
	.object({
		image_url: z
			.string()
			.min(1, 'an image is required')
			.refine((url) => /^(https?:\/\/[^\s/]+|data:image\/[\w.+-]+;base64,)/i.test(url), {
				message: 'must be an absolute http(s) URL or a data:image URI',
			})
			.describe('URL of the image to be segmented'),
		prompt: z.string().trim().min(1).optional().describe('Text prompt for segmentation (provider default: "wheel")'),
		point_prompts: z.array(PointPromptSchema).optional().describe('List of point prompts'),
		box_prompts: z
			.array(BoxPromptSchema)
			.optional()
			.describe('Box prompts in pixels; boxes sharing an object ID describe one object'),
		apply_mask: z.boolean().default(true).describe('Apply the mask on the image (returns a preview image)'),
		sync_mode: z
			.boolean()
			.default(false)
			.describe('Return media as data URIs instead of CDN URLs (not kept in the provider\'s request history)'),
		output_format: z.enum(OUTPUT_FORMATS).default('png').describe('The format of the generated images'),
		return_multiple_masks: z
			.boolean()
			.default(false)
			.describe('Return several masks, up to Max Masks'),
		max_masks: z
			.number({ invalid_type_error: 'must be a number between 1 and 32' })
			.int('must be a whole number')
			.min(1, 'must be between 1 and 32')
			.max(32, 'must be between 1 and 32')
			.default(3)
			.describe('Maximum number of masks to return when Return Multiple Masks is on'),
		include_scores: z.boolean().default(false).describe('Whether to include mask confidence scores'),
		include_boxes: z.boolean().default(false).describe('Whether to include a bounding box for each mask'),
	})
	.strict();

export type Sam3Input = z.input<typeof Sam3InputSchema>;
export type PointPrompt = z.infer<typeof PointPromptSchema>;
export type BoxPrompt = z.infer<typeof BoxPromptSchema>;

/** A job's provider-side fields, not part of the model input: the callback (fal webhook / Runflow callback_url) and Runflow's run metadata. */
export const JobOptionsSchema = z
	.object({
		callback_url: z
			.string()
			.url('must be an absolute URL')
			.refine((url) => /^https?:\/\//i.test(url), 'must be an http(s) URL')
			.optional(),
		metadata: z.record(z.unknown(), { invalid_type_error: 'must be a JSON object' }).optional(),
	})
	.strict();

// ---- output -------------------------------------------------------------------------------------

/*
 * Output schemas are lenient where the answer is optional: an odd optional field (a score as text or null, a box
 * of 3 numbers, a width "8") is coerced when it is a number in disguise and dropped otherwise, so the valid masks
 * of a result are never lost over it. What a result cannot do without (masks, each with a url) stays required.
 */
const lenientNumber = z
	.preprocess((value) => (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value), z.number().finite())
	.optional()
	.catch(undefined);
const lenientString = z.string().optional().catch(undefined);
const NormalizedBox = z
	.array(lenientNumber)
	.length(4)
	.refine((box) => box.every((value) => value !== undefined))
	.transform((box) => box as number[])
	.optional()
	.catch(undefined);
const lenientList = <T extends z.ZodTypeAny>(entry: T) => z.array(entry).optional().catch(undefined);

export const ImageFileSchema = z
	.object({
		url: z.string(),
		content_type: lenientString,
		file_name: lenientString,
		file_size: lenientNumber,
		width: lenientNumber,
		height: lenientNumber,
	})
	.passthrough();

/** Per-mask metadata, scores and boxes: the same in the URL and the RLE answer. */
const MaskExtras = {
	metadata: lenientList(
		z
			.object({ index: lenientNumber, score: lenientNumber, box: NormalizedBox })
			.passthrough()
			.optional()
			.catch(undefined),
	),
	scores: lenientList(lenientNumber),
	boxes: lenientList(NormalizedBox),
};

export const Sam3OutputSchema = z
	.object({
		image: ImageFileSchema.optional().catch(undefined),
		masks: z
			.array(ImageFileSchema, { required_error: 'is missing', invalid_type_error: 'is not a list' })
			.max(MAX_MASKS_PER_RESULT, `has more than ${MAX_MASKS_PER_RESULT} masks`),
		...MaskExtras,
	})
	.passthrough();

/**
 * The RLE endpoints' answer (fal-ai/sam-3/image-rle, fal-ai/sam-3-1/image-rle): `rle` is one string for one mask
 * or a list, one per mask (sam3-family.md §3); the strings are decoded by codecs/rle-decode.ts. A list entry that is
 * not a string is a mask that cannot be read, so it fails the result rather than shifting the masks after it.
 */
export const Sam3RleOutputSchema = z
	.object({
		rle: z.union(
			[
				z.string(),
				z
					.array(z.string({ invalid_type_error: 'is not an RLE string' }))
					.max(MAX_MASKS_PER_RESULT, `has more than ${MAX_MASKS_PER_RESULT} masks`),
			],
			{ errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_union' ? 'is neither an RLE string nor a list of them' : ctx.defaultError }) },
		),
		...MaskExtras,
	})
	.passthrough();

export type ImageFile = z.infer<typeof ImageFileSchema>;
export type Sam3Output = z.infer<typeof Sam3OutputSchema>;
export type Sam3RleOutput = z.infer<typeof Sam3RleOutputSchema>;
