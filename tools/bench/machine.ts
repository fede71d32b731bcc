/** What the numbers were measured on. */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

function versionOf(pkg: string): string {
	const manifest = join(__dirname, '..', '..', 'node_modules', pkg, 'package.json');
	return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export interface Machine {
	cpu: string;
	cores: number;
	memoryGB: number;
	node: string;
	n8nCore: string;
	n8nWorkflow: string;
	date: string;
}

export function describeMachine(): Machine {
	const list = cpus();
	return {
		cpu: list[0]?.model.trim() ?? 'unknown',
		cores: list.length,
		memoryGB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
		node: process.version,
		n8nCore: versionOf('n8n-core'),
		n8nWorkflow: versionOf('n8n-workflow'),
		date: new Date().toISOString(),
	};
}

/** Clock ticks per second of /proc CPU counters (USER_HZ; 100 on Linux builds). */
const TICKS = 100;

function machineTicks(): { busy: number; total: number } | undefined {
	try {
		const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
		const values = fields.map(Number);
		const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
		return { busy: total - values[3] - values[4], total };
	} catch {
		return undefined;
	}
}

/** This process plus its reaped children (the emulator, the fresh workers), in ticks. */
function ownTicks(): number | undefined {
	try {
		const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
		return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
	} catch {
		return undefined;
	}
}

export interface CpuAccount {
	/** Core-seconds the benchmark (this process and its children) used. */
	benchCoreS: number;
	/** Core-seconds every other process on the machine used meanwhile: other work skews the numbers. */
	othersCoreS: number;
	/** Others' share of the machine's capacity during the run. */
	othersPercent: number;
}

/** Starts counting CPU; call the result after every child process has exited. */
export function startCpuAccount(): () => CpuAccount | undefined {
	const machine = machineTicks();
	const own = ownTicks();
	return () => {
		const machineNow = machineTicks();
		const ownNow = ownTicks();
		if (!machine || !machineNow || own === undefined || ownNow === undefined) return undefined;
		const bench = (ownNow - own) / TICKS;
		const busy = (machineNow.busy - machine.busy) / TICKS;
		const capacity = (machineNow.total - machine.total) / TICKS;
		const others = Math.max(0, busy - bench);
		return { benchCoreS: Math.round(bench), othersCoreS: Math.round(others), othersPercent: Math.round((others / capacity) * 100) };
	};
}
