/** Runs the SAM 3 node through the real engine (tools/rig) against the child-process emulator, timed. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { FalApi } from '../../credentials/FalApi.credentials';
import { RunflowApi } from '../../credentials/RunflowApi.credentials';
import { type BinaryMode, type RigCredential, type RigInputItem, type RunNodeResult, runNode } from '../rig';
import type { EmulatorProcess } from '../e2e/lib/emulator';
import type { Provider } from '../emulator/providers';

// The built node (dist/, as n8n loads it from the installed package; `npm run bench` builds first): the source
// through tsx is esbuild's output, with its own helpers (keepNames' __name wrappers) in every closure.
const { Sam3 } = builtModule('Sam3.node.js') as typeof import('../../nodes/Sam3/Sam3.node');

/** A module of the built node (a path under dist/nodes/Sam3/). */
export function builtModule(path: string): unknown {
	const file = join(__dirname, '..', '..', 'dist', 'nodes', 'Sam3', path);
	if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first (npm run bench does)`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(file);
}

export type { Provider } from '../emulator/providers';

export function credentialsFor(emulator: EmulatorProcess): RigCredential[] {
	const { urls, keys } = emulator.info;
	return [
		{ type: new FalApi(), data: { apiKey: keys.fal, runUrl: urls.falRun, queueUrl: urls.falQueue, restUrl: urls.falRest } },
		{ type: new RunflowApi(), data: { apiKey: keys.runflow, baseUrl: urls.runflow, organizationId: '' } },
	];
}

export interface TimedRun<T> {
	result: T;
	wallMs: number;
	/** CPU time of this process (user + system) during the run. */
	cpuMs: number;
}

export async function timed<T>(work: () => Promise<T>): Promise<TimedRun<T>> {
	const cpu = process.cpuUsage();
	const started = performance.now();
	const result = await work();
	const wallMs = performance.now() - started;
	const used = process.cpuUsage(cpu);
	return { result, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

export interface Sam3BenchRun {
	provider?: Provider;
	parameters: INodeParameters;
	items: number | RigInputItem[];
	binaryMode?: BinaryMode;
}

/** One execution of the node; throws when the node failed or any item carries an error. */
export async function runSam3(emulator: EmulatorProcess, run: Sam3BenchRun): Promise<RunNodeResult> {
	const items = typeof run.items === 'number' ? Array.from({ length: run.items }, (_, i) => ({ json: { row: i } })) : run.items;
	const result = await runNode({
		node: Sam3,
		packageName: 'n8n-nodes-sam3',
		credentials: credentialsFor(emulator),
		items,
		binaryMode: run.binaryMode ?? 'default',
		typeVersion: 1, // the first panel's parameter names (modelOptions, maskDelivery …)
		parameters: { authentication: run.provider ?? 'falApi', operation: 'segment', ...run.parameters },
	});
	if (result.error) throw new Error(`SAM 3 node failed: ${result.error.message}`);
	if (result.errorItems.length) throw new Error(`SAM 3 node: ${result.errorItems.length} item(s) failed: ${JSON.stringify(result.errorItems[0].json.error)}`);
	if (result.items.length !== items.length) throw new Error(`SAM 3 node: ${result.items.length} items out for ${items.length} in`);
	return result;
}

/** The node's own run time as n8n records it (task data), in ms. */
export function nodeExecutionMs(result: RunNodeResult): number | undefined {
	return result.taskData?.executionTime;
}
