/**
 * 2. Throughput at the cap: 200 items, 300 ms jobs, Max Concurrent Jobs 8 (ideal 8 / 0.3 s = 26.7 items/s),
 * against an emulated fal account that runs 8 jobs at once. Compared in the same run with a bare client at the
 * same cap (learning of completion from fal's status stream, like fal's own client) and with n8n's HTTP Request
 * node as users wire SAM 3 today (sync call per item, then a download).
 */
import { runNode } from '../rig';
import type { EmulatorProcess } from '../e2e/lib/emulator';
import { type HttpRequestNode, downloadParameters, loadHttpRequestNode, syncCallParameters } from './http-request-node';
import { smallImage } from './images';
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

async function viaHttpRequestNode(emulator: EmulatorProcess, http: HttpRequestNode, imageUrl: string, items: number): Promise<void> {
	const body = { image_url: imageUrl, prompt: PROMPT, apply_mask: false };
	const sync = await runNode({
		node: http.node,
		packageName: http.packageName,
		typeVersion: http.typeVersion,
		items: Array.from({ length: items }, (_, i) => ({ json: { row: i } })),
		parameters: syncCallParameters(`${emulator.info.urls.falRun}/fal-ai/sam-3/image`, emulator.info.keys.fal, body),
	});
	if (sync.error || sync.items.length !== items) throw new Error(`HTTP Request (sync call) failed: ${sync.error?.message ?? sync.items.length}`);
	const download = await runNode({
		node: http.node,
		packageName: http.packageName,
		typeVersion: http.typeVersion,
		items: sync.items.map((item) => ({ json: item.json })),
		parameters: downloadParameters(),
	});
	if (download.error || !download.items.every((item) => item.binary?.data)) throw new Error(`HTTP Request (download) failed: ${download.error?.message}`);
}

export async function benchThroughput(emulator: EmulatorProcess, items = 200, jobMs = 300, cap = 8, rounds = 2): Promise<ThroughputResult> {
	await emulator.setTiming({ latencyMs: jobMs, queueMs: 0, dispatchMs: 0 });
	const imageUrl = await emulator.hostImage(await smallImage(), 'image/jpeg', 'throughput.jpg');
	const ideal = cap / (jobMs / 1000);
	const http = loadHttpRequestNode();
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
			run: async () => await viaHttpRequestNode(emulator, http, imageUrl, items),
			note: `all ${items} calls at once (n8n default); the emulated account queues those over ${cap}, real fal may answer 429`,
		},
	];

	const rows: ThroughputRow[] = [];
	for (const contender of contenders) {
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
