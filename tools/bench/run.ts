/**
 * `npm run bench`: every benchmark in one run against the emulator (a child process). Writes the raw results to
 * benchmarks/results.json and their tables into the marked `bench` block of BENCHMARKS.md; the prose around the
 * block is not touched. Benchmarks are not tests: nothing here passes or fails on speed; the tables say which goals
 * were met, and print the former goals (FIGURES_NOT_GOALS) as figures beside their floors. results.json keeps the
 * same verdicts and figures next to the raw numbers. Takes 9–13 minutes on 2 cores (the JIT warm-up ~2 of them).
 * `--data <file>` / `--doc <file>` write elsewhere (defaults: benchmarks/results.json, BENCHMARKS.md at the root).
 * `--rerender` measures nothing: it re-renders the block from the data file (after a change to the tables' code).
 */
import './env';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { startEmulator } from '../e2e/lib/emulator';
import { inFreshProcess } from './fresh-process';
import { describeMachine, startCpuAccount } from './machine';
import type { MemoryResult } from './memory-peak';
import { benchCpuPerItem } from './cpu-per-item';
import { WARM_UP_ITEMS, warmUp } from './jit-warm-up';
import { benchOverhead } from './overhead';
import { benchPollsPerJob } from './polls-per-job';
import { figureText } from './goals';
import { BLOCK, type BenchResults, renderResultsBlock, withVerdicts } from './report';
import { benchScaling } from './scaling';
import { replaceSection } from './sections';
import { benchThroughput } from './throughput';
import { benchBatchTimeToResult, benchTimeToResult } from './time-to-result';

const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const ROOT = join(__dirname, '..', '..');

/** The value after `--name`, resolved from the working directory, or the default under the repository root. */
function pathArg(name: string, fallback: string): string {
	const flag = process.argv.indexOf(`--${name}`);
	return flag > 0 && process.argv[flag + 1] ? resolve(process.argv[flag + 1]) : join(ROOT, fallback);
}

/** Writes one run's raw results and the tables rendered from them; the rest of the doc stays as it is. */
function writeResults(results: BenchResults, dataFile: string, docFile: string): void {
	mkdirSync(dirname(dataFile), { recursive: true });
	writeFileSync(dataFile, `${JSON.stringify(withVerdicts(results), null, 1)}\n`);
	const doc = existsSync(docFile) ? readFileSync(docFile, 'utf8') : '# Benchmarks\n';
	writeFileSync(docFile, replaceSection(doc, BLOCK, renderResultsBlock(results)));
}

async function main(): Promise<void> {
	const dataFile = pathArg('data', 'benchmarks/results.json');
	const docFile = pathArg('doc', 'BENCHMARKS.md');
	if (process.argv.includes('--rerender')) {
		writeResults(JSON.parse(readFileSync(dataFile, 'utf8')) as BenchResults, dataFile, docFile);
		log(`re-rendered the ${BLOCK} block of ${docFile} from ${dataFile}`);
		return;
	}
	const started = Date.now();
	const machine = describeMachine();
	const finishCpuAccount = startCpuAccount();
	log(`${machine.cpu}, ${machine.cores} cores, node ${machine.node}; starting the emulator (child process)`);
	const emulator = await startEmulator({}, { concurrency: { fal: 8 } });
	let results: BenchResults;
	try {
		log(`0/7 JIT warm-up: ${WARM_UP_ITEMS} items through every code path benchmarks 1 and 1b compare`);
		await warmUp(emulator);
		log('1/7 overhead: node vs bare undici client');
		const overhead = await benchOverhead(emulator, [
			{ concurrency: 1, items: 100 },
			{ concurrency: 4, items: 400 },
			{ concurrency: 8, items: 400 },
		]);
		log('2/7 CPU per item: node, HTTP Request workflow, bare client; then a profile of each (fresh process each)');
		const cpuPerItem = await benchCpuPerItem(emulator);
		log('3/7 throughput at the cap (200 items, 300 ms jobs, cap 8) + HTTP Request node');
		const throughput = await benchThroughput(emulator, 200, 300, 8, 3);
		log('4/7 time to result (0.2 s, 1 s, 5 s jobs; fal and Runflow; Runflow runs inside one node run)');
		const timeToResult = await benchTimeToResult(emulator);
		const batchTimeToResult = await benchBatchTimeToResult(emulator);
		log('5/7 status requests per job (6 s job; node, bare fal stream / 500 ms polls, bare Runflow 2 s polls)');
		const pollsPerJob = await benchPollsPerJob(emulator);
		log('6/7 memory: 100 items x 4 masks at 2048x2048, filesystem mode (fresh process)');
		const memory = await inFreshProcess<MemoryResult>({ task: 'memory', emulatorUrl: emulator.info.urls.base, items: 100 });
		log('7/7 scaling: 10, 100, 1000 items, both binary modes (fresh process each)');
		const scaling = await benchScaling(emulator);
		results = { machine, durationS: 0, overhead, cpuPerItem, throughput, timeToResult, batchTimeToResult, pollsPerJob, memory, scaling };
	} finally {
		await emulator.stop();
	}
	results.durationS = Math.round((Date.now() - started) / 1000);
	results.cpu = finishCpuAccount();
	writeResults(results, dataFile, docFile);
	log(`wrote ${dataFile} and the tables in ${docFile} (${results.durationS} s; other processes used ${results.cpu?.othersPercent ?? '?'} % of the machine meanwhile)`);
	const { verdicts, figures } = withVerdicts(results);
	log(`goals: ${Object.entries(verdicts ?? {}).filter(([, v]) => v !== 'figure').map(([name, v]) => `${name} ${v === 'met' ? 'met' : 'MISSED'}`).join(', ')}`);
	log(`figures: ${Object.entries(figures ?? {}).map(([name, figure]) => `${name} ${figureText(figure)}`).join(', ')}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
