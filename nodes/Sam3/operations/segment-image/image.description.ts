import type { INodeProperties } from 'n8n-workflow';

import { IMAGE_MODELS, MASK_DELIVERIES } from '../../contract/image-targets';

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
		displayName: 'Runflow runs SAM 3 (meta/sam-3/image) with the masks as URLs: SAM 3.1 and RLE masks are on fal.ai only',
		name: 'runflowModelNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['runflowApi'] } },
	},
];

/** How the masks come back; either way they end as the same PNG files and JSON. */
export const maskDeliveryFields: INodeProperties[] = [
	{
		displayName: 'Mask Delivery',
		name: 'maskDelivery',
		type: 'options',
		displayOptions: falOnly,
		options: Object.entries(MASK_DELIVERIES).map(([value, delivery]) => ({ name: delivery.displayName, value, description: delivery.description })),
		default: 'urls',
	},
];

export const imageFields: INodeProperties[] = [
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Image URL', value: 'url', description: 'A public http(s) URL (or a data: URI)' },
			{ name: 'Binary File', value: 'binary', description: 'An image file from a previous node' },
		],
		default: 'url',
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/product.jpg',
		description: 'Publicly reachable http(s) URL of the image to segment (or a data: URI); the provider downloads it',
		displayOptions: { show: { imageSource: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the image',
		description:
			'Small files are sent inline; larger ones are uploaded to the provider first (see Options > Upload)',
		displayOptions: { show: { imageSource: ['binary'] } },
	},
];
