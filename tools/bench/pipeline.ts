/**
 * `npm run bench:pipeline`: background removal end to end in a real n8n (1.123.50, Node 20, filesystem binary
 * mode) — example 5 on 50 product photos: download, SAM 3 (the emulator, a test double, with a fixed job time),
 * then n8n's Edit Image node (GraphicsMagick) for the cutout and the 2000×2000 white-background shot. Reports the
 * time per product for the whole pipeline next to the SAM 3 node alone, from n8n's own per-node execution times
 * of ONE run, into its own section of BENCHMARKS.md (`npm run bench` keeps it).
 *   SAM3_BENCH_PHOTOS=50   photos     SAM3_BENCH_JOB_MS=1000   the emulated SAM 3 job time
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorCredentials, startEmulator } from '../e2e/lib/emulator';
import { EXAMPLES, findNode, loadExample, localizeWorkflow } from '../e2e/lib/examples';
import { startImageServer } from '../e2e/lib/image-server';
import { lines } from '../e2e/lib/lines';
import { hostedProductPhotos } from '../e2e/lib/product-photos';
import { log, preparedHome } from '../e2e/lib/setup';
import { describeMachine, startCpuAccount } from './machine';
import { replaceSection } from './sections';

const PHOTOS = Number(process.env.SAM3_BENCH_PHOTOS ?? 50);
const JOB_MS = Number(process.env.SAM3_BENCH_JOB_MS ?? 1000);
const out = join(__dirname, '..', '..', 'BENCHMARKS.md');

interface NodeTime {
	node: string;
	ms: number;
}

async function main(): Promise<void> {
	const machine = describeMachine();
	const line = lines['1'];
	const home = await preparedHome(line, { prefix: 'sam3-bench-pipeline' });
	const emulator = await startEmulator({ EMULATOR_LATENCY_MS: String(JOB_MS), EMULATOR_QUEUE_MS: '0' });
	// Products only (the empty backdrop would skip the image steps): 50 photos, the three products in turn.
	const products = (await hostedProductPhotos()).filter((p) => p.sku !== 'empty-404');
	const photos = Array.from({ length: PHOTOS }, (_, i) => {
		const photo = products[i % products.length];
		return { ...photo, name: `${String(i + 1).padStart(3, '0')}-${photo.name}`, sku: `${photo.sku}-${i + 1}` };
	});
	const images = await startImageServer(photos);
	try {
		await home.importCredentials(emulatorCredentials(emulator));
		const workflow = localizeWorkflow(loadExample(EXAMPLES.ecommerceCutouts), { outputDir: home.filesDir });
		const list = photos.map((p) => ({ sku: p.sku, imageUrl: images.url(p.name) }));
		findNode(workflow, (n) => n.name === 'Product photos').parameters.jsCode = `return ${JSON.stringify(list)}.map((json) => ({ json }));`;
		workflow.id = 'sam3BenchPipe001';
		await home.importWorkflows([workflow]);

		log(`example 5 on ${PHOTOS} photos, ${JOB_MS} ms SAM 3 jobs (emulator), ${line.label}, filesystem binary mode`);
		const cpu = startCpuAccount();
		const result = await home.execute(workflow.id, { timeoutMs: 30 * 60_000, env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' } });
		const account = cpu();
		if (result.exitCode !== 0) throw new Error(`the workflow failed: ${result.errorMessage() ?? result.stderr.slice(-2000)}`);
		const shots = result.items('White background shot').length;
		if (shots !== PHOTOS) throw new Error(`expected ${PHOTOS} white-background shots, got ${shots}`);

		const runData = result.run!.data!.resultData!.runData!;
		const times: NodeTime[] = Object.entries(runData).map(([node, tasks]) => ({ node, ms: (tasks as Array<{ executionTime?: number }>)[0].executionTime ?? 0 }));
		const total = times.reduce((sum, t) => sum + t.ms, 0);
		const sam3 = times.find((t) => t.node === 'SAM 3')!.ms;
		const imageSteps = times.filter((t) => ['Mask to photo size', 'Cut out', 'Layout', 'Crop to product', 'White background shot', 'Write cutout', 'Write white background shot'].includes(t.node));
		const imageMs = imageSteps.reduce((sum, t) => sum + t.ms, 0);
		const per = (ms: number) => `${(ms / PHOTOS / 1000).toFixed(2)} s`;
		const section = [
			'<!-- pipeline:begin (written by npm run bench:pipeline, tools/bench/pipeline.ts; do not edit by hand) -->',
			'## 7. Background removal pipeline (example 5, `npm run bench:pipeline`)',
			'',
			`ONE run on ${machine.date.slice(0, 10)} (${machine.cpu}, ${machine.cores} cores, ${line.label} on Node ${process.version.slice(1)}, filesystem binary mode):`,
			`example 5 on ${PHOTOS} product photos (${products.map((p) => `${p.width}×${p.height}`).join(', ')} in turn),`,
			`SAM 3 from the emulator with ${JOB_MS} ms jobs (Max Concurrent Jobs 4, the default), then n8n's Edit Image node`,
			'(GraphicsMagick 1.3, Debian) for mask resize, alpha cutout, crop and the 2000×2000 white-background shot.',
			"Times are n8n's own per-node execution times of that run (`executionTime` in the run data); n8n runs one node",
			'over all items before the next, so the nodes add up to the whole run.',
			'',
			'| | total | per product | share |',
			'|---|---|---|---|',
			`| **whole pipeline** (all nodes) | ${(total / 1000).toFixed(1)} s | **${per(total)}** | 100 % |`,
			`| SAM 3 node alone | ${(sam3 / 1000).toFixed(1)} s | ${per(sam3)} | ${Math.round((100 * sam3) / total)} % |`,
			`| image steps (Edit Image ×4, Set, 2 file writes) | ${(imageMs / 1000).toFixed(1)} s | ${per(imageMs)} | ${Math.round((100 * imageMs) / total)} % |`,
			'',
			`**Ratio: the whole pipeline takes ${(total / sam3).toFixed(2)}× the time of SAM 3 alone.** Per node:`,
			'',
			'| node | ms | per product |',
			'|---|---|---|',
			...times.map((t) => `| ${t.node} | ${t.ms} | ${(t.ms / PHOTOS).toFixed(0)} ms |`),
			'',
			`What it means: SAM 3 runs ${PHOTOS} jobs 4 at a time (${JOB_MS} ms each, so ≥ ${((PHOTOS / 4) * JOB_MS / 1000).toFixed(1)} s),`,
			"while Edit Image works one item after another, each step a GraphicsMagick process on full-size images: the",
			'white-background shot (a 2000×2000 canvas, composited and resampled) is the costliest step. With a real',
			'provider, SAM 3 time follows your account\'s concurrency and the job time; the image steps stay as measured here.',
			`The \`n8n execute\` process took ${(result.ms / 1000).toFixed(1)} s in all (start-up included); the benchmark and its children used`,
			`${account?.benchCoreS ?? '?'} core-s, other processes ${account?.othersPercent ?? '?'} % of the machine meanwhile.`,
			'<!-- pipeline:end -->',
		].join('\n');
		writeFileSync(out, replaceSection(readFileSync(out, 'utf8'), 'pipeline', section));
		console.log(section);
		log(`wrote the pipeline section of ${out}`);
	} finally {
		await emulator.stop();
		await images.close();
		rmSync(home.userFolder, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
