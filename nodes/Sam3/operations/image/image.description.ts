import type { INodeProperties } from 'n8n-workflow';

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
