import { z } from 'zod';

import type { ModelVersion } from './model-target';
import type { ModelOptionField } from './model-options';

/**
 * Which fal endpoint a Segment Image job runs: the model version (SAM 3 or SAM 3.1) and how the masks come back
 * (PNG files behind URLs, or RLE inline). sam3-family.md §3: SAM 3.1 takes SAM 3's input without the deprecated
 * text_prompt (the node never sends it) and answers the same output; the RLE endpoints take the same input and
 * answer `rle` in place of `masks` and `image`. The panel's options and the validation derive from these tables.
 */
export const IMAGE_MODELS: Record<ModelVersion, { displayName: string; description: string }> = {
	'sam-3': { displayName: 'SAM 3', description: 'Meta SAM 3 (fal-ai/sam-3, $0.005 per image)' },
	'sam-3-1': { displayName: 'SAM 3.1', description: 'Meta SAM 3.1, the newer model (fal-ai/sam-3-1, about $0.01 per image)' },
};

export const MASK_DELIVERIES = {
	urls: {
		displayName: 'URLs',
		description: 'Fal stores each mask as a PNG file; the node downloads them',
		endpoint: 'image',
	},
	rle: {
		displayName: 'RLE (Inline)',
		description: 'The masks come back inside the answer, run-length encoded; the node decodes them into the same PNG files (no mask downloads)',
		endpoint: 'image-rle',
	},
} as const;

export type MaskDelivery = keyof typeof MASK_DELIVERIES;

export const ImageModelSchema = z.enum(['sam-3', 'sam-3-1'], {
	errorMap: () => ({ message: `must be one of ${Object.keys(IMAGE_MODELS).map((value) => `"${value}"`).join(', ')}` }),
});
export const MaskDeliverySchema = z.enum(['urls', 'rle'], {
	errorMap: () => ({ message: `must be one of ${Object.keys(MASK_DELIVERIES).map((value) => `"${value}"`).join(', ')}` }),
});

/**
 * Model options with nothing to act on in an RLE answer (it has no preview image and no files): hidden in the
 * panel and not sent in RLE mode.
 */
export const NOT_FOR_RLE: ModelOptionField[] = ['apply_mask', 'output_format', 'sync_mode'];
