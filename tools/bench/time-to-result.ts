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

/** 3c. Time to result inside one node run: its later jobs are polled where the earlier ones ended. */
export interface BatchTimeToResultRow {
	provider: string;
	jobMs: number;
	/** Jobs in the run, one after another (Max Concurrent Jobs 1). */
	runs: number;
	/** Per job: from its creation at the provider to the node's last download of its files, / job time. */
	ratios: number[];
	firstRatio: number;
	/** The later jobs (the run knows when its jobs end): mean and worst. */
	laterRatio: number;
	laterWorstRatio: number;
	/** Status requests of the first job and, on average, of the later ones. */
	firstPolls: number;
	laterPolls: number;
}

interface EmulatorJob {
	id: string;
	createdAt: number;
	completedAt?: number;
}

/**
 * One node run of `runs` items whose jobs each take `jobMs`, Max Concurrent Jobs 1, so they run one after another;
 * the emulator's clock and request log say when each job was created and when the node fetched its last file.
 */
export async function benchBatchTimeToResult(
	emulator: EmulatorProcess,
	provider: Provider = 'runflowApi',
	settings: Array<{ jobMs: number; runs: number }> = [
		{ jobMs: 1000, runs: 6 },
		{ jobMs: 5000, runs: 4 },
	],
): Promise<BatchTimeToResultRow[]> {
	const imageUrl = await emulator.hostImage(await smallImage(), 'image/jpeg', 'batch-time-to-result.jpg');
	const rows: BatchTimeToResultRow[] = [];
	const round2 = (v: number) => Math.round(v * 100) / 100;
	for (const { jobMs, runs } of settings) {
		await emulator.reset();
		await emulator.setTiming({ latencyMs: jobMs, queueMs: 0, dispatchMs: 0 });
		await runSam3(emulator, { provider, items: runs, parameters: { imageUrl, prompt: 'dog', options: { maxConcurrency: 1 } } });
		const jobs = ((await emulator.control('jobs')) as EmulatorJob[]).sort((a, b) => a.createdAt - b.createdAt);
		const statusRoute = provider === 'runflowApi' ? 'runflow.get' : 'fal.status';
		const [files, polls] = await Promise.all([emulator.log('files.get'), emulator.log(statusRoute)]);
		// A download belongs to the last job that had ended before it (the next job starts as soon as one ends, but
		// ends a job time later).
		const owner = (time: number) => jobs.filter((job) => job.completedAt !== undefined && job.completedAt <= time).at(-1);
		const lastFetch = new Map<string, number>();
		for (const entry of files) {
			if (entry.url.includes('batch-time-to-result')) continue; // the emulator fetching the input image
			const job = owner(entry.time);
			if (job) lastFetch.set(job.id, Math.max(lastFetch.get(job.id) ?? 0, entry.time));
		}
		const ratios = jobs.map((job) => round2(((lastFetch.get(job.id) ?? Number.NaN) - job.createdAt) / jobMs));
		const pollsOf = (job: EmulatorJob) => polls.filter((entry) => entry.url.includes(job.id)).length;
		const later = ratios.slice(1);
		rows.push({
			provider: LABEL[provider],
			jobMs,
			runs,
			ratios,
			firstRatio: ratios[0],
			laterRatio: round2(later.reduce((a, b) => a + b, 0) / later.length),
			laterWorstRatio: Math.max(...later),
			firstPolls: pollsOf(jobs[0]),
			laterPolls: Math.round((jobs.slice(1).reduce((sum, job) => sum + pollsOf(job), 0) / later.length) * 10) / 10,
		});
	}
	return rows;
}
