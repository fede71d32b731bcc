import { type INodeType, type INodeTypeDescription, NodeConnectionTypes } from 'n8n-workflow';

import { imageFields } from './descriptions/image.description';
import { jobOptionsFields, waitingFields } from './descriptions/job-options.description';
import { modelOptionsFields } from './descriptions/model-options.description';
import { promptFields } from './descriptions/prompts.description';
import { providerFields } from './descriptions/provider.description';

/** SAM 3 image segmentation on fal.ai or Runflow. Declarative: RoutingNode runs it, the hooks live with the fields. */
export class Sam3 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SAM 3',
		name: 'sam3',
		icon: { light: 'file:sam3.svg', dark: 'file:sam3.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ ($parameter["authentication"] === "runflowApi" ? "Runflow" : "fal.ai") + ": " + ($parameter["prompt"] || "points / boxes") }}',
		description: 'Segment objects in images with Meta SAM 3 (fal.ai or Runflow) and get the masks as files',
		defaults: { name: 'SAM 3' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'falApi', required: true, displayOptions: { show: { authentication: ['falApi'] } } },
			{ name: 'runflowApi', required: true, displayOptions: { show: { authentication: ['runflowApi'] } } },
		],
		// The job runner sets each URL from the credential's endpoints; RoutingNode still needs defaults to run.
		requestDefaults: { headers: { Accept: 'application/json' }, json: true },
		properties: [
			...providerFields,
			...imageFields,
			...promptFields,
			...modelOptionsFields,
			...waitingFields,
			...jobOptionsFields,
		],
	};
}
