import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	Workflow,
	createRunExecutionData,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type IRun,
	type ITaskData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { randomUUID } from 'node:crypto';

import { holdBinaryMode, readBinary, storeBinary, useBinaryMode, type BinaryMode, type RigBinaryInput } from './binary-data';
import { RigCredentialsHelper, type RigCredential } from './credentials-helper';
import { prepareEngine } from './engine-setup';
import { toRigError, type RigExecutionError } from './errors';
import { RigNodeTypes, type NodeDefinition } from './node-types';
import { START_NODE_TYPE, StartNode } from './start-node';

export interface RigInputItem {
	json?: IDataObject;
	/** Files by binary property name; stored through n8n's BinaryDataService in the run's binary mode. */
	binary?: Record<string, RigBinaryInput>;
}

export interface RunNodeOptions {
	/** The node under test: a node class (preferred: a fresh instance per run) or an instance. */
	node: NodeDefinition;
	/** Package name the node is registered under; the node's type is `<packageName>.<description.name>`. */
	packageName?: string;
	typeVersion?: number;
	parameters?: INodeParameters;
	credentials?: RigCredential[];
	/** Input items; default one empty item, like a Manual Trigger. */
	items?: RigInputItem[];
	binaryMode?: BinaryMode;
	/** Legacy node setting; `onError` wins when both are set, as in n8n. */
	continueOnFail?: boolean;
	onError?: INode['onError'];
	/** 'workflow' (default): Start -> node under test. 'stack': the node alone on the nodeExecutionStack. */
	start?: 'workflow' | 'stack';
	/** Cancels the execution (like the editor's stop button) when aborted. */
	signal?: AbortSignal;
	/** Cancels the execution this many ms after it starts. */
	cancelAfterMs?: number;
	mode?: WorkflowExecuteMode;
	nodeName?: string;
}

export interface RunNodeResult {
	/** Items on the node's first output. */
	items: INodeExecutionData[];
	/** All outputs (with onError 'continueErrorOutput' the last one holds the error items). */
	outputs: INodeExecutionData[][];
	/** Items (any output) whose json carries `error`: what continueOnFail produces for failed items. */
	errorItems: INodeExecutionData[];
	/** Set when the node threw (the execution failed or was cancelled). */
	error?: RigExecutionError;
	status: IRun['status'];
	/** The input items as the node received them (binary already stored). */
	inputItems: INodeExecutionData[];
	/** The raw run and the node's task data, for anything not summarised above. */
	run: IRun;
	taskData?: ITaskData;
	/** Reads an item's binary property back through n8n's BinaryDataService (both modes). */
	readBinary(item: INodeExecutionData, property?: string): Promise<Buffer>;
}

export interface RunningNode {
	result: Promise<RunNodeResult>;
	/** Cancels the execution as n8n's stop button does (aborts in-flight requests). */
	cancel(): void;
}

const START_NAME = 'Start';

/** Runs one node through n8n-core's real WorkflowExecute. See startNode for cancelling mid-run. */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	return await startNode(options).result;
}

/** Starts a run and returns a handle to cancel it; `result` settles when the execution is over. */
export function startNode(options: RunNodeOptions): RunningNode {
	let cancelRequested = false;
	let cancelExecution = () => {
		cancelRequested = true;
	};
	const result = execute(options, (cancel) => {
		cancelExecution = cancel;
		if (cancelRequested) cancel();
	});
	return { result, cancel: () => cancelExecution() };
}

