/**
 * `npm run bench:pipeline:queue`: does the remove-background image work add up across n8n instances? Product photos
 * per second through example 11 (example 5 behind a webhook: Webhook → one item per photo → Download photo → Execute
 * Workflow "Remove background", preset amazon, no files written) in ONE run per n8n line, two setups side by side:
 *   one n8n     `n8n start`, every process of it (and so every GraphicsMagick it starts) held to core 0 (taskset)
 *   queue mode  main + 2 workers (`--concurrency=2`), worker 1 held to core 0, worker 2 to core 1, the main to core 0
 * The same photos (mixed sizes) and SAM 3 from the emulator (a test double, short jobs, account limit 16) in both,
 * so what differs is how many cores do the image work. Rounds alternate one n8n / queue, so a change in the
 * machine's load falls on both. Every file is checked to be its preset's JPEG square; the pixel rules are the e2e's
 * and bench:pipeline's. Writes its own section of BENCHMARKS.md.
 *   SAM3_BENCH_LINES="1 2"   SAM3_BENCH_QUEUE_ROUNDS=3   SAM3_BENCH_QUEUE_EXECUTIONS=8   SAM3_BENCH_QUEUE_PHOTOS=6 (per execution)
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorCredentials, startEmulator, type EmulatorProcess } from '../e2e/lib/emulator';
import { EXAMPLES, loadExample, type Workflow } from '../e2e/lib/examples';
import { startImageServer } from '../e2e/lib/image-server';
import { lines, type LineKey, type N8nLine } from '../e2e/lib/lines';
import { N8nHome } from '../e2e/lib/n8n-home';
import { activateWorkflow, startN8n, type N8nServer } from '../e2e/lib/n8n-server';
import { buildAndPack } from '../e2e/lib/pack';
import { runOk } from '../e2e/lib/proc';
import { PRODUCT_PHOTOS, renderProductPhoto, scaledPhoto } from '../e2e/lib/product-photos';
import { startQueueCluster, startQueueServices } from '../e2e/lib/queue-cluster';
import { executionsByTag, triggerRuns } from '../e2e/lib/queue-workflow';
import type { OutputItem } from '../e2e/lib/run-data';
import { BATCH_WEBHOOK_PATH, batchRemoveBackground } from '../e2e/lib/remove-background';
import { ensureInstalled } from '../e2e/lib/setup';
import { describeMachine, startCpuAccount } from './machine';
import { replaceSection } from './sections';

const LINES = (process.env.SAM3_BENCH_LINES ?? '1 2').split(/[\s,]+/).filter(Boolean) as LineKey[];
const ROUNDS = Number(process.env.SAM3_BENCH_QUEUE_ROUNDS ?? 3);
const EXECUTIONS = Number(process.env.SAM3_BENCH_QUEUE_EXECUTIONS ?? 8);
const PHOTOS_PER_EXECUTION = Number(process.env.SAM3_BENCH_QUEUE_PHOTOS ?? 6);
const JOB_MS = 300;
const ACCOUNT_LIMIT = 16;
const WORKERS = 2;
const WORKER_CONCURRENCY = 2;
const REGULAR_PRODUCTION_LIMIT = 2;
const WORKFLOW_ID = 'sam3BenchPipeQ01';
const SECTION = 'pipeline-queue';

const log = (message: string) => process.stderr.write(`[bench:pipeline:queue ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

interface Round {
	wallMs: number;
	photosPerS: number;
}

/** Holds every process running in `home`'s folder (n8n, its task runner) to `core`; GraphicsMagick inherits it. */
async function pinHome(home: N8nHome, core: number): Promise<number> {
	let pinned = 0;
	for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		let cwd = '';
		try {
			cwd = readlinkSync(`/proc/${pid}/cwd`);
		} catch {
			continue;
		}
		if (cwd !== home.userFolder) continue;
		await runOk('taskset', ['-a', '-cp', String(core), pid]);
		pinned++;
	}
	if (!pinned) throw new Error(`no process runs in ${home.userFolder}`);
	return pinned;
}

