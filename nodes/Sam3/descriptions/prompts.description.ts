import type { INodeProperties } from 'n8n-workflow';

import { currentPanelOnly, firstPanelOnly } from './panel-version';

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

const textPromptField: INodeProperties = {
	displayName: 'Text Prompt',
	name: 'prompt',
	type: 'string',
	default: '',
	placeholder: 'e.g. product, person, car wheel',
	description:
		'A short noun phrase naming what to find (e.g. "product", "red car"): every matching object comes back as its own mask. Give a text, point or box prompt (or several).',
};

/** The first panel's point and box fields (version 1): four rows, each list by fields or by JSON. */
const firstPanelPromptFields: INodeProperties[] = [
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

/** Object ID in the current panel: the editor stores 0 for a row it shows untouched and null for a cleared field. */
const objectNumberField: INodeProperties = {
	displayName: 'Object ID',
	name: 'objectId',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: 0,
	description: 'Prompts with the same number (1, 2, …) describe one object. 0 or empty: this prompt is an object of its own.',
};

/** Frame Index in the current panel: 0 (the first frame) is what an untouched row holds. */
const frameNumberField: INodeProperties = { ...frameIndexField, default: 0, description: 'The frame (from 0, the first) this prompt is on; the object is tracked backwards and forwards from there' };

/**
 * The current panel's point and box prompts: one row, "Add Point or Box", and JSON for lists made by a previous
 * node. Read by operations/shared/prompt-parameters.ts, which refuses a row added and not filled in.
 */
const pointAndBoxPromptsField: INodeProperties = {
	displayName: 'Point and Box Prompts',
	name: 'pointAndBoxPrompts',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Point or Box',
	default: {},
	description: 'Optional: points on the object or boxes around it, in pixels, instead of or as well as the text prompt',
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
						{ name: 'On the Object (Include)', value: 'foreground' },
						{ name: 'Not on the Object (Exclude)', value: 'background' },
					],
					default: 'foreground',
				},
				objectNumberField,
				frameNumberField,
			],
		},
		{
			displayName: 'Box',
			name: 'boxes',
			values: [pixel('X Min', 'xMin'), pixel('Y Min', 'yMin'), pixel('X Max', 'xMax'), pixel('Y Max', 'yMax'), objectNumberField, frameNumberField],
		},
		{
			displayName: 'Points and Boxes as JSON',
			name: 'json',
			values: [
				{
					displayName: 'Points (JSON)',
					name: 'points',
					type: 'json',
					default: '[]',
					placeholder: '[{"x": 120, "y": 80, "label": 1}]',
					description:
						'Array of {x, y, label, object_id?} in pixels, e.g. by expression from a previous node; label is 1 (include) or 0 (exclude). Segment Video with per-frame masks also takes frame_index.',
				},
				{
					displayName: 'Boxes (JSON)',
					name: 'boxes',
					type: 'json',
					default: '[]',
					placeholder: '[{"x_min": 10, "y_min": 20, "x_max": 200, "y_max": 180}]',
					description: 'Array of {x_min, y_min, x_max, y_max, object_id?} in pixels. Segment Video with per-frame masks also takes frame_index.',
				},
			],
		},
	],
};

/**
 * An operation's prompt fields: Text Prompt, then the point and box prompts (one field in the current panel, the
 * first panel's four for workflows saved with version 1).
 */
export const promptFields: INodeProperties[] = [
	textPromptField,
	currentPanelOnly(pointAndBoxPromptsField),
	...firstPanelPromptFields.map(firstPanelOnly),
];
