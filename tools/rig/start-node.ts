import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

export const START_NODE_TYPE = 'n8n-nodes-rig.rigStart';

/**
 * Stands in for the Manual Trigger: it emits the run's input items (already on the execution stack,
 * as n8n puts a trigger's output there) so the node under test receives them over a real connection.
 */
export class StartNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Rig Start',
		name: 'rigStart',
		group: ['trigger'],
		version: 1,
		description: 'Emits the rig input items',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}