async function measure(server: N8nServer, home: N8nHome, emulator: EmulatorProcess, urls: string[], round: string, seen: Set<string>): Promise<Round> {
	const tags = Array.from({ length: EXECUTIONS }, (_, i) => `${round}-${i}`);
	const rows = (tag: string) => Array.from({ length: PHOTOS_PER_EXECUTION }, (_, n) => ({ imageUrl: `${urls[n % urls.length]}?tag=${tag}`, sku: `${tag}-${n}`, n }));
	await emulator.reset();
	await emulator.setTiming({ latencyMs: JOB_MS, queueMs: 0, dispatchMs: 0 });
	const started = Date.now();
	await triggerRuns(server, BATCH_WEBHOOK_PATH, tags.map((tag) => ({ tag, rows: rows(tag) as never })));
	const executions = await executionsByTag(server, home, WORKFLOW_ID, tags, { seen, timeoutMs: 30 * 60_000 });
	const stoppedAt = Math.max(...[...executions.values()].map((e) => Date.parse(e.stoppedAt ?? '')));
	for (const [tag, execution] of executions) {
		assert.equal(execution.status, 'success', `${tag}: ${execution.status}`);
		const files = (execution.data.resultData.runData['Remove background']?.[0]?.data?.main?.[0] ?? []) as OutputItem[];
		assert.equal(files.length, PHOTOS_PER_EXECUTION, `${tag}: one file per photo`);
		for (const f of files) {
			assert.equal(f.json.preset, 'amazon');
			assert.equal(f.binary?.data?.mimeType, 'image/jpeg', `${tag} ${f.json.fileName}: a JPEG`);
		}
	}
	const wallMs = stoppedAt - started;
	const photos = EXECUTIONS * PHOTOS_PER_EXECUTION;
	return { wallMs, photosPerS: Math.round((photos / (wallMs / 1000)) * 100) / 100 };
}

function queueBinaryModeDatabase(line: N8nLine): Record<string, string> {
	return line.key === '1' ? { N8N_AVAILABLE_BINARY_DATA_MODES: 'filesystem,database', N8N_DEFAULT_BINARY_DATA_MODE: 'database' } : {};
}

const mean = (rs: Round[]) => Math.round((rs.reduce((a, r) => a + r.photosPerS, 0) / rs.length) * 100) / 100;

async function prepare(home: N8nHome, emulator: EmulatorProcess, sub: Workflow): Promise<void> {
	await home.importCredentials(emulatorCredentials(emulator));
	await home.importWorkflows([sub, batchRemoveBackground({ id: WORKFLOW_ID, subId: sub.id, presets: 'amazon' })]);
	if (home.line.key === '2') await home.cliOk(['publish:workflow', `--id=${sub.id}`]);
	await activateWorkflow(home, WORKFLOW_ID);
}

