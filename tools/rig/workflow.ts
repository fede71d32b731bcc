import { ExecutionLifecycleHooks } from 'n8n-core';
import {
	Workflow,
	type IConnections,
	type INode,
	type INodeParameters,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { randomUUID } from 'node:crypto';

import { RigCredentialsHelper, type RigCredential } from './credentials-helper';
import { RigNodeTypes, type NodeDefinition } from './node-types';
import { START_NODE_TYPE, StartNode } from './start-node';

export interface WorkflowSpec {
	node: NodeDefinition;
	packageName?: string;
	typeVersion?: number;
	parameters?: INodeParameters;
	credentials?: RigCredential[];
	continueOnFail?: boolean;
	onError?: INode['onError'];
	start?: 'workflow' | 'stack';
	nodeName?: string;
	/** The node's Settings tab: Retry On Fail and its tries. */
	settings?: Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
}

export interface BuiltWorkflow {
	workflow: Workflow;
	workflowData: IWorkflowBase;
	/** The node the execution starts at: the Start node, or the node under test itself ('stack'). */
	firstNode: INode;
	nodeName: string;
	credentialsHelper: RigCredentialsHelper;
}

const START_NAME = 'Start';
const SETTINGS = { executionOrder: 'v1' } as const;

/** Start -> node under test (or the node alone), with node types and credentials registered like n8n's. */
export function buildWorkflow(spec: WorkflowSpec, workflowId: string): BuiltWorkflow {
	const nodeTypes = new RigNodeTypes();
	const { typeName, latestVersion } = nodeTypes.register(spec.node, spec.packageName ?? 'n8n-nodes-rig');
	nodeTypes.register(StartNode, START_NODE_TYPE.split('.')[0]);

	const credentialsHelper = new RigCredentialsHelper();
	const credentials = Object.fromEntries(
		(spec.credentials ?? []).map((credential) => [credential.type.name, credentialsHelper.add(credential)]),
	);
	const nodeName = spec.nodeName ?? 'Node Under Test';
	const node: INode = {
		id: randomUUID(),
		name: nodeName,
		type: typeName,
		typeVersion: spec.typeVersion ?? latestVersion,
		position: [200, 0],
		parameters: spec.parameters ?? {},
		credentials,
		...(spec.continueOnFail !== undefined && { continueOnFail: spec.continueOnFail }),
		...(spec.onError !== undefined && { onError: spec.onError }),
		...spec.settings,
	};
	const start: INode = { id: randomUUID(), name: START_NAME, type: START_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
	const viaWorkflow = (spec.start ?? 'workflow') === 'workflow';
	const nodes = viaWorkflow ? [start, node] : [node];
	const connections: IConnections = viaWorkflow ? { [START_NAME]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] } } : {};

	const workflow = new Workflow({ id: workflowId, name: 'Rig workflow', nodes, connections, active: false, nodeTypes, settings: SETTINGS });
	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: workflowId,
		name: 'Rig workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections,
		settings: SETTINGS,
	};
	return { workflow, workflowData, firstNode: nodes[0], nodeName, credentialsHelper };
}

/** The parts of n8n's WorkflowExecuteAdditionalData.getBase a node execution touches. */
export function buildAdditionalData(
	built: BuiltWorkflow,
	executionId: string,
	mode: WorkflowExecuteMode,
): IWorkflowExecuteAdditionalData {
	const base = 'http://127.0.0.1:5678';
	return {
		credentialsHelper: built.credentialsHelper,
		hooks: new ExecutionLifecycleHooks(mode, executionId, built.workflowData),
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		variables: {},
		executeWorkflow: async () => {
			throw new Error('The rig does not run sub-workflows');
		},
		logAiEvent: () => {},
		setExecutionStatus: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;
}
