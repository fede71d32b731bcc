/**
 * 3. Time to result: one item whose job takes 0.2 s, 1 s or 5 s at the provider (queue 0, all "running"):
 * how long the node runs (n8n's own executionTime for the node) against the job time, and how many status
 * requests it spent (polls + fal status streams, counted by the emulator).
 */
import type { EmulatorProcess } from '../e2e/lib/emulator';
import { smallImage } from './images';
import { type Provider, nodeExecutionMs, runSam3, timed } from './sam3-runner';
import { statusRequests } from './emulator-controls';

export interface TimeToResultRow {
	provider: string;
	jobMs: number;
	repeats: number;
	/** n8n's executionTime of the node (mean and worst of the repeats). */
	nodeMs: number;
	worstNodeMs: number;
	ratio: number;
	worstRatio: number;
	/** Status polls per job (fal GET …/status, Runflow GET v1/runs/{id}). */
	pollsPerJob: number;
	/** fal status streams per job (0 for Runflow). */
	streamsPerJob?: number;
	/** What polling every 5 s (fal's own n8n node) would give at best: the first poll at or after the job end. */
	fixed5sPollingMs: number;
}

const EMULATOR_PROVIDER = { falApi: 'fal', runflowApi: 'runflow' } as const;
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
			let streams = 0;
			for (let i = 0; i < repeats; i++) {
				await emulator.reset();
				const run = await timed(async () => await runSam3(emulator, { provider, items: 1, parameters: { imageUrl, prompt: 'dog' } }));
				times.push(nodeExecutionMs(run.result) ?? run.wallMs);
				const counted = (await statusRequests(emulator.info.urls.control))[EMULATOR_PROVIDER[provider]];
				polls += counted.polls;
				streams += counted.streams;
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
				streamsPerJob: Math.round((streams / repeats) * 10) / 10,
				fixed5sPollingMs: Math.ceil(jobMs / 5000) * 5000,
			});
		}
	}
	return rows;
}
