/**
 * `npm run bench:queue`: throughput of 400 items (300 ms jobs) through a real n8n, regular mode (one `n8n start`)
 * vs queue mode (main + 2 workers over Redis and Postgres), measured in ONE run against the emulator with a fal
 * account limit of 16 jobs at once. Writes its own section of BENCHMARKS.md (between markers; the rest of the file
 * is left as it is). Both modes are sized to the account: regular N8N_CONCURRENCY_PRODUCTION_LIMIT=4 executions ×
 * Max Concurrent Jobs 4; queue 2 workers × `--concurrency=2` × 4. The work: 16 webhook calls × 25 items, at once.
 *   SAM3_BENCH_LINES="1 2"   n8n lines (default: both)
 *   --rerender               re-render the section from the results embedded in it, measuring nothing
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { providerCredentials } from '../e2e/lib/emulator';
import { lines, type LineKey, type N8nLine } from '../e2e/lib/lines';
import { N8nHome } from '../e2e/lib/n8n-home';
import { activateWorkflow, startN8n, type N8nServer } from '../e2e/lib/n8n-server';
import { buildAndPack } from '../e2e/lib/pack';
import { startQueueCluster, startQueueServices } from '../e2e/lib/queue-cluster';
import { executionsByTag, sam3Items, triggerRuns, webhookSegmentWorkflow, type SegmentRow } from '../e2e/lib/queue-workflow';
import { ensureInstalled } from '../e2e/lib/setup';
import { type EmulatorProcess, startEmulator } from '../e2e/lib/emulator';
import { smallImage } from './images';
import { describeMachine, startCpuAccount } from './machine';
import { replaceSection } from './sections';

const EXECUTIONS = 16;
const ITEMS_PER_EXECUTION = 25;
const JOB_MS = 300;
const ACCOUNT_LIMIT = 16;
const CAP = 4;
const WORKERS = 2;
const WORKER_CONCURRENCY = 2;
const REGULAR_PRODUCTION_LIMIT = 4;
const ROUNDS = 3;
const WORKFLOW_ID = 'sam3BenchQueue01';
const PATH = 'sam3-bench';
const SECTION = 'queue-mode';

const log = (message: string) => process.stderr.write(`[bench:queue ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

interface Round {
	wallMs: number;
	itemsPerS: number;
	peakJobs: number;
}

interface ModeResult {
	mode: 'regular' | 'queue';
	setup: string;
	rounds: Round[];
	meanItemsPerS: number;
}

interface LineResult {
	line: string;
	node: string;
	regular: ModeResult;
	queue: ModeResult;
	/** queue ÷ regular items per second. */
	ratio: number;
	/** ideal = ACCOUNT_LIMIT jobs of JOB_MS at once. */
	idealItemsPerS: number;
}

/** Fires EXECUTIONS webhook calls at once; wall time from the first call to the last execution's stop. */
async function measure(server: N8nServer, home: N8nHome, emulator: EmulatorProcess, imageUrl: string, round: string, seen: Set<string>): Promise<Round> {
	const tags = Array.from({ length: EXECUTIONS }, (_, i) => `${round}-${i}`);
	const rows = (tag: string): SegmentRow[] =>
		Array.from({ length: ITEMS_PER_EXECUTION }, (_, n) => ({ imageUrl: `${imageUrl}?tag=${tag}&n=${n}`, prompt: 'product', n }));
	await emulator.reset();
	const started = Date.now();
	await triggerRuns(server, PATH, tags.map((tag) => ({ tag, rows: rows(tag) })));
	const executions = await executionsByTag(server, home, WORKFLOW_ID, tags, { seen, timeoutMs: 600_000 });
	const stoppedAt = Math.max(...[...executions.values()].map((e) => Date.parse(e.stoppedAt ?? '')));
	if (!Number.isFinite(stoppedAt)) throw new Error('an execution has no stoppedAt');
	let segmented = 0;
	for (const [tag, execution] of executions) {
		if (execution.status !== 'success') throw new Error(`${tag}: ${execution.status}`);
		segmented += sam3Items(execution).filter((item) => !item.json.error && item.json.masks?.length).length;
	}
	const items = EXECUTIONS * ITEMS_PER_EXECUTION;
	if (segmented !== items) throw new Error(`${round}: ${segmented} of ${items} items segmented`);
	const wallMs = stoppedAt - started;
	const stats = await emulator.stats();
	return { wallMs, itemsPerS: Math.round((items / (wallMs / 1000)) * 10) / 10, peakJobs: stats.peakInFlight.fal ?? 0 };
}

async function prepare(home: N8nHome, emulator: EmulatorProcess): Promise<void> {
	const { keys, urls } = emulator.info;
	await home.importCredentials(
		providerCredentials({ falKey: keys.fal, falRunUrl: urls.falRun, falQueueUrl: urls.falQueue, falRestUrl: urls.falRest, runflowKey: keys.runflow, runflowUrl: urls.runflow }),
	);
	await home.importWorkflows([webhookSegmentWorkflow({ id: WORKFLOW_ID, path: PATH, cap: CAP })]);
	await activateWorkflow(home, WORKFLOW_ID);
}

