/**
 * A node as an AI Agent's tool, through n8n-core's own tool path (n8n 1.x, AI Agent 2.x): a stand-in agent (a test
 * double, no model) asks n8n-core for its `ai_tool` connections (getInputConnectionData → createNodeAsTool →
 * makeHandleToolInvocation, which runs the tool node's RoutingNode with the call's arguments as its input item) and
 * invokes the tool once per planned call. What `invoke` returns is the exact string n8n hands the model.
 *
 *   const run = await runAsAgentTool({ node: Sam3, packageName: 'n8n-nodes-sam3', parameters, credentials,
 *     calls: [{ imageUrl: 'https://…', prompt: 'product' }] });
 *   run.tool  // name, description, argument names the model is offered
 *   run.calls // [{ observation }] or [{ thrown }] per call
 */
import { WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	NodeConnectionTypes,
	Workflow,
	type IConnections,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypeDescription,
	type IRun,
	type IWorkflowBase,
} from 'n8n-workflow';
import { randomUUID } from 'node:crypto';

import { RigCredentialsHelper, type RigCredential } from './credentials-helper';
import { prepareEngine } from './engine-setup';
import { RigNodeTypes, type NodeDefinition } from './node-types';
import { START_NODE_TYPE, StartNode } from './start-node';
import { buildAdditionalData } from './workflow';

const AGENT_TYPE = 'n8n-nodes-rig.rigAgent';

interface InvokableTool {
	name: string;
	description: string;
	schema: { shape?: Record<string, unknown> };
	invoke(args: Record<string, unknown>): Promise<unknown>;
}

/** The stand-in agent: no model, only the tool calls it is given (parameter `calls`, JSON). */
class StandInAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Rig Agent (test double)',
		name: 'rigAgent',
		group: ['transform'],
		version: 1,
		description: 'Calls its connected tool with the planned arguments and reports what the tool returned',
		defaults: { name: 'Agent' },
		inputs: [NodeConnectionTypes.Main, { type: NodeConnectionTypes.AiTool, displayName: 'Tool', required: true }],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Calls', name: 'calls', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const tools = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as InvokableTool[];
		const [tool] = tools;
		const calls = JSON.parse(this.getNodeParameter('calls', 0) as string) as Array<Record<string, unknown>>;
		const results: IDataObject[] = [];
		for (const args of calls) {
			try {
				results.push({ observation: (await tool.invoke(args)) as string });
			} catch (error) {
				results.push({ thrown: (error as Error).message });
			}
		}
		const offered = { name: tool.name, description: tool.description, arguments: Object.keys(tool.schema.shape ?? {}).sort() };
		return [[{ json: { tool: offered, calls: results } }]];
	}
}

export interface AgentToolRunOptions {
	node: NodeDefinition;
	packageName: string;
	parameters: INodeParameters;
	credentials: RigCredential[];
	/** The tool's arguments, one object per call the agent makes. */
	calls: Array<Record<string, unknown>>;
	nodeName?: string;
	onError?: INode['onError'];
	/** The tool node's version (default: the newest, as a new node gets). */
	typeVersion?: number;
}

export interface AgentToolRun {
	tool: { name: string; description: string; arguments: string[] };
	calls: Array<{ observation?: string; thrown?: string }>;
	run: IRun;
}

export async function runAsAgentTool(options: AgentToolRunOptions): Promise<AgentToolRun> {
	prepareEngine();
	const nodeTypes = new RigNodeTypes();
	const { typeName, latestVersion } = nodeTypes.register(options.node, options.packageName);
	nodeTypes.register(StartNode, START_NODE_TYPE.split('.')[0]);
	nodeTypes.register(StandInAgent, AGENT_TYPE.split('.')[0]);
	const credentialsHelper = new RigCredentialsHelper();
	const credentials = Object.fromEntries(options.credentials.map((credential) => [credential.type.name, credentialsHelper.add(credential)]));

	const toolName = options.nodeName ?? 'Tool Under Test';
	const nodes: INode[] = [
		{ id: randomUUID(), name: 'Start', type: START_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: randomUUID(), name: 'Agent', type: AGENT_TYPE, typeVersion: 1, position: [200, 0], parameters: { calls: JSON.stringify(options.calls) } },
		{
			id: randomUUID(),
			name: toolName,
			type: `${typeName}Tool`,
			typeVersion: options.typeVersion ?? latestVersion,
			position: [200, 200],
			parameters: options.parameters,
			credentials,
			...(options.onError && { onError: options.onError }),
		},
	];
	const connections: IConnections = {
		Start: { main: [[{ node: 'Agent', type: NodeConnectionTypes.Main, index: 0 }]] },
		[toolName]: { [NodeConnectionTypes.AiTool]: [[{ node: 'Agent', type: NodeConnectionTypes.AiTool, index: 0 }]] },
	};
	const workflowId = `rig-${randomUUID().slice(0, 8)}`;
	const settings = { executionOrder: 'v1' } as const;
	const workflow = new Workflow({ id: workflowId, name: 'Rig agent workflow', nodes, connections, active: false, nodeTypes, settings });
	const now = new Date();
	const workflowData: IWorkflowBase = {
		...{ id: workflowId, name: 'Rig agent workflow', active: false, isArchived: false, activeVersionId: null },
		...{ createdAt: now, updatedAt: now, nodes, connections, settings },
	};
	const built = { workflow, workflowData, firstNode: nodes[0], nodeName: 'Agent', credentialsHelper };
	const executionId = String(Math.floor(Math.random() * 1e9));
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }] },
	});
	const run = await new WorkflowExecute(buildAdditionalData(built, executionId, 'manual'), 'manual', runExecutionData).processRunExecutionData(workflow);
	const agentTask = run.data.resultData.runData.Agent?.at(-1);
	const output = agentTask?.data?.main?.[0]?.[0]?.json as unknown as Omit<AgentToolRun, 'run'> | undefined;
	if (!output) throw new Error(`the stand-in agent gave no output: ${JSON.stringify(agentTask?.error ?? run.data.resultData.error)}`);
	return { ...output, run };
}
