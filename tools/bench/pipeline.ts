/**
 * `npm run bench:pipeline`: background removal end to end in a real n8n, as a shop owner runs it — example 5 on
 * 500 product photos of mixed sizes: download, then ONE Execute Workflow node calling the remove-background
 * sub-workflow (SAM 3 from the emulator, a test double, with a fixed job time; n8n's Edit Image node for the
 * store-ready files). Reports, from n8n's own per-node execution times of ONE run per n8n line, the whole pipeline
 * next to SAM 3 alone (the sub-workflow's SAM 3 node), and every image step; then checks every product's files
 * pixel by pixel against its preset's rules (tools/e2e/lib/cutout-checks.ts), as the e2e does. Then the same photos
 * in batches, one run each, two at a time in one n8n (pipeline-split.ts): how the image steps get both cores. The emulated fal account
 * runs 4 jobs at once (the node's default cap), so SAM 3 goes at the same pace in both setups.
 *   SAM3_BENCH_PHOTOS=500  SAM3_BENCH_JOB_MS=1000  SAM3_BENCH_LINES="1 2"  SAM3_BENCH_PRESETS="amazon, cutout"
 *   SAM3_BENCH_BATCH=50  photos per run in the second setup (0: skip it)   SAM3_BENCH_AT_ONCE=2  runs n8n runs at a time
 *   SAM3_BENCH_FIRST=25  photos in its first run (half a batch)
 *   SAM3_BENCH_DUMP=<dir>  also write every file there     SAM3_BENCH_KEEP=1  keep the n8n home (its database, files)
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorCredentials, startEmulator } from '../e2e/lib/emulator';
import { startImageServer } from '../e2e/lib/image-server';
import { lines, type LineKey } from '../e2e/lib/lines';
import { PRODUCT_PHOTOS, renderProductPhoto, scaledPhoto } from '../e2e/lib/product-photos';
import { importRemoveBackground, nodeMs, pipelineEnv, subExecutions } from '../e2e/lib/remove-background';
import { readBinary, type OutputItem } from '../e2e/lib/run-data';
import { log, preparedHome } from '../e2e/lib/setup';
import { measureGm, type FloorPhoto, type GmTimes } from './gm-floor';
import { type BenchPhoto, fileChecker } from './pipeline-files';
import { runSplit, SEND_SPACING_MS, type SplitResult } from './pipeline-split';
import { describeMachine, startCpuAccount } from './machine';
import { replaceSection } from './sections';

const PHOTOS = Number(process.env.SAM3_BENCH_PHOTOS ?? 500);
const JOB_MS = Number(process.env.SAM3_BENCH_JOB_MS ?? 1000);
const LINES = (process.env.SAM3_BENCH_LINES ?? '1 2').split(/[\s,]+/).filter(Boolean) as LineKey[];
const PRESETS = process.env.SAM3_BENCH_PRESETS ?? 'amazon, cutout';
const BATCH = Number(process.env.SAM3_BENCH_BATCH ?? 50);
const AT_ONCE = Number(process.env.SAM3_BENCH_AT_ONCE ?? 2);
/** The first run half a batch, as examples/11 advises: the runs then take turns on SAM 3 instead of waiting on it together. */
const FIRST = Number(process.env.SAM3_BENCH_FIRST ?? Math.ceil(BATCH / 2));
/** The emulated fal account's jobs at once: the node's default Max Concurrent Jobs. */
const ACCOUNT_LIMIT = 4;
const checkFiles = fileChecker(PRESETS);
const out = join(__dirname, '..', '..', 'BENCHMARKS.md');
/** The sub-workflow's image steps (Edit Image and the Code nodes that lay them out). */
const IMAGE_STEPS = ["Product box", "Mask to product box", "Product shape", "Cut out", "Product on white", "One item per preset", "White background?", "On white, square"];

interface LineResult {
	line: string;
	node: string;
	wholeMs: number;
	sam3Ms: number;
	imageMs: number;
	executeMs: number;
	parent: Array<{ node: string; ms: number }>;
	sub: Array<{ node: string; ms: number }>;
	files: number;
	checkedFull: number;
	othersPercent?: number;
	benchCoreS?: number;
	gm?: { recipe: GmTimes; before?: GmTimes; floor: GmTimes };
	/** The same photos as RUNS runs at once in one n8n. */
	split?: SplitResult;
}

