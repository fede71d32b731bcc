/** What the numbers were measured on. */
import { readdirSync, readFileSync } from 'node:fs';
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

/**
 * This process and every process under it, live or reaped, in ticks: each live one's own time plus its reaped
 * children's (cutime/cstime). A server the benchmark started and has not stopped yet (n8n, the emulator) and the
 * GraphicsMagick runs it reaped count as the benchmark's own, not as other work.
 */
function ownTicks(): number | undefined {
	try {
		const procs = new Map<number, { ppid: number; ticks: number }>();
		for (const entry of readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) continue;
			try {
				const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
				procs.set(Number(entry), { ppid: Number(fields[1]), ticks: [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) });
			} catch {
				// gone between the listing and the read: its time is in its parent's reaped-children counters
			}
		}
		const mine = new Set([process.pid]);
		let total = 0;
		for (let grew = true; grew; ) {
			grew = false;
			for (const [pid, p] of procs) if (!mine.has(pid) && mine.has(p.ppid)) (mine.add(pid), (grew = true));
		}
		for (const pid of mine) total += procs.get(pid)?.ticks ?? 0;
		return procs.has(process.pid) ? total : undefined;
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

/** Starts counting CPU: this process tree's against the whole machine's. */
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
