import { MODEL_OPTION_FIELDS, modelOptionLabel } from '../../contract/model-options';
import { BoxPromptSchema, PointPromptSchema } from '../../contract/sam3.schema';
import { keysOf } from '../../job/input-errors';

/** How an error names a SAM 3 image contract field: the way the panel shows it. */
export const FIELD_LABELS: Record<string, string> = {
	image_url: 'Image URL',
	prompt: 'Text Prompt',
	point_prompts: 'Point Prompts',
	box_prompts: 'Box Prompts',
	...Object.fromEntries(MODEL_OPTION_FIELDS.map((field) => [field, modelOptionLabel(field)])),
};

/** What a JSON prompt object may hold, for "unknown key" errors. */
export const ALLOWED_KEYS: Record<string, string[]> = {
	point_prompts: keysOf(PointPromptSchema),
	box_prompts: keysOf(BoxPromptSchema),
};