async function main(): Promise<void> {
	const machine = describeMachine();
	// Mixed sizes: each product at the e2e's size and at 1.5× (a bigger camera), in turn.
	const variants = PRODUCT_PHOTOS.filter((p) => p.sku !== 'empty-404').flatMap((p) => [p, scaledPhoto(p, 1.5)]);
	const rendered = await Promise.all(variants.map(async (p) => ({ ...p, bytes: await renderProductPhoto(p) })));
	const photos = Array.from({ length: PHOTOS }, (_, i) => {
		const v = rendered[i % rendered.length];
		return { variant: v, sku: `${v.sku}-${String(i + 1).padStart(3, '0')}` };
	});
	const images = await startImageServer(rendered);
	const emulator = await startEmulator({ EMULATOR_LATENCY_MS: String(JOB_MS), EMULATOR_QUEUE_MS: '0' }, { concurrency: { fal: ACCOUNT_LIMIT } });
	const results: LineResult[] = [];
	try {
		for (const key of LINES) results.push(await runLine(key, photos, images.url, emulator));
	} finally {
		await emulator.stop();
		await images.close();
	}

	const per = (ms: number) => `${(ms / PHOTOS / 1000).toFixed(3)} s`;
	const section = [
		'<!-- pipeline:begin (written by npm run bench:pipeline, tools/bench/pipeline.ts; do not edit by hand) -->',
		'## 7. Background removal pipeline (example 5 + its sub-workflow, `npm run bench:pipeline`)',
		'',
		`ONE run per n8n line on ${machine.date.slice(0, 10)} (${machine.cpu}, ${machine.cores} cores): example 5 on ${PHOTOS} product photos of`,
		`mixed sizes (${variants.map((p) => `${p.width}×${p.height}`).join(', ')} in turn), presets "${PRESETS}"; SAM 3 from the`,
		`emulator with ${JOB_MS} ms jobs (Max Concurrent Jobs 4, the default; the account runs ${ACCOUNT_LIMIT} at once); filesystem binary mode. Times are n8n's own`,
		'per-node execution times (`executionTime`): the calling workflow (whole pipeline) and the sub-workflow\'s execution',
		'read from n8n\'s database (SAM 3 alone, each image step). Every file was then checked pixel by pixel against its',
		'preset\'s rules (tools/e2e/lib/cutout-checks.ts); a file byte-identical to one already checked for the same photo counts as checked.',
		'',
		'| n8n | whole pipeline | SAM 3 alone | image steps | **whole ÷ SAM 3** | files checked | others on the machine |',
		'|---|---|---|---|---|---|---|',
		...results.map((r) => `| ${r.line} (Node ${r.node}) | ${(r.wholeMs / 1000).toFixed(1)} s (${per(r.wholeMs)}/photo) | ${(r.sam3Ms / 1000).toFixed(1)} s | ${(r.imageMs / 1000).toFixed(1)} s (${per(r.imageMs)}/photo) | **${(r.wholeMs / r.sam3Ms).toFixed(2)}×** | ${r.files} (${r.checkedFull} decoded) | ${r.othersPercent ?? '?'} % |`),
		'',
		...splitLines(results),
		...gmLines(results),
		'Per node (ms for all photos; the sub-workflow\'s nodes run inside "Remove background"):',
		'',
		`| node | ${results.map((r) => r.line).join(' | ')} |`,
		`|---|${results.map(() => '---|').join('')}`,
		...nodeRows(results),
		'',
		'<!-- pipeline:results ' + JSON.stringify({ meta: { date: machine.date.slice(0, 10), photos: PHOTOS, jobMs: JOB_MS, presets: PRESETS }, results }) + ' -->',
		'<!-- pipeline:end -->',
	].join('\n');
	writeFileSync(out, replaceSection(readFileSync(out, 'utf8'), 'pipeline', section));
	console.log(section);
	log(`wrote the pipeline section of ${out}`);
}