const mean = (rs: Round[]) => Math.round((rs.reduce((a, r) => a + r.itemsPerS, 0) / rs.length) * 10) / 10;

/**
 * Both setups run side by side (idle n8n costs little) and the measured rounds alternate, regular then queue, so
 * a change in the machine's load from other processes falls on both modes alike.
 */
async function benchLine(line: N8nLine, tarball: string, emulator: EmulatorProcess, imageUrl: string): Promise<LineResult> {
	const cleanup: Array<() => Promise<void> | void> = [];
	try {
		log(`${line.label}: regular mode (one n8n start, SQLite, N8N_CONCURRENCY_PRODUCTION_LIMIT=${REGULAR_PRODUCTION_LIMIT})`);
		const home = N8nHome.create(line, 'sam3-bench-regular');
		cleanup.push(() => rmSync(home.userFolder, { recursive: true, force: true }));
		await home.installPackage(tarball);
		await prepare(home, emulator);
		const server = await startN8n(home, { env: { N8N_CONCURRENCY_PRODUCTION_LIMIT: String(REGULAR_PRODUCTION_LIMIT) } });
		cleanup.push(() => server.stop());

		log(`${line.label}: queue mode (main + ${WORKERS} workers --concurrency=${WORKER_CONCURRENCY}, Postgres, Redis)`);
		const services = await startQueueServices();
		cleanup.push(() => services.stop());
		const cluster = await startQueueCluster({ line, services, tarball, workers: WORKERS, concurrency: WORKER_CONCURRENCY, prepare: (main) => prepare(main, emulator) });
		cleanup.push(() => cluster.homes.forEach((h) => rmSync(h.userFolder, { recursive: true, force: true })));
		cleanup.push(() => cluster.stop());

		const setups = {
			regular: { server, home, seen: new Set<string>(), rounds: [] as Round[] },
			queue: { server: cluster.main, home: cluster.mainHome, seen: new Set<string>(), rounds: [] as Round[] },
		};
		for (const [mode, s] of Object.entries(setups)) {
			await s.server.login();
			log(`${mode}: warm-up round`);
			await measure(s.server, s.home, emulator, imageUrl, `${mode}-warmup`, s.seen);
		}
		for (let r = 1; r <= ROUNDS; r++) {
			for (const [mode, s] of Object.entries(setups)) {
				const round = await measure(s.server, s.home, emulator, imageUrl, `${mode}-${r}`, s.seen);
				s.rounds.push(round);
				log(`${mode} round ${r}: ${round.wallMs} ms, ${round.itemsPerS} items/s, peak ${round.peakJobs} jobs`);
			}
		}
		const regular: ModeResult = {
			mode: 'regular',
			setup: `1 × n8n start, ${REGULAR_PRODUCTION_LIMIT} executions at once × cap ${CAP}`,
			rounds: setups.regular.rounds,
			meanItemsPerS: mean(setups.regular.rounds),
		};
		const queue: ModeResult = {
			mode: 'queue',
			setup: `main + ${WORKERS} workers × ${WORKER_CONCURRENCY} executions × cap ${CAP}`,
			rounds: setups.queue.rounds,
			meanItemsPerS: mean(setups.queue.rounds),
		};
		return {
			line: line.label,
			node: line.key === '1' ? '20' : '24',
			regular,
			queue,
			ratio: Math.round((queue.meanItemsPerS / regular.meanItemsPerS) * 100) / 100,
			idealItemsPerS: Math.round((ACCOUNT_LIMIT / (JOB_MS / 1000)) * 10) / 10,
		};
	} finally {
		for (const step of cleanup.reverse()) await step();
	}
}

interface Meta {
	date: string;
	durationS: number;
	othersPercent?: number;
	machine: string;
}

