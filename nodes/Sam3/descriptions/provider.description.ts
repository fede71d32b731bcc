import type { INodeProperties } from 'n8n-workflow';

/** The provider parameter must be named `authentication`: RoutingNode picks the credential through it. */
export const providerFields: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Fal.ai', value: 'falApi', description: 'Run SAM 3 or SAM 3.1 on fal.ai (fal-ai/sam-3, fal-ai/sam-3-1)' },
			{ name: 'Runflow', value: 'runflowApi', description: 'Run SAM 3 on Runflow (meta/sam-3/image; no SAM 3.1, no RLE)' },
		],
		default: 'falApi',
	},
];

/**
 * What an AI Agent's model reads about the tool. n8n gives a node usable as a tool a Description field of its own
 * unless the node has one (it then uses this default, editable in the tool's panel), so the node's description
 * above the panel stays written for people. The ✨ arguments are named after the fields (Image_URL, Text_Prompt).
 */
export const toolDescriptionField: INodeProperties = {
	displayName: 'Description',
	name: 'toolDescription',
	type: 'string',
	typeOptions: { rows: 3 },
	default:
		'Finds every object matching a short text prompt in an image with Meta SAM 3 and returns one mask per object with its score, box and mask image URL (Segment Video: in a video). Image URL: a public http(s) link to the image. Text Prompt: a short noun phrase naming what to find, e.g. "product" or "red car".',
	description: 'What the AI model reads about this tool: when to call it and what to give it',
	displayOptions: { show: { '@tool': [true] } },
};
