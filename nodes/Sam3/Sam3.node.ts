import { type INodeType, type INodeTypeDescription, NodeConnectionTypes } from 'n8n-workflow';

import { jobOptionsFields, waitingFields } from './descriptions/job-options.description';
import { CURRENT_VERSION, NODE_VERSIONS, firstPanelOnly } from './descriptions/panel-version';
import { providerFields, toolDescriptionField } from './descriptions/provider.description';
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
		// 2: the panel of issue 30 (descriptions/panel-version.ts); workflows saved with 1 keep their panel and run as before.
		version: NODE_VERSIONS,
		defaultVersion: CURRENT_VERSION,
		// Where the prompt comes from: its text, the AI model (a tool node: only it has a Description), or the rows.
		subtitle:
			'={{ ($parameter["authentication"] === "runflowApi" ? "Runflow" : "fal.ai") + ": " + ($parameter["operation"] === "reconstruct3dBody" ? "3D body" : $parameter["operation"] === "align3d" ? "3D align" : $parameter["prompt"] ? $parameter["prompt"] : $parameter["toolDescription"] ? "prompt from the AI model" : $parameter["operation"] === "reconstruct3dObject" ? "3D from masks" : "point and box prompts") }}',
		// For people; what an AI Agent's model reads is the tool's Description (toolDescriptionField).
		description: 'Find objects in images and videos and get their masks, boxes and scores with Meta SAM 3 (Segment Anything), on fal.ai or Runflow',
		// Not "SAM 3": n8n numbers a second node by appending a digit, and "SAM 31" reads as a model version.
		defaults: { name: 'SAM 3 Segmentation' },
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
			toolDescriptionField,
			...providerFields,
			operationField,
			...operationFields,
			...[...waitingFields, ...jobOptionsFields].map(firstPanelOnly),
		],
	};
}
