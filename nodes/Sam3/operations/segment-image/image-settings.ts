import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';
import type { z } from 'zod';

import { camelCase } from '../../contract/fields';
import { ImageModelSchema, MASK_DELIVERIES, MaskDeliverySchema, NOT_FOR_RLE } from '../../contract/image-targets';
import { MODEL_OPTION_FIELDS, modelOptionLabel } from '../../contract/model-options';
import { Sam3InputSchema } from '../../contract/sam3.schema';
import { fromZod, inputError } from '../../job/input-errors';
import { NUMERIC } from '../../job/job-settings';
import type { EndpointRequest } from '../../job/item-job';
import { type MediaParameters, readMediaSource } from '../../job/media-input';
import { formerRow, isFirstPanel, optionGroup } from '../../job/panel-parameters';
import { promptFieldsName, promptListLabels, readPrompts } from '../shared/prompt-parameters';
import { ItemInputError } from '../../transport/errors';
import { ALLOWED_KEYS, FIELD_LABELS } from '../shared/field-labels';
import { IMAGE_KIND } from '../shared/image-bytes';

/** The panel's names of the parameters that choose the endpoint, for errors (Mask Delivery: a row of the first panel). */
export const TARGET_LABELS = { model: 'Model', endpoint: 'Options > Mask Delivery' };
const FIRST_PANEL_TARGET_LABELS = { model: 'Model', endpoint: 'Mask Delivery' };

/** The model options' parameter names (camelCase), as Options holds them. */
const MODEL_OPTION_NAMES = MODEL_OPTION_FIELDS.map(camelCase);

/** An options parameter that an expression may set: one of the contract's values, or an error naming it. */
function choice<T extends string>(itemIndex: number, value: unknown, label: string, schema: z.ZodType<T>): T {
	const parsed = schema.safeParse(typeof value === 'string' ? value.trim() : value);
	if (!parsed.success) throw inputError(itemIndex, label, parsed.error.issues[0].message, value);
	return parsed.data;
}

/** Segment Image's media parameters (image.description.ts). */
const IMAGE_PARAMETERS: MediaParameters = { source: 'imageSource', url: 'imageUrl', urlLabel: 'Image URL', binaryProperty: 'binaryPropertyName' };

/** Segment Image's parameters of one item, validated by the SAM 3 image contract before anything is sent. */
export function readImageRequest(ctx: IExecuteSingleFunctions, itemIndex: number): EndpointRequest {
	const firstPanel = isFirstPanel(ctx);
	const targetLabels = firstPanel ? FIRST_PANEL_TARGET_LABELS : TARGET_LABELS;
	const modelOptions = optionGroup(ctx, 'modelOptions', MODEL_OPTION_NAMES);
	const model = choice(itemIndex, ctx.getNodeParameter('model', 'sam-3'), targetLabels.model, ImageModelSchema);
	const delivery = choice(itemIndex, formerRow(ctx, 'maskDelivery', 'urls'), targetLabels.endpoint, MaskDeliverySchema);

	const media = readMediaSource(ctx, itemIndex, IMAGE_KIND, IMAGE_PARAMETERS);
	const raw: IDataObject = { image_url: media.kind === 'url' ? media.url : 'https://binary.input/placeholder', ...readPrompts(ctx, itemIndex) };
	if (!raw.prompt && !raw.point_prompts && !raw.box_prompts) {
		throw new ItemInputError(
			`No prompt in item ${itemIndex}: set Text Prompt, ${promptFieldsName(ctx)} (without one, fal segments its default concept "wheel")`,
			'Text Prompt',
		);
	}
	for (const field of MODEL_OPTION_FIELDS) {
		const value = modelOptions[camelCase(field)];
		// A number from an expression may arrive as text ("3"): read as a number, anything else left for zod to name.
		if (value !== undefined && value !== '') raw[field] = typeof value === 'string' && NUMERIC.test(value) ? Number(value) : value;
	}
	const parsed = Sam3InputSchema.safeParse(raw);
	if (!parsed.success) {
		const labels: Record<string, string> = { ...FIELD_LABELS, ...promptListLabels(ctx) };
		if (firstPanel) for (const field of MODEL_OPTION_FIELDS) labels[field] = modelOptionLabel(field, 'Model Options');
		throw fromZod(itemIndex, parsed.error, raw, labels, ALLOWED_KEYS);
	}
	// Send only what the user set: parse() filled in defaults, the raw object did not.
	const input: IDataObject = { ...raw };
	delete input.image_url;
	// RLE answers have no preview and no files: those options are hidden in RLE mode, and a value left over is not sent.
	if (delivery === 'rle') for (const field of NOT_FOR_RLE) delete input[field];
	return { target: { model, endpoint: MASK_DELIVERIES[delivery].endpoint }, targetLabels, media, input };
}

