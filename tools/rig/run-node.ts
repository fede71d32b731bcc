import { WorkflowExecute, WorkflowHasIssuesError } from 'n8n-core';
import {
	createRunExecutionData,
	type IDataObject,
	type INodeExecutionData,
	type IRun,
	type ITaskData,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { randomUUID } from 'node:crypto';

import { holdBinaryMode, readBinary, storeBinary, useBinaryMode, type BinaryMode, type RigBinaryInput } from './binary-data';
import { prepareEngine } from './engine-setup';
import { toRigError, type RigExecutionError } from './errors';
import { buildAdditionalData, buildWorkflow, type WorkflowSpec } from './workflow';

export interface RigInputItem {
	json?: IDataObject;
	/** Files by binary property name; stored through n8n's BinaryDataService in the run's binary mode. */
	binary?: Record<string, RigBinaryInput>;
}

/**
 * node: the node under test, a class (preferred: fresh instance per run) or an instance; registered as
 *   `<packageName>.<description.name>` (packageName default 'n8n-nodes-rig'), typeVersion default latest.
 * continueOnFail / onError: the node settings (`onError` wins when both are set, as in n8n).
 * start: 'workflow' (default) runs Start -> node; 'stack' puts the node alone on the nodeExecutionStack.
 */
export interface RunNodeOptions extends WorkflowSpec {
	/** Input items; default one empty item, like a Manual Trigger. */
	items?: RigInputItem[];
	binaryMode?: BinaryMode;
	/** Cancels the execution (like the editor's stop button) when aborted. */
	signal?: AbortSignal;
	/** Cancels the execution this many ms after it starts. */
	cancelAfterMs?: number;
	mode?: WorkflowExecuteMode;
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
		const built = buildWorkflow(options, workflowId);
		const inputItems = await Promise.all(
			(options.items ?? [{ json: {} }]).map(async (item) => await toExecutionItem(item, workflowId, executionId)),
		);
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node: built.firstNode, data: { main: [inputItems] }, source: null }] },
		});
		const workflowExecute = new WorkflowExecute(buildAdditionalData(built, executionId, mode), mode, runExecutionData);
		const execution = startExecution(workflowExecute, built.workflow, built.firstNode.name);

		const cancel = () => execution.cancel();
		onStarted(cancel);
		const timer = options.cancelAfterMs !== undefined ? setTimeout(cancel, options.cancelAfterMs) : undefined;
		options.signal?.addEventListener('abort', cancel, { once: true });
		if (options.signal?.aborted) cancel();
		try {
			return summarise(await execution, built.nodeName, inputItems);
		} finally {
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', cancel);
		}
	} finally {
		release();
	}
}

/** Like n8n, refuses a workflow with issues (e.g. a required parameter left empty), naming the issues. */
function startExecution(workflowExecute: WorkflowExecute, workflow: Workflow, startNode: string) {
	try {
		return workflowExecute.processRunExecutionData(workflow);
	} catch (error) {
		if (error instanceof WorkflowHasIssuesError) {
			const issues = workflowExecute.checkReadyForExecution(workflow, { startNode });
			error.message += ` Issues: ${JSON.stringify(issues)}`;
		}
		throw error;
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