function render(results: LineResult[], meta: Meta): string {
	const rows = results.flatMap((r) =>
		[r.regular, r.queue].map((m) => {
			const rounds = m.rounds.map((x) => `${(x.wallMs / 1000).toFixed(1)} s / ${x.itemsPerS}`).join(', ');
			const peak = Math.max(...m.rounds.map((x) => x.peakJobs));
			const ofIdeal = Math.round((m.meanItemsPerS / r.idealItemsPerS) * 100);
			return `| ${r.line} (Node ${r.node}) | ${m.mode} | ${m.setup} | ${rounds} | ${peak} | **${m.meanItemsPerS}** | ${ofIdeal} % |`;
		}),
	);
	const ideal = results[0]?.idealItemsPerS;
	return [
		`<!-- ${SECTION}:begin (written by npm run bench:queue, tools/bench/queue-mode.ts; do not edit by hand) -->`,
		'## Queue mode: one n8n vs main + 2 workers',
		'',
		`A real n8n per line (\`npm run bench:queue\`): ${EXECUTIONS * ITEMS_PER_EXECUTION} items (${EXECUTIONS} webhook calls × ${ITEMS_PER_EXECUTION} items, all at`,
		`once), ${JOB_MS} ms jobs, the emulated fal account running ${ACCOUNT_LIMIT} jobs at once (the rest wait in its queue): ideal`,
		`${ideal} items/s. Both modes are sized to the account's limit as README *Scaling* advises: regular mode`,
		`${REGULAR_PRODUCTION_LIMIT} executions at once (\`N8N_CONCURRENCY_PRODUCTION_LIMIT\`) × Max Concurrent Jobs ${CAP}; queue mode ${WORKERS} workers`,
		`× \`--concurrency=${WORKER_CONCURRENCY}\` × ${CAP}. Wall time runs from the first webhook call to the last execution's \`stoppedAt\`;`,
		'every item is checked segmented. Both setups run side by side; after one warm-up round each, the',
		`${ROUNDS} measured rounds alternate regular / queue, so a change in the machine's load falls on both.`,
		`One run on ${meta.date} (${meta.durationS} s, ${meta.machine}); other processes used ${meta.othersPercent ?? '?'} % of the machine meanwhile.`,
		'',
		'| n8n | mode | setup | rounds (wall / items/s) | peak jobs | items/s (mean) | of ideal |',
		'|---|---|---|---|---|---|---|',
		...rows,
		'',
		...results.map((r) => `- **${r.line}: queue mode ÷ regular mode = ${r.ratio}×** items/s.`),
		'',
		'Reading it: with the same account limit both modes wait on the same provider slots; queue mode only changes',
		"where n8n's own work runs (webhook intake, items, mask downloads, saving executions). On this 2-core machine the",
		'main, both workers, Postgres, Redis and the emulator share the same 2 cores (with other processes), so workers',
		'add processes, not CPU; on separate machines each worker brings its own cores. The gap to the ideal is most',
		"likely n8n's own per-execution work on those shared cores (the node alone, section 2, comes closer); this run does",
		'not separate the two. Queue mode also stores every execution in Postgres (1.x: masks inline in the execution',
		'data; 2.x: `database` binary mode) instead of SQLite and the filesystem.',
		'',
		`<!-- ${SECTION}:results ${JSON.stringify({ meta, results })} -->`,
		`<!-- ${SECTION}:end -->`,
	].join('\n');
}

/** `--rerender`: the section again from the results embedded in it (after a change of the text). */
function rerender(out: string): void {
	const text = readFileSync(out, 'utf8');
	const json = new RegExp(`<!-- ${SECTION}:results (.*) -->`).exec(text)?.[1];
	if (!json) throw new Error(`${out} has no ${SECTION} results to re-render`);
	const { meta, results } = JSON.parse(json) as { meta: Meta; results: LineResult[] };
	writeFileSync(out, replaceSection(text, SECTION, render(results, meta)));
}

async function main(): Promise<void> {
	const out = join(__dirname, '..', '..', 'BENCHMARKS.md');
	if (process.argv.includes('--rerender')) return rerender(out);
	const started = Date.now();
	const keys = (process.env.SAM3_BENCH_LINES ?? '1 2').split(/[\s,]+/).filter(Boolean) as LineKey[];
	const selected = keys.map((k) => lines[k]);
	const machine = describeMachine();
	const finishCpu = startCpuAccount();
	log(`installing (cached) ${selected.map((l) => l.label)}, building, packing`);
	await ensureInstalled(keys);
	const tarball = await buildAndPack();
	const emulator = await startEmulator({}, { concurrency: { fal: ACCOUNT_LIMIT } });
	const results: LineResult[] = [];
	try {
		await emulator.setTiming({ latencyMs: JOB_MS, queueMs: 0, dispatchMs: 0 });
		const imageUrl = await emulator.hostImage(await smallImage(), 'image/jpeg', 'bench-queue.jpg');
		for (const line of selected) results.push(await benchLine(line, tarball, emulator, imageUrl));
	} finally {
		await emulator.stop();
		rmSync(dirname(tarball), { recursive: true, force: true });
	}
	const section = render(results, {
		date: new Date().toISOString().slice(0, 10),
		durationS: Math.round((Date.now() - started) / 1000),
		othersPercent: finishCpu()?.othersPercent,
		machine: `${machine.cpu}, ${machine.cores} cores`,
	});
	writeFileSync(out, replaceSection(readFileSync(out, 'utf8'), SECTION, section));
	for (const r of results) log(`${r.line}: regular ${r.regular.meanItemsPerS} items/s, queue ${r.queue.meanItemsPerS} items/s, ratio ${r.ratio}`);
	log(`wrote the "${SECTION}" section of ${out}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