function splitLines(results: LineResult[]): string[] {
	const withSplit = results.filter((r) => r.split);
	if (!withSplit.length) return [];
	const { batch, atOnce } = withSplit[0].split!;
	const first = withSplit[0].split!.first ?? batch;
	const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
	return [
		`The same photos in runs of ${batch}${first !== batch ? ` (the first of ${first}: it ends half a cycle early, so the next run starts while the other is on its image steps, and from then on one run's image steps overlap the other's SAM 3 jobs)` : ''}, sent in order, ${SEND_SPACING_MS} ms apart, without waiting for answers, to ONE n8n (\`n8n start\`, regular mode) that runs ${atOnce} at a time`,
		'(`N8N_CONCURRENCY_PRODUCTION_LIMIT`) and queues the rest, `OMP_NUM_THREADS=1` (one GraphicsMagick thread per run); example 11 (example 5 behind a webhook). One execution does its image steps one',
		'GraphicsMagick process at a time (n8n runs one node at a time, Edit Image one item after another), so it uses one core;',
		'runs at once share both cores, and one run\'s image steps overlap another\'s SAM 3 jobs. SAM 3 alone is the single run\'s',
		'SAM 3 node above (the account runs 4 jobs at once in both setups). Whole: the first webhook call to the last run\'s end.',
		'',
		'| n8n | whole pipeline, in runs | SAM 3 alone | **whole ÷ SAM 3** | runs | per run (mean): SAM 3 node / image steps | files checked | others on the machine |',
		'|---|---|---|---|---|---|---|---|',
		...withSplit.map((r) => {
			const s = r.split!;
			const each = `${(mean(s.runs.map((x) => x.sam3Ms)) / 1000).toFixed(1)} s / ${(mean(s.runs.map((x) => x.imageMs)) / 1000).toFixed(1)} s`;
			return `| ${r.line} (Node ${r.node}) | ${(s.wholeMs / 1000).toFixed(1)} s | ${(r.sam3Ms / 1000).toFixed(1)} s | **${(s.wholeMs / r.sam3Ms).toFixed(2)}×** | ${(s.first ?? s.batch) !== s.batch ? `${s.executions}: 1 × ${s.first}, then ${s.batch}` : `${s.executions} × ${s.batch}`} | ${each} | ${s.files} (${s.checkedFull} decoded) | ${s.othersPercent ?? '?'} % |`;
		}),
		'',
	];
}

function gmLines(results: LineResult[]): string[] {
	const first = results.find((r) => r.gm);
	if (!first?.gm) return [];
	const { recipe, before, floor } = first.gm;
	const sam3 = first.sam3Ms;
	const ratio = (perPhotoMs: number, cores: number) => ((sam3 + (PHOTOS * perPhotoMs) / cores) / sam3).toFixed(2);
	return [
		'GraphicsMagick alone, outside n8n, on the same photos and layouts (each photo size, 3 rounds, one process after another):',
		'',
		'| | gm processes / photo | wall / photo | CPU / photo | SAM 3 + this for all photos, ÷ SAM 3: 1 core | 2 cores |',
		'|---|---|---|---|---|---|',
		`| the recipe's commands (Amazon shot + cutout) | ${recipe.processes} | ${recipe.wallMs.toFixed(0)} ms | ${recipe.cpuMs.toFixed(0)} ms | ${ratio(recipe.wallMs, 1)}× | ${ratio(recipe.wallMs, 2)}× |`,
		...(before ? [`| example 5's commands before issue 32 (cutout + 2000 px PNG shot, full-size steps) | ${before.processes} | ${before.wallMs.toFixed(0)} ms | ${before.cpuMs.toFixed(0)} ms | ${ratio(before.wallMs, 1)}× | ${ratio(before.wallMs, 2)}× |`] : []),
		`| floor: one process decoding, cropping, upscaling, encoding the 2000 px JPEG | ${floor.processes} | ${floor.wallMs.toFixed(0)} ms | ${floor.cpuMs.toFixed(0)} ms | ${ratio(floor.wallMs, 1)}× | ${ratio(floor.wallMs, 2)}× |`,
		'',
		`(SAM 3 alone: ${(sam3 / 1000).toFixed(1)} s in ${first.line}'s run; "2 cores" assumes the photos split over two executions or workers.)`,
		'',
	];
}

function nodeRows(results: LineResult[]): string[] {
	const names = [...new Set(results.flatMap((r) => [...r.parent.map((p) => p.node), ...r.sub.map((s) => `↳ ${s.node}`)]))];
	return names.map((name) => {
		const cells = results.map((r) => {
			const t = name.startsWith('↳ ') ? r.sub.find((s) => `↳ ${s.node}` === name) : r.parent.find((p) => p.node === name);
			return t ? String(t.ms) : '';
		});
		return `| ${name} | ${cells.join(' | ')} |`;
	});
}

