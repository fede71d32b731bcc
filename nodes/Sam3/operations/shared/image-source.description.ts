import type { INodeProperties } from 'n8n-workflow';

/**
 * Where an image comes from, for the operations that take one photo beside Segment Image (3D Object, 3D Body):
 * the same parameter names as Segment Image's, so switching the operation keeps the image.
 */
export function imageSourceFields(what: string): INodeProperties[] {
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
			description: `Publicly reachable http(s) URL of ${what} (or a data: URI); fal downloads it`,
			displayOptions: { show: { imageSource: ['url'] } },
		},
		{
			displayName: 'Input Binary Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the input binary field containing the image',
			description: 'Small files are sent inline; larger ones are uploaded to fal first (see Options > Upload)',
			displayOptions: { show: { imageSource: ['binary'] } },
		},
	];
}

/** The media parameters of these fields, for readMediaSource. */
export const IMAGE_SOURCE_PARAMETERS = { source: 'imageSource', url: 'imageUrl', urlLabel: 'Image URL', binaryProperty: 'binaryPropertyName' };