async function benchLine(line: N8nLine, tarball: string, emulator: EmulatorProcess, urls: string[]) {
	const sub = loadExample(EXAMPLES.removeBackground);
	// n8n 2.41 runs a sub-workflow's published version: read the one `publish:workflow` set (see remove-background.ts).
	const published: Record<string, string> = line.key === '2' ? { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' } : {};
	// Queue mode keeps files in the database on both lines (2.41's default; 1.123's opt-in, README Scaling), so the
	// photos do not travel inline in every execution's data.
	const queueBinary = { ...published, ...queueBinaryModeDatabase(line) };
	const cleanup: Array<() => Promise<void> | void> = [];
	try {
		log(`${line.label}: one n8n (n8n start, ${REGULAR_PRODUCTION_LIMIT} executions at once), held to core 0`);
		const home = N8nHome.create(line, 'sam3-bench-pipeq-one');
		cleanup.push(() => rmSync(home.userFolder, { recursive: true, force: true }));
		await home.installPackage(tarball);
		await prepare(home, emulator, sub);
		const server = await startN8n(home, { env: { N8N_CONCURRENCY_PRODUCTION_LIMIT: String(REGULAR_PRODUCTION_LIMIT), N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', ...published } });
		cleanup.push(() => server.stop());
		await pinHome(home, 0);

		log(`${line.label}: queue mode (main + ${WORKERS} workers --concurrency=${WORKER_CONCURRENCY}), worker i held to core i-1`);
		const services = await startQueueServices();
		cleanup.push(() => services.stop());
		const cluster = await startQueueCluster({ line, services, tarball, workers: WORKERS, concurrency: WORKER_CONCURRENCY, env: queueBinary, prepare: (main) => prepare(main, emulator, sub) });
		cleanup.push(() => cluster.homes.forEach((h) => rmSync(h.userFolder, { recursive: true, force: true })));
		cleanup.push(() => cluster.stop());
		await pinHome(cluster.mainHome, 0);
		for (const [i, w] of cluster.workers.entries()) await pinHome(w.home, i % 2);

		const setups = {
			one: { server, home, seen: new Set<string>(), rounds: [] as Round[] },
			queue: { server: cluster.main, home: cluster.mainHome, seen: new Set<string>(), rounds: [] as Round[] },
		};
		for (const [mode, s] of Object.entries(setups)) {
			await s.server.login();
			log(`${mode}: warm-up round`);
			await measure(s.server, s.home, emulator, urls, `${mode}-warmup`, s.seen);
		}
		for (let r = 1; r <= ROUNDS; r++) {
			for (const [mode, s] of Object.entries(setups)) {
				const round = await measure(s.server, s.home, emulator, urls, `${mode}-${r}`, s.seen);
				s.rounds.push(round);
				log(`${mode} round ${r}: ${round.wallMs} ms, ${round.photosPerS} photos/s`);
			}
		}
		const one = mean(setups.one.rounds);
		const queue = mean(setups.queue.rounds);
		return { line: line.label, node: line.key === '1' ? '20' : '24', one: { rounds: setups.one.rounds, mean: one }, queue: { rounds: setups.queue.rounds, mean: queue }, ratio: Math.round((queue / one) * 100) / 100 };
	} finally {
		for (const step of cleanup.reverse()) await Promise.resolve(step()).catch(() => {});
	}
}

async function main(): Promise<void> {
	const machine = describeMachine();
	await ensureInstalled(LINES);
	const tarball = await buildAndPack();
	const variants = PRODUCT_PHOTOS.filter((p) => p.sku !== 'empty-404').flatMap((p) => [p, scaledPhoto(p, 1.5)]);
	const images = await startImageServer(await Promise.all(variants.map(async (p) => ({ ...p, bytes: await renderProductPhoto(p) }))));
	const emulator = await startEmulator({}, { concurrency: { fal: ACCOUNT_LIMIT } });
	await emulator.setTiming({ latencyMs: JOB_MS, queueMs: 0, dispatchMs: 0 });
	const started = Date.now();
	const cpu = startCpuAccount();
	const results = [];
	try {
		for (const key of LINES) results.push(await benchLine(lines[key], tarball, emulator, variants.map((v) => images.url(v.name))));
	} finally {
		await emulator.stop();
		await images.close();
	}
	const account = cpu();
	const photos = EXECUTIONS * PHOTOS_PER_EXECUTION;
	const section = [
		`<!-- ${SECTION}:begin (written by npm run bench:pipeline:queue, tools/bench/pipeline-queue.ts; do not edit by hand) -->`,
		'## 7b. Background removal: one n8n vs main + 2 workers, one core each (`npm run bench:pipeline:queue`)',
		'',
		`ONE run on ${machine.date.slice(0, 10)} (${Math.round((Date.now() - started) / 1000)} s, ${machine.cpu}, ${machine.cores} cores; other processes used ${account?.othersPercent ?? '?'} % of the machine meanwhile):`,
		`${photos} photos per round (${EXECUTIONS} webhook calls × ${PHOTOS_PER_EXECUTION}, all at once; sizes ${variants.map((p) => `${p.width}×${p.height}`).join(', ')}),`,
		`example 11 (example 5 behind a webhook), preset amazon; SAM 3 from the emulator (${JOB_MS} ms jobs, account limit ${ACCOUNT_LIMIT}). One n8n: \`n8n start\`,`,
		`${REGULAR_PRODUCTION_LIMIT} executions at once, all of it held to core 0 (taskset). Queue mode: main + ${WORKERS} workers × \`--concurrency=${WORKER_CONCURRENCY}\`,`,
		'worker 1 on core 0, worker 2 on core 1 (the main, light, on core 0); files in the database (binary data mode `database`).',
		'GraphicsMagick runs inherit their n8n\'s core; Postgres, Redis and the emulator are not pinned.',
		`After a warm-up round each, ${ROUNDS} measured rounds alternate; wall time from the first webhook call to the last execution's stop.`,
		'',
		'| n8n | one n8n, 1 core: rounds (photos/s) | mean | main + 2 workers, 1 core each: rounds | mean | **workers ÷ one** |',
		'|---|---|---|---|---|---|',
		...results.map((r) => `| ${r.line} (Node ${r.node}) | ${r.one.rounds.map((x) => `${(x.wallMs / 1000).toFixed(1)} s / ${x.photosPerS}`).join(', ')} | ${r.one.mean} | ${r.queue.rounds.map((x) => `${(x.wallMs / 1000).toFixed(1)} s / ${x.photosPerS}`).join(', ')} | ${r.queue.mean} | **${r.ratio}×** |`),
		'',
		`<!-- ${SECTION}:results ${JSON.stringify({ meta: { date: machine.date.slice(0, 10), photos, jobMs: JOB_MS, othersPercent: account?.othersPercent }, results })} -->`,
		`<!-- ${SECTION}:end -->`,
	].join('\n');
	const out = join(__dirname, '..', '..', 'BENCHMARKS.md');
	const text = readFileSync(out, 'utf8');
	writeFileSync(out, text.includes(`<!-- ${SECTION}:begin`) ? replaceSection(text, SECTION, section) : text.replace('<!-- queue-mode:begin', `${section}\n\n<!-- queue-mode:begin`));
	console.log(section);
}

main().catch((error) => {
	console.error(error instanceof Error ? error.stack ?? error.message : error);
	process.exitCode = 1;
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
