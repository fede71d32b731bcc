import type { INodeProperties } from 'n8n-workflow';

/**
 * Where an image comes from, for every operation that takes one photo: the same parameter names everywhere, so
 * switching the operation keeps the image. `provider`: who downloads or receives it ("fal", or "the provider" where
 * Runflow runs the operation too).
 */
export function imageSourceFields(what: string, provider = 'fal'): INodeProperties[] {
	return [
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
			description: `Publicly reachable http(s) URL of ${what} (or a data: URI); ${provider} downloads it`,
			displayOptions: { show: { imageSource: ['url'] } },
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the input binary field containing the image',
			description: `Small files are sent inline; larger ones are uploaded to ${provider} first (see Options > Upload)`,
			displayOptions: { show: { imageSource: ['binary'] } },
		},
	];
}

/** The media parameters of these fields, for readMediaSource. */
export const IMAGE_SOURCE_PARAMETERS = { source: 'imageSource', url: 'imageUrl', urlLabel: 'Image URL', binaryProperty: 'binaryPropertyName' };