async function execute(options: RunNodeOptions, onStarted: (cancel: () => void) => void): Promise<RunNodeResult> {
	prepareEngine();
	const mode = options.mode ?? 'manual';
	const workflowId = `rig-${randomUUID().slice(0, 8)}`;
	const executionId = String(Math.floor(Math.random() * 1e9));
	await useBinaryMode(options.binaryMode ?? 'default');
	const release = holdBinaryMode();
	try {
		const nodeTypes = new RigNodeTypes();
		const { typeName, latestVersion } = nodeTypes.register(options.node, options.packageName ?? 'n8n-nodes-rig');
		nodeTypes.register(StartNode, START_NODE_TYPE.split('.')[0]);

		const credentialsHelper = new RigCredentialsHelper();
		const nodeCredentials = Object.fromEntries(
			(options.credentials ?? []).map((credential) => [credential.type.name, credentialsHelper.add(credential)]),
		);

		const nodeName = options.nodeName ?? 'Node Under Test';
		const node: INode = {
			id: randomUUID(),
			name: nodeName,
			type: typeName,
			typeVersion: options.typeVersion ?? latestVersion,
			position: [200, 0],
			parameters: options.parameters ?? {},
			credentials: nodeCredentials,
			...(options.continueOnFail !== undefined && { continueOnFail: options.continueOnFail }),
			...(options.onError !== undefined && { onError: options.onError }),
		};
		const viaWorkflow = (options.start ?? 'workflow') === 'workflow';
		const start: INode = { id: randomUUID(), name: START_NAME, type: START_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
		const nodes = viaWorkflow ? [start, node] : [node];
		const connections: IConnections = viaWorkflow ? { [START_NAME]: { main: [[{ node: nodeName, type: 'main' as const, index: 0 }]] } } : {};
		const workflow = new Workflow({
			id: workflowId,
			name: 'Rig workflow',
			nodes,
			connections,
			active: false,
			nodeTypes,
			settings: { executionOrder: 'v1' },
		});

		const inputItems = await Promise.all(
			(options.items ?? [{ json: {} }]).map(async (item) => await toExecutionItem(item, workflowId, executionId)),
		);
		const workflowData: IWorkflowBase = {
			id: workflowId,
			name: 'Rig workflow',
			active: false,
			isArchived: false,
			activeVersionId: null,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes,
			connections,
			settings: { executionOrder: 'v1' },
		};
		const additionalData = {
			credentialsHelper,
			hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData),
			executionId,
			currentNodeExecutionIndex: 0,
			restApiUrl: 'http://127.0.0.1:5678/rest',
			instanceBaseUrl: 'http://127.0.0.1:5678/',
			webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
			webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
			webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
			formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
			variables: {},
			executeWorkflow: async () => {
				throw new Error('The rig does not run sub-workflows');
			},
			logAiEvent: () => {},
			setExecutionStatus: () => {},
		} as unknown as IWorkflowExecuteAdditionalData;

		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: viaWorkflow ? start : node, data: { main: [inputItems] }, source: null }],
			},
		});
		const execution = new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);
		const cancel = () => execution.cancel();
		onStarted(cancel);
		const timer = options.cancelAfterMs !== undefined ? setTimeout(cancel, options.cancelAfterMs) : undefined;
		options.signal?.addEventListener('abort', cancel, { once: true });
		if (options.signal?.aborted) cancel();
		let run: IRun;
		try {
			run = await execution;
		} finally {
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', cancel);
		}
		return summarise(run, nodeName, inputItems);
	} finally {
		release();
	}
}

async function toExecutionItem(item: RigInputItem, workflowId: string, executionId: string): Promise<INodeExecutionData> {
	const executionItem: INodeExecutionData = { json: item.json ?? {} };
	if (item.binary) {
		executionItem.binary = {};
		for (const [property, input] of Object.entries(item.binary)) {
			executionItem.binary[property] = await storeBinary(input, workflowId, executionId);
		}
	}
	return executionItem;
}

function summarise(run: IRun, nodeName: string, inputItems: INodeExecutionData[]): RunNodeResult {
	const taskData = run.data.resultData.runData[nodeName]?.at(-1);
	const outputs = (taskData?.data?.main ?? []).map((output) => output ?? []);
	const executionError = taskData?.error ?? run.data.resultData.error;
	return {
		items: outputs[0] ?? [],
		outputs,
		errorItems: outputs.flat().filter((item) => item.json?.error !== undefined),
		error: executionError ? toRigError(executionError) : undefined,
		status: run.status,
		inputItems,
		run,
		taskData,
		readBinary: async (item, property = 'data') => {
			const binary = item.binary?.[property];
			if (!binary) throw new Error(`Item has no binary property "${property}"`);
			return await readBinary(binary);
		},
	};
}
