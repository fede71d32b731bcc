/**
 * 2. Throughput at the cap: 200 items, 300 ms jobs, Max Concurrent Jobs 8 (ideal 8 / 0.3 s = 26.7 items/s),
 * against an emulated fal account that runs 8 jobs at once. Compared in the same run with a bare client at the
 * same cap (learning of completion from fal's status stream, like fal's own client) and with n8n's HTTP Request
 * node as users wire SAM 3 today (sync call per item, then a download), and with the bare client sending its
 * requests through n8n's helper (the part of the gap n8n's request path costs any node).
 */
import type { EmulatorProcess } from '../e2e/lib/emulator';
import { benchImageUrl, httpRequestNode, viaHttpRequestNode } from './contenders';
import { runRawClient } from './raw-client';
import { runSam3, timed } from './sam3-runner';

export interface ThroughputRow {
	name: string;
	/** Mean over the rounds. */
	wallMs: number;
	roundsItemsPerSecond: number[];
	itemsPerSecond: number;
	ofIdeal: number;
	/** Most jobs the emulator held at once (queued + running). */
	peakJobsInFlight: number;
	note?: string;
}

export interface ThroughputResult {
	items: number;
	jobMs: number;
	cap: number;
	rounds: number;
	idealItemsPerSecond: number;
	httpRequestNode: string;
	rows: ThroughputRow[];
}

const PROMPT = 'cat';

export async function benchThroughput(emulator: EmulatorProcess, items = 200, jobMs = 300, cap = 8, rounds = 2): Promise<ThroughputResult> {
	await emulator.setTiming({ latencyMs: jobMs, queueMs: 0, dispatchMs: 0 });
	const imageUrl = await benchImageUrl(emulator);
	const ideal = cap / (jobMs / 1000);
	const http = httpRequestNode();
	const sam3 = (falMode: 'queue' | 'sync') => async () =>
		void (await runSam3(emulator, {
			items,
			parameters: { imageUrl, prompt: PROMPT, falMode, modelOptions: { applyMask: false }, options: { maxConcurrency: cap } },
		}));
	const inputs = Array.from({ length: items }, () => ({ image_url: imageUrl, prompt: PROMPT, apply_mask: false }));
	const contenders: Array<{ name: string; run: () => Promise<void>; note?: string }> = [
		{ name: `SAM 3 node, fal queue (default), Max Concurrent Jobs ${cap}`, run: sam3('queue') },
		{ name: `SAM 3 node, fal sync mode, Max Concurrent Jobs ${cap}`, run: sam3('sync') },
		{ name: `bare undici client, fal queue + status stream, ${cap} at a time`, run: async () => void (await runRawClient(emulator.info, inputs, cap)) },
		{
			name: `${http.short}: POST fal.run per item, then GET mask as file`,
			run: async () => await viaHttpRequestNode(emulator, imageUrl, items),
			note: `all ${items} calls at once (n8n default); the emulated account queues those over ${cap}, real fal may answer 429`,
		},
		{
			name: `the same bare client through n8n-core's httpRequest, ${cap} at a time`,
			run: async () => void (await runRawClient(emulator.info, inputs, cap, { transport: 'n8n' })),
			note: "n8n's request path alone (no engine, no node): what any node calling n8n's helpers starts from",
		},
	];

	const rows: ThroughputRow[] = [];
	for (const contender of contenders) {
		// Untimed first, at the same settings: the JIT warm-up (benchmark 1) ran at latency 0 and cap 4, so code that
		// only runs while jobs wait (status events, items queued for a slot) would otherwise compile in round 1.
		await emulator.reset();
		await contender.run();
		const walls: number[] = [];
		let peak = 0;
		for (let round = 0; round < rounds; round++) {
			await emulator.reset();
			walls.push((await timed(contender.run)).wallMs);
			peak = Math.max(peak, (await emulator.stats()).peakInFlight.fal ?? 0);
		}
		const wallMs = walls.reduce((a, b) => a + b, 0) / rounds;
		const itemsPerSecond = items / (wallMs / 1000);
		rows.push({
			name: contender.name,
			wallMs: Math.round(wallMs),
			roundsItemsPerSecond: walls.map((w) => Math.round((items / (w / 1000)) * 10) / 10),
			itemsPerSecond: Math.round(itemsPerSecond * 10) / 10,
			ofIdeal: Math.round((itemsPerSecond / ideal) * 1000) / 10,
			peakJobsInFlight: peak,
			note: contender.note,
		});
	}
	return { items, jobMs, cap, rounds, idealItemsPerSecond: Math.round(ideal * 10) / 10, httpRequestNode: http.label, rows };
}
