/**
 * 3. Time to result: one item whose job takes 0.2 s, 1 s or 5 s at the provider (queue 0, all "running"):
 * how long the node runs (n8n's own executionTime for the node) against the job time, and how many status
 * polls it spent (counted by the emulator).
 */
import type { EmulatorProcess } from '../e2e/lib/emulator';
import { smallImage } from './images';
import { type Provider, nodeExecutionMs, runSam3, timed } from './sam3-runner';

export interface TimeToResultRow {
	provider: string;
	jobMs: number;
	repeats: number;
	/** n8n's executionTime of the node (mean and worst of the repeats). */
	nodeMs: number;
	worstNodeMs: number;
	ratio: number;
	worstRatio: number;
	pollsPerJob: number;
	/** What polling every 5 s (fal's own n8n node) would give at best: the first poll at or after the job end. */
	fixed5sPollingMs: number;
}

const STATUS_ROUTE = { falApi: 'fal.status', runflowApi: 'runflow.get' } as const;
const LABEL = { falApi: 'fal.ai (queue)', runflowApi: 'Runflow' } as const;

export async function benchTimeToResult(
	emulator: EmulatorProcess,
	jobTimesMs = [200, 1000, 5000],
	providers: Provider[] = ['falApi', 'runflowApi'],
	/** Repeats per job time: short jobs are cheap to repeat and noisier. */
	repeatsFor = (jobMs: number) => (jobMs <= 1000 ? 5 : 3),
): Promise<TimeToResultRow[]> {
	const imageUrl = await emulator.hostImage(await smallImage(), 'image/jpeg', 'time-to-result.jpg');
	const rows: TimeToResultRow[] = [];
	// Warm-up per provider: the first run of a provider's code path loads and compiles it.
	await emulator.setTiming({ latencyMs: 0, queueMs: 0, dispatchMs: 0 });
	for (const provider of providers) await runSam3(emulator, { provider, items: 1, parameters: { imageUrl, prompt: 'dog' } });
	for (const provider of providers) {
		for (const jobMs of jobTimesMs) {
			await emulator.setTiming({ latencyMs: jobMs, queueMs: 0, dispatchMs: 0 });
			const repeats = repeatsFor(jobMs);
			const times: number[] = [];
			let polls = 0;
			for (let i = 0; i < repeats; i++) {
				await emulator.reset();
				const run = await timed(async () => await runSam3(emulator, { provider, items: 1, parameters: { imageUrl, prompt: 'dog' } }));
				times.push(nodeExecutionMs(run.result) ?? run.wallMs);
				polls += (await emulator.stats()).routes[STATUS_ROUTE[provider]] ?? 0;
			}
			const nodeMs = times.reduce((a, b) => a + b, 0) / repeats;
			const worst = Math.max(...times);
			rows.push({
				provider: LABEL[provider],
				jobMs,
				repeats,
				nodeMs: Math.round(nodeMs),
				worstNodeMs: Math.round(worst),
				ratio: Math.round((nodeMs / jobMs) * 100) / 100,
				worstRatio: Math.round((worst / jobMs) * 100) / 100,
				pollsPerJob: Math.round((polls / repeats) * 10) / 10,
				fixed5sPollingMs: Math.ceil(jobMs / 5000) * 5000,
			});
		}
	}
	return rows;
}
