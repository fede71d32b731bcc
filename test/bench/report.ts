/** Writes BENCHMARKS.md from one run's results: the machine, the method, every number, goals met or not. */
import type { CpuAccount, Machine } from './machine';
import type { MemoryResult } from './memory-peak';
import type { OverheadRow } from './overhead';
import type { ScalingRow } from './scaling';
import type { ThroughputResult } from './throughput';
import type { TimeToResultRow } from './time-to-result';
import { analysis, method } from './report-text';

export interface BenchResults {
	machine: Machine;
	durationS: number;
	cpu?: CpuAccount;
	overhead: OverheadRow[];
	throughput: ThroughputResult;
	timeToResult: TimeToResultRow[];
	memory: MemoryResult;
	scaling: ScalingRow[];
}

const table = (head: string[], rows: Array<Array<string | number>>) =>
	[`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const verdict = (ok: boolean) => (ok ? '**met**' : '**missed**');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export interface Goals {
	overhead: boolean;
	throughput: boolean;
	timeToResult: boolean;
	memory: boolean;
}

export function goalsOf(r: BenchResults): Goals {
	const sam3 = r.throughput.rows[0];
	return {
		overhead: r.overhead.every((row) => row.ratio <= 1.3),
		throughput: sam3.ofIdeal >= 90,
		timeToResult: r.timeToResult.filter((row) => row.jobMs >= 1000).every((row) => row.ratio <= 1.15),
		memory: r.memory.memory.peakGrowthMB <= 256,
	};
}

export function renderReport(r: BenchResults): string {
	const goals = goalsOf(r);
	const m = r.machine;
	const t = r.throughput;
	const mem = r.memory;
	const totalBytes = mem.maskBytes + mem.previewBytes;
	const short = r.timeToResult.filter((row) => row.jobMs < 1000);
	const summary = table(
		['benchmark', 'goal', 'measured', 'verdict'],
		[
			[
				'1. overhead vs bare client',
				'≤ 1.3× per item',
				`wall ${r.overhead.map((o) => `${o.ratio}× (cap ${o.concurrency})`).join(', ')}; CPU ${r.overhead.map((o) => `${o.cpuRatio}×`).join(', ')}`,
				verdict(goals.overhead),
			],
			['2. throughput at the cap (queue mode, the default)', `≥ 90 % of ${t.idealItemsPerSecond} items/s`, `${t.rows[0].itemsPerSecond} items/s = ${t.rows[0].ofIdeal} %`, verdict(goals.throughput)],
			['2b. throughput at the cap (fal sync mode)', '(same goal)', `${t.rows[1].itemsPerSecond} items/s = ${t.rows[1].ofIdeal} %`, verdict(t.rows[1].ofIdeal >= 90)],
			[
				'3. time to result (1 s, 5 s jobs)',
				'≤ 1.15× job time',
				r.timeToResult.filter((row) => row.jobMs >= 1000).map((row) => `${row.provider} ${row.jobMs / 1000} s: ${row.ratio}×`).join(', '),
				verdict(goals.timeToResult),
			],
			['3b. time to result (0.2 s job)', '(same goal)', short.map((row) => `${row.provider}: ${row.ratio}×`).join(', '), verdict(short.every((row) => row.ratio <= 1.15))],
			['4. memory, filesystem mode', '≤ 256 MB peak RSS growth', `${mem.memory.peakGrowthMB} MB while ${mb(totalBytes)} passed`, verdict(goals.memory)],
		],
	);
	return [
		'# Benchmarks',
		'',
		`Written by \`npm run bench\` (test/bench/run.ts) from ONE run on ${m.date.slice(0, 10)}; do not edit by hand (the`,
		'analysis below is the text of test/bench/report-text.ts, with this run\'s numbers). Benchmarks are not tests: no',
		'speed is asserted anywhere in the jest suite. `npm run bench -- --rerender` re-renders the prose from the raw',
		'results embedded at the end, without measuring again.',
		'',
		'## Machine',
		'',
		table(
			['cpu', 'cores', 'memory', 'node', 'n8n-core', 'n8n-workflow', 'date', 'run took', 'CPU: benchmark / other processes'],
			[[m.cpu, m.cores, `${m.memoryGB} GB`, m.node, m.n8nCore, m.n8nWorkflow, m.date, `${r.durationS} s`, r.cpu ? `${r.cpu.benchCoreS} / ${r.cpu.othersCoreS} core-s (others: ${r.cpu.othersPercent} % of the machine)` : 'n/a']],
		),
		'',
		'Other processes on the machine compete for the same cores; the last column says how much they used during this run',
		'(from /proc/stat minus this process and its children). Read the numbers with that in mind.',
		'',
		'## Summary',
		'',
		summary,
		'',
		method(r),
		'',
		'## 1. Overhead: the node vs a bare undici client',
		'',
		'Emulator answering at once (latency 0, queue 0); 256×256 JPEG by URL, prompt "cat", Apply Mask off (one mask per',
		'item). Both sides: submit, status until COMPLETED on the node\'s poll schedule, result, mask download; same cap,',
		'held the same way (a slot from the submit until COMPLETED; the result and the download after it).',
		`Per-item time = run wall time / items, averaged over ${r.overhead[0]?.rounds} alternating rounds. CPU = this process's user+system time.`,
		'',
		table(
			['cap', 'items × rounds', 'node ms/item', 'bare ms/item', 'ratio', 'node CPU ms/item', 'bare CPU ms/item', 'CPU ratio', 'polls/item node / bare', 'node ms/item by round', 'bare ms/item by round'],
			r.overhead.map((o) => [
				o.concurrency,
				`${o.items} × ${o.rounds}`,
				o.node.perItemMs,
				o.raw.perItemMs,
				`**${o.ratio}×**`,
				o.node.cpuPerItemMs,
				o.raw.cpuPerItemMs,
				`${o.cpuRatio}×`,
				`${o.node.pollsPerItem} / ${o.raw.pollsPerItem}`,
				o.node.perItemMsByRound.join(', '),
				o.raw.perItemMsByRound.join(', '),
			]),
		),
		'',
		'## 2. Throughput at the cap',
		'',
		`${t.items} items, each job ${t.jobMs} ms in the emulator, cap ${t.cap}; the emulated fal account runs ${t.cap} jobs at once`,
		`(more wait in its queue). Ideal = ${t.cap} / ${t.jobMs / 1000} s = ${t.idealItemsPerSecond} items/s. Apply Mask off (one mask per item).`,
		'',
		`HTTP Request node used: ${t.httpRequestNode}. It is not a dev dependency of this package:`,
		'`npm install --save-dev --save-exact n8n-nodes-base@1.121.32` (the version n8n 1.123.50 pins) fails on this',
		'registry after ~3.5 min, because n8n-nodes-base depends on an xlsx tarball at cdn.sheetjs.com (unreachable; real n8n',
		'installs need an `overrides` entry for it) and would add ~1,000 packages. The benchmark loads the node from the real',
		'n8n 1.123.50 install the end-to-end tests cache (test/e2e/install.sh); without that cache it falls back to a stand-in',
		'making the same two requests per item with n8n\'s `httpRequest` helper, all items at once like HTTP Request v4.',
		'The workflow users build: HTTP Request (POST fal.run, JSON body, Authorization header) -> HTTP Request (GET',
		'`{{ $json.masks[0].url }}`, response as file); both run in the rig, one after the other, as n8n runs them.',
		'',
		table(
			['what', `wall (mean of ${t.rounds})`, 'items/s', '% of ideal', 'items/s by round', 'peak jobs at the provider', 'note'],
			t.rows.map((row) => [
				row.name,
				`${(row.wallMs / 1000).toFixed(2)} s`,
				`**${row.itemsPerSecond}**`,
				`${row.ofIdeal} %`,
				row.roundsItemsPerSecond.join(', '),
				row.peakJobsInFlight,
				row.note ?? '',
			]),
		),
		'',
		'## 3. Time to result',
		'',
		'One item, queue mode (fal) / run polling (Runflow), prompt "dog", default options (Apply Mask on: mask + preview',
		'downloaded). Node time = n8n\'s executionTime of the node (from its start through submit, polls, result and stored files). Status polls',
		'counted by the emulator. Fixed 5 s polling (fal\'s own n8n node) would at best see the result at the first poll',
		'on or after the job end.',
		'',
		table(
			['provider', 'job', 'runs', 'node time (mean)', 'ratio', 'worst', 'status polls per job', 'fixed 5 s polling'],
			r.timeToResult.map((row) => [row.provider, `${row.jobMs / 1000} s`, row.repeats, `${row.nodeMs} ms`, `**${row.ratio}×**`, `${row.worstNodeMs} ms (${row.worstRatio}×)`, row.pollsPerJob, `≥ ${row.fixed5sPollingMs / 1000} s`]),
		),
		'',
		'## 4. Memory',
		'',
		`${mem.items} items × ${mem.masksPerItem} masks, ${mem.imageSize}×${mem.imageSize}, n8n 'filesystem' binary mode, Max Concurrent Jobs 4, in a`,
		'fresh node process (the emulator is another process). Peak RSS growth = kernel high-water mark (VmHWM, reset at',
		`the start) minus the RSS after a full GC; ${mem.memory.samples} process.memoryUsage() samples (every 5 ms) cross-check it.`,
		'',
		table(
			['files stored', 'bytes passed', 'peak RSS growth', 'sampled peak growth', 'baseline RSS', 'peak heap used', 'peak arrayBuffers', 'retained heap after GC', 'wall'],
			[[
				`${mem.maskFiles} masks + ${mem.previewFiles} previews`,
				`${mb(mem.maskBytes)} masks + ${mb(mem.previewBytes)} previews = **${mb(totalBytes)}**`,
				`**${mem.memory.peakGrowthMB} MB**`,
				`${mem.memory.sampledPeakGrowthMB} MB`,
				`${mem.memory.baselineRssMB} MB`,
				`${mem.memory.peakHeapUsedMB} MB`,
				`${mem.memory.peakArrayBuffersMB} MB`,
				`${mem.memory.retainedHeapMB} MB`,
				`${(mem.wallMs / 1000).toFixed(1)} s`,
			]],
		),
		'',
		'## 5. Scaling',
		'',
		'Same job as in 1 but with the node\'s defaults (Max Concurrent Jobs 4, Apply Mask on: mask + preview per item), each',
		'point in a fresh process. Peak RSS growth as in 4; retained = live heap after the run and a full GC, outputs held.',
		'',
		table(
			['binary mode', 'items', 'wall', 'ms/item', 'CPU ms/item', 'peak RSS growth', 'RSS growth/item', 'peak heap used', 'retained heap/item'],
			r.scaling.map((row) => [row.binaryMode, row.items, `${(row.wallMs / 1000).toFixed(2)} s`, row.perItemMs, row.cpuPerItemMs, `${row.peakRssGrowthMB} MB`, `${row.rssGrowthPerItemKB} KB`, `${row.peakHeapUsedMB} MB`, `${row.retainedPerItemKB} KB`]),
		),
		'',
		analysis(r, goals),
		'',
		'<details><summary>Raw results of this run (JSON)</summary>',
		'',
		'```json',
		JSON.stringify(r, null, 1),
		'```',
		'',
		'</details>',
		'',
	].join('\n');
}
