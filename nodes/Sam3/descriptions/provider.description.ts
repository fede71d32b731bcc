import type { IExecuteSingleFunctions, IN8nHttpFullResponse, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runSegmentationJob } from '../job/run-segmentation-job';

/**
 * The provider parameter must be named `authentication`: RoutingNode picks the credential through it.
 * The single operation carries the job runner: n8n's per-item pagination hook is the one place that wraps a
 * whole item's request, so a concurrency slot taken there is always given back.
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
				routing: {
					request: { method: 'POST' },
					send: { paginate: true },
					operations: { pagination: runSegmentationJob },
					// The job runner reads status and headers (x-fal-request-id, Retry-After) of the submit answer.
					output: { postReceive: [keepFullResponse] },
				},
			},
		],
		default: 'segment',
	},
];

async function keepFullResponse(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const { statusCode, headers, body } = response;
	return [{ json: { statusCode, headers, body } as never }];
}
