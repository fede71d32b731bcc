import { type INodeType, type INodeTypeDescription, NodeConnectionTypes } from 'n8n-workflow';

import { jobOptionsFields, waitingFields } from './descriptions/job-options.description';
import { providerFields } from './descriptions/provider.description';
import { operationField, operationFields } from './operations';

/**
 * SAM 3 segmentation on fal.ai or Runflow. A declarative shell: n8n's RoutingNode runs it, and each item's
 * whole job (parameters, upload, submit, polls, result, output) runs in its operation's run
 * (operations/<operation>/run.ts), set as the operation option's `routing.operations.pagination` hook
 * (operations/index.ts, the router). That is the only hook n8n runs around a whole item, so a concurrency slot
 * covers upload to last poll and every error becomes that item's own item. Every request of the job goes through
 * transport/http.ts with the item's credential and n8n's Request Options (proxy, Ignore SSL Issues, Timeout).
 */
export class Sam3 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SAM 3',
		name: 'sam3',
		icon: { light: 'file:sam3.svg', dark: 'file:sam3.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ ($parameter["authentication"] === "runflowApi" ? "Runflow" : "fal.ai") + ": " + ($parameter["prompt"] || "points / boxes") }}',
		// Also what an AI Agent's model reads about the tool (n8n's "Set Automatically" tool description), where the
		// arguments the editor's ✨ button creates are named after the fields (Image_URL, Text_Prompt) with no text.
		description:
			'Find every object matching a short text prompt in an image with Meta SAM 3 (fal.ai or Runflow; the Segment Video operation does videos on fal.ai): one mask per object with its score, box and mask image. Image URL: a public http(s) link to the image. Text Prompt: a short noun phrase naming what to find, e.g. "product" or "red car".',
		defaults: { name: 'SAM 3' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'falApi', required: true, displayOptions: { show: { authentication: ['falApi'] } } },
			{ name: 'runflowApi', required: true, displayOptions: { show: { authentication: ['runflowApi'] } } },
		],
		// Marks the node declarative for n8n (run by RoutingNode, given the Request Options collection); the job
		// builds every request itself, from the credential's endpoints.
		requestDefaults: {},
		properties: [
			...providerFields,
			operationField,
			...operationFields,
			...waitingFields,
			...jobOptionsFields,
		],
	};
}
