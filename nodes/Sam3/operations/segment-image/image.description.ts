import type { INodeProperties } from 'n8n-workflow';

import { IMAGE_MODELS, MASK_DELIVERIES } from '../../contract/image-targets';
import { currentOptionsField } from '../../descriptions/job-options.description';
import { firstPanelOnly } from '../../descriptions/panel-version';
import { promptFields } from '../../descriptions/prompts.description';
import { imageSourceFields } from '../shared/image-source.description';
import { modelOptions, modelOptionsFields } from './model-options.description';

const falOnly = { show: { authentication: ['falApi'] } };

/** The model version: fal serves SAM 3 and SAM 3.1; Runflow only SAM 3 (the panel says so instead of offering it). */
export const imageTargetFields: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		displayOptions: falOnly,
		options: Object.entries(IMAGE_MODELS).map(([value, model]) => ({ name: model.displayName, value, description: model.description })),
		default: 'sam-3',
	},
	{
		displayName: 'On Runflow this runs SAM 3 with mask files. For SAM 3.1 or run-length (RLE) masks, use a fal.ai credential.',
		name: 'runflowModelNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['runflowApi'] } },
	},
];

/** How the masks come back; either way they end as the same PNG files and JSON. */
const maskDeliveryField: INodeProperties = {
	displayName: 'Mask Delivery',
	name: 'maskDelivery',
	type: 'options',
	options: Object.entries(MASK_DELIVERIES).map(([value, delivery]) => ({ name: delivery.displayName, value, description: delivery.description })),
	default: 'urls',
	description: 'How fal.ai sends the masks back; either way they end as the same PNG files',
};

/** The first panel's (node version 1) Mask Delivery, a row of its own. */
export const maskDeliveryFields: INodeProperties[] = [{ ...maskDeliveryField, displayOptions: falOnly }];

export const imageFields: INodeProperties[] = imageSourceFields('the image to segment', 'the provider');

/** Where a user who searched for background removal is pointed (a notice; not in an AI Agent's tool panel). */
const backgroundRemovalNotice: INodeProperties = {
	displayName:
		"Want a cutout on white or transparent? Import the 'Remove Background' sub-workflow from the examples — see the README's Background removal section.",
	name: 'backgroundRemovalNotice',
	type: 'notice',
	default: '',
	displayOptions: { hide: { '@tool': [true] } },
};

/** Segment Image's own Options in the current panel: how the masks come back and what the model adds to them. */
const imageOptions: INodeProperties[] = [
	{ ...maskDeliveryField, displayOptions: { show: { '/authentication': ['falApi'] } } },
	...modelOptions('maskDelivery'),
];

/**
 * Segment Image's panel, what a user fills first at the top: the image, the prompts, then the model and the
 * Options; the first panel's rows (node version 1) only for workflows saved with it.
 */
export const segmentImageProperties: INodeProperties[] = [
	backgroundRemovalNotice,
	...imageFields,
	...promptFields,
	...imageTargetFields,
	...[...maskDeliveryFields, ...modelOptionsFields].map(firstPanelOnly),
	currentOptionsField(imageOptions),
];
