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
