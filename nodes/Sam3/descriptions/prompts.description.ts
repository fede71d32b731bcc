import type { INodeProperties } from 'n8n-workflow';

const objectIdField: INodeProperties = {
	displayName: 'Object ID',
	name: 'objectId',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: '',
	description: 'Optional. Prompts sharing an object ID describe one object; leave empty for separate objects.',
};

/** video-rle's prompts say which frame they are on (sam3-family.md §7); the other endpoints take no frame index. */
const frameIndexField: INodeProperties = {
	displayName: 'Frame Index',
	name: 'frameIndex',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: '',
	description: 'The frame (from 0) this prompt is on; the object is tracked backwards and forwards from there. Empty: the first frame.',
	displayOptions: { show: { '/videoOutput': ['rle'] } },
};

const pixel = (displayName: string, name: string): INodeProperties => ({
	displayName,
	name,
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: 0,
	description: 'In pixels, from the top-left corner of the image',
});

const inputModeField = (name: string, what: string): INodeProperties => ({
	displayName: `${what} Input`,
	name,
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Using Fields Below', value: 'fields' },
		{ name: 'Using JSON', value: 'json', description: 'An array, e.g. from a previous node by expression' },
	],
	default: 'fields',
});

export const promptFields: INodeProperties[] = [
	{
		displayName: 'Text Prompt',
		name: 'prompt',
		type: 'string',
		default: '',
		placeholder: 'e.g. product, person, car wheel',
		description:
			'A short noun phrase naming what to find (e.g. "product", "red car"): every matching object comes back as its own mask. Give a text, point or box prompt (or several).',
	},
	inputModeField('pointPromptsInput', 'Point Prompts'),
	{
		displayName: 'Point Prompts',
		name: 'pointPrompts',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Point',
		default: {},
		displayOptions: { show: { pointPromptsInput: ['fields'] } },
		options: [
			{
				displayName: 'Point',
				name: 'points',
				values: [
					pixel('X', 'x'),
					pixel('Y', 'y'),
					{
						displayName: 'Label',
						name: 'label',
						type: 'options',
						options: [
							{ name: 'Foreground (Include)', value: 'foreground' },
							{ name: 'Background (Exclude)', value: 'background' },
						],
						default: 'foreground',
					},
					objectIdField,
					frameIndexField,
				],
			},
		],
	},
	{
		displayName: 'Point Prompts (JSON)',
		name: 'pointPromptsJson',
		type: 'json',
		default: '[]',
		placeholder: '[{"x": 120, "y": 80, "label": 1}]',
		description:
			'Array of {x, y, label, object_id?}; label is 1 / "foreground" or 0 / "background". Coordinates in pixels. Segment Video with per-frame masks also takes frame_index.',
		displayOptions: { show: { pointPromptsInput: ['json'] } },
	},
	inputModeField('boxPromptsInput', 'Box Prompts'),
	{
		displayName: 'Box Prompts',
		name: 'boxPrompts',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Box',
		default: {},
		displayOptions: { show: { boxPromptsInput: ['fields'] } },
		options: [
			{
				displayName: 'Box',
				name: 'boxes',
				values: [pixel('X Min', 'xMin'), pixel('Y Min', 'yMin'), pixel('X Max', 'xMax'), pixel('Y Max', 'yMax'), objectIdField, frameIndexField],
			},
		],
	},
	{
		displayName: 'Box Prompts (JSON)',
		name: 'boxPromptsJson',
		type: 'json',
		default: '[]',
		placeholder: '[{"x_min": 10, "y_min": 20, "x_max": 200, "y_max": 180}]',
		description: 'Array of {x_min, y_min, x_max, y_max, object_id?} in pixels. Segment Video with per-frame masks also takes frame_index.',
		displayOptions: { show: { boxPromptsInput: ['json'] } },
	},
];