async function runLine(key: LineKey, photos: BenchPhoto[], url: (name: string) => string, emulator: Awaited<ReturnType<typeof startEmulator>>): Promise<LineResult> {
	const line = lines[key];
	const home = await preparedHome(line, { prefix: 'sam3-bench-pipeline' });
	try {
		await home.importCredentials(emulatorCredentials(emulator));
		const pipeline = await importRemoveBackground(home, {
			mainId: 'sam3BenchPipe001',
			photos: photos.map((p) => ({ sku: p.sku, imageUrl: url(p.variant.name) })),
			presets: PRESETS,
			outputDir: home.filesDir,
		});
		log(`${line.label}: example 5 on ${photos.length} photos, presets "${PRESETS}", ${JOB_MS} ms SAM 3 jobs (emulator)`);
		const cpu = startCpuAccount();
		const result = await home.execute(pipeline.mainId, { timeoutMs: 60 * 60_000, env: pipelineEnv(home) });
		const account = cpu();
		if (result.exitCode !== 0) throw new Error(`${line.label}: the workflow failed: ${result.errorMessage() ?? result.stderr.slice(-2000)}`);
		const runData = result.run!.data!.resultData!.runData!;
		const parent = Object.keys(runData).map((node) => ({ node, ms: nodeMs(runData, node) }));
		const [subRun] = subExecutions(home, pipeline.subId).slice(-1);
		assert.ok(subRun, 'the sub-workflow left no execution');
		const sub = Object.keys(subRun.runData).map((node) => ({ node, ms: nodeMs(subRun.runData, node) }));
		const wholeMs = parent.reduce((s, t) => s + t.ms, 0);
		const sam3Ms = nodeMs(subRun.runData, 'SAM 3');
		const imageMs = sub.filter((s) => IMAGE_STEPS.includes(s.node)).reduce((s, t) => s + t.ms, 0);
		log(`${line.label}: ${sub.map((s) => `${s.node} ${s.ms}`).join(', ')}`);
		log(`${line.label}: whole ${wholeMs} ms, SAM 3 ${sam3Ms} ms (${(wholeMs / sam3Ms).toFixed(2)}×), image steps ${imageMs} ms; checking the files`);
		const read = (ref: any) => readBinary(ref, home.n8nDir);
		const { files, checkedFull } = await checkFiles(result.items('Remove background'), subRun.runData, photos, read);
		// GraphicsMagick alone on the same photos and layouts (first line only: it does not depend on n8n).
		let gmTimes: LineResult['gm'];
		if (key === LINES[0] && PRESETS.includes('amazon')) {
			const laidOut = (subRun!.runData['One item per preset']![0]!.data!.main?.[0] ?? []) as OutputItem[];
			const segmented = (subRun!.runData['SAM 3']![0]!.data!.main?.[0] ?? []) as OutputItem[];
			const floorPhotos: FloorPhoto[] = [];
			for (const v of new Map(photos.map((p) => [p.variant.name, p])).values()) {
				const item = laidOut.find((i) => i.json.fileName === v.sku && i.json.preset === 'amazon')!;
				const sam3 = segmented.find((i) => i.json.fileName === v.sku)!;
				floorPhotos.push({ name: v.variant.name, bytes: v.variant.bytes, mask: read(sam3.binary!.mask_0), width: v.variant.width, height: v.variant.height, crop: item.json.box, cut: item.json.cut, shot: item.json.shot });
			}
			log('GraphicsMagick alone: replaying the recipe and the one-process floor on each photo size');
			gmTimes = measureGm(floorPhotos);
		}
		let split: SplitResult | undefined;
		if (BATCH > 0) {
			log(`${line.label}: the same ${photos.length} photos in runs of ${BATCH}, ${AT_ONCE} at a time in one n8n (n8n start)`);
			split = await runSplit(home, { photos, url, presets: PRESETS, batch: BATCH, first: FIRST, atOnce: AT_ONCE, imageSteps: IMAGE_STEPS, check: checkFiles, emulator });
			log(`${line.label}: runs of ${BATCH}, ${AT_ONCE} at a time: ${split.wholeMs} ms (${(split.wholeMs / sam3Ms).toFixed(2)}× SAM 3 alone)`);
		}
		return {
			line: line.label,
			node: line.key === '1' ? '20' : '24',
			wholeMs,
			sam3Ms,
			imageMs,
			executeMs: result.ms,
			parent,
			sub,
			files,
			checkedFull,
			othersPercent: account?.othersPercent,
			benchCoreS: account?.benchCoreS,
			gm: gmTimes,
			split,
		};
	} finally {
		if (process.env.SAM3_BENCH_KEEP) log(`kept ${home.userFolder}`);
		else rmSync(home.userFolder, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error instanceof Error ? error.stack ?? error.message : error);
	process.exitCode = 1;
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
