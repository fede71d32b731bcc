import type { INodeProperties } from 'n8n-workflow';

import { runSegmentationJob } from '../job/run-segmentation-job';

/**
 * The provider parameter must be named `authentication`: RoutingNode picks the credential through it.
 * The single operation carries the job runner as its pagination hook (see Sam3.node.ts for why).
 */
export const providerFields: INodeProperties[] = [
	{
		displayName: 'Provider',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Fal.ai', value: 'falApi', description: 'Run SAM 3 on fal.ai (fal-ai/sam-3/image)' },
			{ name: 'Runflow', value: 'runflowApi', description: 'Run SAM 3 on Runflow (meta/sam-3/image)' },
		],
		default: 'falApi',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Segment Image',
				value: 'segment',
				action: 'Segment an image',
				description: 'Find the objects matching your prompts and return their masks as files',
				routing: { send: { paginate: true }, operations: { pagination: runSegmentationJob } },
			},
		],
		default: 'segment',
	},
];
