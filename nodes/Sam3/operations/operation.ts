import type { INodeProperties } from 'n8n-workflow';

import type { PaginationHook } from '../job/provider-job';

/**
 * One operation of the node, as the router (operations/index.ts) lists it: its option in the Operation parameter,
 * its own panel fields and its run. The run is the whole of one item (read parameters, one provider job through
 * job/provider-job.ts, output items, the answer for an AI Agent); n8n's RoutingNode calls it as the option's
 * pagination hook (see Sam3.node.ts).
 */
export interface Operation {
	/** The `operation` parameter's value (kept stable: saved workflows refer to it). */
	readonly value: string;
	readonly name: string;
	readonly action: string;
	readonly description: string;
	/** The operation's own panel fields; operations/index.ts shows them only for this operation. */
	readonly properties: INodeProperties[];
	readonly run: PaginationHook;
}
