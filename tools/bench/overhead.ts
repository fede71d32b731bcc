/**
 * 1. Overhead: the node in the real engine vs a bare undici client doing the same fal queue work (and learning of
 * completion from the status stream, like fal's own client), against an emulator that answers at once (latency 0,
 * queue 0). Rounds alternate node/raw so drift hits both alike. Status requests = polls + streams.
 */
import type { EmulatorProcess } from '../e2e/lib/emulator';
import { smallImage } from './images';
import { runRawClient } from './raw-client';
import { type TimedRun, runSam3, timed } from './sam3-runner';
import { statusRequests, totalOf } from './emulator-controls';

export interface OverheadRow {
	concurrency: number;
	items: number;
	rounds: number;
	node: { perItemMs: number; cpuPerItemMs: number; pollsPerItem: number; perItemMsByRound: number[] };
	raw: { perItemMs: number; cpuPerItemMs: number; pollsPerItem: number; perItemMsByRound: number[] };
	/** The bare client's requests through n8n-core's httpRequest: what any node calling n8n's helpers pays (absent in older reports). */
	helpers?: { perItemMs: number; cpuPerItemMs: number; pollsPerItem: number; perItemMsByRound: number[] };
	ratio: number;
	cpuRatio: number;
	/** helpers / raw: n8n's request helpers alone. */
	helpersRatio?: number;
}

const PROMPT = 'cat';

/** fal status polls + status streams in the last round. */
async function statusPolls(emulator: EmulatorProcess): Promise<number> {
	return totalOf((await statusRequests(emulator.info.urls.control)).fal);
}

async function nodeRound(emulator: EmulatorProcess, imageUrl: string, items: number, concurrency: number): Promise<TimedRun<number>> {
	await emulator.reset();
	const run = await timed(
		async () =>
			await runSam3(emulator, {
				items,
				parameters: { imageUrl, prompt: PROMPT, modelOptions: { applyMask: false }, options: { maxConcurrency: concurrency } },
			}),
	);
	return { ...run, result: await statusPolls(emulator) };
}

async function rawRound(emulator: EmulatorProcess, imageUrl: string, items: number, concurrency: number, transport: 'undici' | 'n8n' = 'undici'): Promise<TimedRun<number>> {
	await emulator.reset();
	const inputs = Array.from({ length: items }, () => ({ image_url: imageUrl, prompt: PROMPT, apply_mask: false }));
	const run = await timed(async () => await runRawClient(emulator.info, inputs, concurrency, { transport }));
	return { ...run, result: await statusPolls(emulator) };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const round2 = (v: number) => Math.round(v * 100) / 100;

export async function benchOverhead(emulator: EmulatorProcess, settings: Array<{ concurrency: number; items: number }>, rounds = 3): Promise<OverheadRow[]> {
	await emulator.setTiming({ latencyMs: 0, queueMs: 0, dispatchMs: 0 });
	const imageUrl = await emulator.hostImage(await smallImage(), 'image/jpeg', 'overhead.jpg');
	// Warm-up: JIT, sockets, n8n's lazy modules.
	await nodeRound(emulator, imageUrl, 20, 4);
	await rawRound(emulator, imageUrl, 20, 4);
	await rawRound(emulator, imageUrl, 20, 4, 'n8n');

	const rows: OverheadRow[] = [];
	for (const { concurrency, items } of settings) {
		const node: Array<TimedRun<number>> = [];
		const raw: Array<TimedRun<number>> = [];
		const helpers: Array<TimedRun<number>> = [];
		for (let round = 0; round < rounds; round++) {
			node.push(await nodeRound(emulator, imageUrl, items, concurrency));
			raw.push(await rawRound(emulator, imageUrl, items, concurrency));
			helpers.push(await rawRound(emulator, imageUrl, items, concurrency, 'n8n'));
		}
		const summary = (runs: Array<TimedRun<number>>) => ({
			perItemMs: round2(mean(runs.map((r) => r.wallMs)) / items),
			cpuPerItemMs: round2(mean(runs.map((r) => r.cpuMs)) / items),
			pollsPerItem: round2(mean(runs.map((r) => r.result)) / items),
			perItemMsByRound: runs.map((r) => round2(r.wallMs / items)),
		});
		const nodeSummary = summary(node);
		const rawSummary = summary(raw);
		const helpersSummary = summary(helpers);
		rows.push({
			concurrency,
			items,
			rounds,
			node: nodeSummary,
			raw: rawSummary,
			helpers: helpersSummary,
			ratio: round2(nodeSummary.perItemMs / rawSummary.perItemMs),
			cpuRatio: round2(nodeSummary.cpuPerItemMs / rawSummary.cpuPerItemMs),
			helpersRatio: round2(helpersSummary.perItemMs / rawSummary.perItemMs),
		});
	}
	return rows;
}
