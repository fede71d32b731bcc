import type { INodeProperties } from 'n8n-workflow';

import type { Sam3InputSchema } from './sam3.schema';

export type ModelField = keyof typeof Sam3InputSchema.shape;

export interface ModelOption {
	/** The parameter's name in the panel (the field's camelCase form is its parameter name). */
	displayName: string;
	/** How error messages name it, when the display name is too long for a sentence. */
	label?: string;
	/** Panel-only overrides, e.g. when the option is shown. */
	overrides?: Partial<INodeProperties>;
}

/**
 * The SAM 3 fields a user sets under "Model Options": everything of Sam3InputSchema but the image and the prompts.
 * The panel's options, the error labels and what readJobSettings sends all come from this table; a test fails
 * when a schema field is missing from it. Listed in display-name order, as n8n's lint wants panel options.
 */
export const MODEL_OPTIONS = {
	apply_mask: { displayName: 'Apply Mask (Preview Image)', label: 'Apply Mask' },
	include_boxes: { displayName: 'Include Boxes' },
	include_scores: { displayName: 'Include Scores' },
	max_masks: { displayName: 'Max Masks', overrides: { displayOptions: { show: { returnMultipleMasks: [true] } } } },
	output_format: { displayName: 'Output Format' },
	return_multiple_masks: { displayName: 'Return Multiple Masks' },
	sync_mode: { displayName: 'Return Files as Data URIs', label: 'Return Files as Data URIs' },
} satisfies Partial<Record<ModelField, ModelOption>>;

export type ModelOptionField = keyof typeof MODEL_OPTIONS;

export const MODEL_OPTION_FIELDS = Object.keys(MODEL_OPTIONS) as ModelOptionField[];

/**
 * "Options > Max Masks": how an error names the option, in the collection the panel shows it in (the first panel,
 * node version 1, had them under "Model Options").
 */
export function modelOptionLabel(field: ModelOptionField, collection = 'Options'): string {
	const option: ModelOption = MODEL_OPTIONS[field];
	return `${collection} > ${option.label ?? option.displayName}`;
}
