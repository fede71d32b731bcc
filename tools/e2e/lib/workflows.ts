/** Small workflows built in code for the harness's own checks (base nodes only). */
import type { Workflow, WorkflowNode } from './examples';

let counter = 0;
const nodeId = () => `00000000-e2e0-4000-8000-${String(++counter).padStart(12, '0')}`;

export function node(name: string, type: string, typeVersion: number, parameters: Record<string, any> = {}, extra: Partial<WorkflowNode> = {}): WorkflowNode {
	return { id: nodeId(), name, type, typeVersion, parameters, position: [counter * 220, 0], ...extra };
}

export const manualTrigger = () => node('Start', 'n8n-nodes-base.manualTrigger', 1);

/** A Code node returning the given items' JSON. */
export const codeItems = (name: string, items: object[]) =>
	node(name, 'n8n-nodes-base.code', 2, { jsCode: `return ${JSON.stringify(items)}.map((json) => ({ json }));` });

/** A linear workflow: each node feeds the next. */
export function chain(id: string, name: string, nodes: WorkflowNode[]): Workflow {
	const connections: Record<string, any> = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {}, active: false };
}
