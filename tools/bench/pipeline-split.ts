/**
 * bench:pipeline's second setup: the same photos in batches, each batch one run of example 5 behind a webhook
 * (example 11, batchRemoveBackground), all sent at once to ONE n8n (`n8n start`, regular mode) that runs `atOnce` of them at a
 * time (N8N_CONCURRENCY_PRODUCTION_LIMIT) and queues the rest. One execution does its image work one GraphicsMagick
 * process at a time — n8n runs one node at a time, and Edit Image one item after another (n8n-nodes-base,
 * nodes/EditImage/EditImage.node.ts) — so it uses one core; runs at once overlap on both cores, and one run's image
 * steps overlap another's SAM 3 jobs. The emulator's account runs 4 jobs at once in both setups, so SAM 3 goes at
 * the same pace as in the single run.
 */
import assert from 'node:assert/strict';
import type { EmulatorProcess } from '../e2e/lib/emulator';
import type { N8nHome } from '../e2e/lib/n8n-home';
import { activateWorkflow, startN8n } from '../e2e/lib/n8n-server';
import { executionsByTag, triggerRuns } from '../e2e/lib/queue-workflow';
import { BATCH_WEBHOOK_PATH, batchRemoveBackground, importSubworkflow, nodeMs, pipelineEnv, subExecutions } from '../e2e/lib/remove-background';
import { readBinary, type OutputItem, type TaskData } from '../e2e/lib/run-data';
import { startCpuAccount } from './machine';
import type { BenchPhoto, CheckFiles } from './pipeline-files';

export interface SplitResult {
	/** Runs (batches) in all. */
	executions: number;
	batch: number;
	/** Photos in the first run (half a batch sets the two runs half a cycle apart). */
	first: number;
	atOnce: number;
	/** First webhook call to the last run's end. */
	wholeMs: number;
	/** Each run's SAM 3 node and image steps (n8n's executionTime). */
	runs: Array<{ photos: number; sam3Ms: number; imageMs: number }>;
	files: number;
	checkedFull: number;
	othersPercent?: number;
	benchCoreS?: number;
}

const WORKFLOW_ID = 'sam3BenchPipeW01';

/** Between two batches' webhook calls: they arrive in order, as from a script sending them in a loop. */
export const SEND_SPACING_MS = 50;

/** Runs `photos` as webhook runs in `home`, a first of `first` photos then `batch` each, sent in order (example 5's sub-workflow already imported there). */
export async function runSplit(
	home: N8nHome,
	opts: { photos: BenchPhoto[]; url: (name: string) => string; presets: string; batch: number; first?: number; atOnce: number; imageSteps: string[]; check: CheckFiles; emulator: EmulatorProcess },
): Promise<SplitResult> {
	const { photos, batch, atOnce } = opts;
	const first = Math.min(opts.first ?? batch, photos.length);
	const parts = [photos.slice(0, first)];
	for (let k = first; k < photos.length; k += batch) parts.push(photos.slice(k, k + batch));
	const count = parts.length;
	const sub = await importSubworkflow(home);
	await home.importWorkflows([batchRemoveBackground({ id: WORKFLOW_ID, subId: sub.id, presets: opts.presets, outputDir: home.filesDir })]);
	await activateWorkflow(home, WORKFLOW_ID);
	// One GraphicsMagick thread per run: with runs side by side, its OpenMP threads would only contend for the cores
	// (runs of 20, 2 at a time, 100 photos: 1.85× SAM 3 alone with it, 1.96× without, on 2026-12-07).
	const server = await startN8n(home, { env: { ...pipelineEnv(home), N8N_CONCURRENCY_PRODUCTION_LIMIT: String(atOnce), OMP_NUM_THREADS: '1' } });
	try {
		await server.login();
		const before = subExecutions(home, sub.id).length;
		const tags = parts.map((_, k) => `run-${k + 1}`);
		await opts.emulator.reset();
		const cpu = startCpuAccount();
		const started = Date.now();
		// In order, as a script sending its batches in a loop would: the short first one first, the rest after.
		await triggerRuns(server, BATCH_WEBHOOK_PATH, parts.map((part, k) => ({ tag: tags[k], rows: part.map((p) => ({ sku: p.sku, imageUrl: opts.url(p.variant.name) })) as never })), 60 * 60_000, SEND_SPACING_MS);
		const finished = await executionsByTag(server, home, WORKFLOW_ID, tags, { seen: new Set(), timeoutMs: 60 * 60_000 });
		const account = cpu();
		const stoppedAt = Math.max(...[...finished.values()].map((e) => Date.parse(e.stoppedAt ?? '')));
		const outputs: OutputItem[] = [];
		for (const [tag, execution] of finished) {
			assert.equal(execution.status, 'success', `${tag}: ${execution.status}`);
			outputs.push(...((execution.data.resultData.runData['Remove background']?.[0]?.data?.main?.[0] ?? []) as OutputItem[]));
		}
		const subs = subExecutions(home, sub.id).slice(before);
		assert.equal(subs.length, count, `one sub-workflow execution per run (found ${subs.length})`);
		const segmented = subs.flatMap((s) => (s.runData['SAM 3']?.[0]?.data?.main?.[0] ?? []) as OutputItem[]);
		const merged = { 'SAM 3': [{ data: { main: [segmented] } }] } as unknown as Record<string, TaskData[]>;
		const { files, checkedFull } = await opts.check(outputs, merged, photos, (ref) => readBinary(ref, home.n8nDir));
		return {
			executions: count,
			batch,
			first,
			atOnce,
			wholeMs: stoppedAt - started,
			runs: subs.map((s) => ({
				photos: (s.runData['SAM 3']?.[0]?.data?.main?.[0] ?? []).length,
				sam3Ms: nodeMs(s.runData, 'SAM 3'),
				imageMs: opts.imageSteps.reduce((sum, step) => sum + nodeMs(s.runData, step), 0),
			})),
			files,
			checkedFull,
			othersPercent: account?.othersPercent,
			benchCoreS: account?.benchCoreS,
		};
	} finally {
		await server.stop();
	}
}
