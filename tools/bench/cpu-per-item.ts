/**
 * 1b. CPU per item: the SAM 3 node, the bare client and n8n's HTTP Request workflow (the user's alternative: a
 * fal.run call per item, then the mask as a file) segmenting the same 400 items against the emulator answering at
 * once. CPU per item moves with the items in flight (compare the bare client at cap 4 and 100), and the HTTP
 * Request workflow sends every item at once, so the node is measured at its default (cap 4) and at the HTTP
 * workflow's concurrency (cap 100, the most Max Concurrent Jobs allows). A declarative node with the SAM 3
 * node's panel that only sends the same two requests (declarative-floor-node.ts), without and with the node's byte
 * caps, splits the gap into n8n's declarative engine, the caps and the node's own work. Rounds alternate, so drift hits
 * every contender alike. Then each contender once more under V8's sampling profiler in a fresh process
 * (profile-cpu.ts): where its CPU goes.
 */
import type { EmulatorProcess } from '../e2e/lib/emulator';
import { type Contender, httpRequestNode, runContender } from './contenders';
import { inFreshProcess } from './fresh-process';
import type { ProfileResult } from './profile-cpu';
import { timed } from './sam3-runner';

export interface CpuRow {
	contender: Contender;
	/** Max Concurrent Jobs (the HTTP Request workflow: every item at once). */
	cap: number | 'all';
	name: string;
	/** Requests per item. */
	requests: number;
	cpuPerItemMs: number;
	cpuPerItemMsByRound: number[];
	wallPerItemMs: number;
}

export interface CpuResult {
	items: number;
	rounds: number;
	httpRequestNode: string;
	rows: CpuRow[];
	profiles: ProfileResult[];
}

const CONTENDERS: Array<Omit<CpuRow, 'cpuPerItemMs' | 'cpuPerItemMsByRound' | 'wallPerItemMs' | 'name'> & { label: string }> = [
	{ contender: 'node', cap: 4, requests: 4, label: 'SAM 3 node, fal queue (default), cap 4' },
	{ contender: 'sync', cap: 4, requests: 2, label: 'SAM 3 node, fal sync mode, cap 4' },
	{ contender: 'sync', cap: 100, requests: 2, label: 'SAM 3 node, fal sync mode, cap 100' },
	{ contender: 'http', cap: 'all', requests: 2, label: 'HTTP Request workflow (fal.run, then GET mask as file), all at once' },
	{ contender: 'httpHelper', cap: 'all', requests: 2, label: "the same workflow with a minimal node on n8n's httpRequest helper, all at once" },
	{ contender: 'declarative', cap: 'all', requests: 2, label: "a declarative node with the SAM 3 panel, only the same 2 requests on n8n's helpers, all at once" },
	{ contender: 'declarativeCapped', cap: 'all', requests: 2, label: "the same declarative node reading both answers under the node's byte caps, all at once" },
	{ contender: 'raw', cap: 4, requests: 4, label: 'bare undici client, fal queue + status stream, cap 4' },
	{ contender: 'raw', cap: 100, requests: 4, label: 'bare undici client, fal queue + status stream, cap 100' },
	{ contender: 'helpers', cap: 4, requests: 4, label: "the same bare client through n8n-core's httpRequest, cap 4" },
];

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const round2 = (v: number) => Math.round(v * 100) / 100;

export async function benchCpuPerItem(emulator: EmulatorProcess, items = 400, rounds = 3): Promise<CpuResult> {
	await emulator.setTiming({ latencyMs: 0, queueMs: 0, dispatchMs: 0 });
	const capOf = (cap: number | 'all') => (cap === 'all' ? items : cap);
	for (const c of CONTENDERS) await runContender(emulator, c.contender, 40, capOf(c.cap));
	const runs = new Map<number, Array<{ cpuMs: number; wallMs: number }>>();
	for (let round = 0; round < rounds; round++) {
		for (const [index, c] of CONTENDERS.entries()) {
			await emulator.reset();
			const run = await timed(async () => await runContender(emulator, c.contender, items, capOf(c.cap)));
			runs.set(index, [...(runs.get(index) ?? []), { cpuMs: run.cpuMs, wallMs: run.wallMs }]);
		}
	}
	const rows = CONTENDERS.map(({ label, ...c }, index) => {
		const measured = runs.get(index)!;
		return {
			...c,
			name: label,
			cpuPerItemMs: round2(mean(measured.map((m) => m.cpuMs)) / items),
			cpuPerItemMsByRound: measured.map((m) => round2(m.cpuMs / items)),
			wallPerItemMs: round2(mean(measured.map((m) => m.wallMs)) / items),
		};
	});
	const profiles: ProfileResult[] = [];
	// The node at its default and in the comparison's setting, the HTTP workflow, the bare client at the default cap.
	for (const [contender, cap] of [['node', 4], ['sync', 100], ['http', items], ['helpers', 4], ['raw', 4]] as Array<[Contender, number]>) {
		profiles.push(await inFreshProcess<ProfileResult>({ task: 'profile', emulatorUrl: emulator.info.urls.base, contender, items, cap }));
	}
	return { items, rounds, httpRequestNode: httpRequestNode().label, rows, profiles };
}
