/**
 * A fresh node process for the memory measurements: RSS is only meaningful in a process that has not already
 * grown (and kept) memory for earlier benchmarks. Runs one task against the parent's emulator and prints
 * `RESULT <json>` as its last line. See fresh-process.ts.
 */
import './env';
import { attachEmulator } from '../e2e/lib/emulator';
import type { Contender } from './contenders';
import { benchMemory } from './memory-peak';
import { profileRun } from './profile-cpu';
import { benchScalingPoint } from './scaling';

export type WorkerTask =
	| { task: 'memory'; emulatorUrl: string; items: number }
	| { task: 'scaling'; emulatorUrl: string; items: number; binaryMode: 'default' | 'filesystem' }
	| { task: 'profile'; emulatorUrl: string; items: number; contender: Contender; cap: number };

async function main(): Promise<void> {
	const spec = JSON.parse(process.argv[2]) as WorkerTask;
	const emulator = await attachEmulator(spec.emulatorUrl);
	const result =
		spec.task === 'memory'
			? await benchMemory(emulator, spec.items)
			: spec.task === 'profile'
				? await profileRun(emulator, spec.contender, spec.items, spec.cap)
				: await benchScalingPoint(emulator, spec.items, spec.binaryMode);
	process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
