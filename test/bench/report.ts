/** Writes BENCHMARKS.md from one run's results: the machine, the method, every number, goals met or not. */
import type { CpuAccount, Machine } from './machine';
import type { MemoryResult } from './memory-peak';
import type { OverheadRow } from './overhead';
import type { PollsPerJobRow } from './polls-per-job';
import type { ScalingRow } from './scaling';
import type { ThroughputResult } from './throughput';
import type { BatchTimeToResultRow, TimeToResultRow } from './time-to-result';
import type { CpuResult } from './cpu-per-item';
import { GOALS, cpuComparison, goalsOf, nodePolls } from './goals';
import { analysis, method } from './report-text';

export { goalsOf } from './goals';

export interface BenchResults {
	machine: Machine;
	durationS: number;
	cpu?: CpuAccount;
	overhead: OverheadRow[];
	throughput: ThroughputResult;
	timeToResult: TimeToResultRow[];
	/** Section 3c (issue 20); absent in older reports. */
	batchTimeToResult?: BatchTimeToResultRow[];
	/** Section 1b/1c (issue 20); absent in older reports. */
	cpuPerItem?: CpuResult;
	/** Absent in reports written before it was measured. */
	pollsPerJob?: PollsPerJobRow[];
	memory: MemoryResult;
	scaling: ScalingRow[];
}

const table = (head: string[], rows: Array<Array<string | number>>) =>
	[`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const verdict = (ok: boolean) => (ok ? '**met**' : '**missed**');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The slowest round's share of the ideal rate. */
const ofIdeal = (t: ThroughputResult, row: ThroughputResult['rows'][number]) => Math.round((Math.min(...row.roundsItemsPerSecond) / t.idealItemsPerSecond) * 1000) / 10;

/**
 * The floors printed beside the goals they bound: what any node on n8n's helpers starts from.
 * Throughput: the bare client sending its requests through n8n-core's httpRequest (benchmark 2's last row).
 */
function throughputFloor(t: ThroughputResult): string {
	const floor = t.rows[4];
	return floor ? `; n8n's request path alone (bare client on n8n's helper): ${floor.ofIdeal} %, slowest round ${ofIdeal(t, floor)} %` : '';
}

/** CPU: the declarative node with the SAM 3 panel sending the same two requests under the same byte caps (1b). */
function cpuFloor(r: BenchResults): string {
	const floor = r.cpuPerItem?.rows.find((row) => row.contender === 'declarativeCapped');
	const { node, http } = cpuComparison(r);
	if (!floor || !node || !http) return '';
	const round2 = (v: number) => Math.round(v * 100) / 100;
	return `; the SAM 3 panel's declarative node sending only those two requests under the same byte caps: ${floor.cpuPerItemMs} ms (${round2(floor.cpuPerItemMs / http.cpuPerItemMs)}×), so the node's own work is ${round2(node.cpuPerItemMs - floor.cpuPerItemMs)} ms`;
}

const statusRequestsOf = (row: TimeToResultRow) => Math.round((row.pollsPerJob + (row.streamsPerJob ?? 0)) * 10) / 10;

function pollsSummary(row: PollsPerJobRow | undefined, extra = ''): string {
	if (!row) return 'not measured';
	return `${row.maxStatusRequests} (${row.polls} polls + ${row.streams} streams)${extra}`;
}

export function renderReport(r: BenchResults): string {
	const goals = goalsOf(r);
	const m = r.machine;
	const t = r.throughput;
	const mem = r.memory;
	const totalBytes = mem.maskBytes + mem.previewBytes;
	const short = r.timeToResult.filter((row) => row.jobMs < 1000);
	const cpu = cpuComparison(r);
	const polls = nodePolls(r);
	const runflowBatch = (r.batchTimeToResult ?? []).filter((row) => row.jobMs >= 1000);
	const summary = table(
		['benchmark', 'goal', 'measured', 'verdict'],
		[
			[
				'1. overhead vs bare client',
				`≤ ${GOALS.overheadWall}× per item`,
				`wall ${r.overhead.map((o) => `${o.ratio}× (cap ${o.concurrency})`).join(', ')}; the bare client through n8n's helper alone: ${r.overhead.map((o) => `${o.helpersRatio ?? '?'}×`).join(', ')}; node / that: ${r.overhead.map((o) => (o.helpers ? `${Math.round((o.node.perItemMs / o.helpers.perItemMs) * 100) / 100}×` : '?')).join(', ')}`,
				goals.overhead ? verdict(true) : goals.overheadOverHelpers ? "**missed; n8n's part shown** (the node is within 1.3× of n8n's helper alone)" : verdict(false),
			],
			[
				'1b. CPU per item vs the HTTP Request workflow (same work: fal.run + mask file, same concurrency)',
				`≤ ${GOALS.cpuVsHttpRequest}×`,
				cpu.ratio !== undefined
					? `${cpu.ratio}× (${cpu.node!.cpuPerItemMs} vs ${cpu.http!.cpuPerItemMs} ms)${cpuFloor(r)}; the default (fal queue, cap 4): ${cpu.nodeDefault?.cpuPerItemMs} ms = ${goals.cpuDefaultRatio}×`
					: 'not measured',
				verdict(goals.cpu),
			],
			['2. throughput at the cap (queue mode, the default)', `≥ ${GOALS.throughputQueue} % of ${t.idealItemsPerSecond} items/s in every round`, `${t.rows[0].itemsPerSecond} items/s = ${t.rows[0].ofIdeal} %, slowest round ${ofIdeal(t, t.rows[0])} % (bare client ${t.rows[2]?.ofIdeal} %)${throughputFloor(t)}`, verdict(goals.throughput)],
			['2b. throughput at the cap (fal sync mode)', `≥ ${GOALS.throughputSync} % in every round`, `${t.rows[1].itemsPerSecond} items/s = ${t.rows[1].ofIdeal} %, slowest round ${ofIdeal(t, t.rows[1])} %${throughputFloor(t)}`, verdict(goals.throughputSync)],
			[
				'3. time to result (1 s, 5 s jobs)',
				`fal ≤ ${GOALS.falTimeToResult}×; Runflow ≤ ${GOALS.runflowTimeToResult}× once the run has seen a job end (3c)`,
				[
					...r.timeToResult.filter((row) => row.jobMs >= 1000 && row.provider.startsWith('fal')).map((row) => `${row.provider} ${row.jobMs / 1000} s: ${row.ratio}×`),
					...runflowBatch.map((row) => `Runflow ${row.jobMs / 1000} s, later runs: ${row.laterRatio}× (first run ${row.firstRatio}×)`),
				].join(', '),
				verdict(goals.timeToResult),
			],
			['3b. time to result (0.2 s job)', `fal (status stream) ≤ ${GOALS.shortTimeToResult}×; Runflow reported`, short.map((row) => `${row.provider}: ${row.ratio}×`).join(', '), verdict(goals.timeToResultShort)],
			['4. memory, filesystem mode', `≤ ${GOALS.memoryPeakGrowthMB} MB peak RSS growth`, `${mem.memory.peakGrowthMB} MB while ${mb(totalBytes)} passed`, verdict(goals.memory)],
			[
				'6. fal status requests per 6 s job, with the status stream',
				`≤ ${GOALS.falStatusRequestsStream} (one stream + at most one status)`,
				pollsSummary(polls.fal, polls.fal && polls.fal.streams === 0 ? ': the node does not use the stream' : ''),
				verdict(goals.falStream),
			],
			['6b. fal status requests per 6 s job, polling (stream not offered)', `≤ ${GOALS.falStatusRequestsPolling}`, pollsSummary(polls.falPolling), verdict(goals.falPolling)],
			['6c. Runflow polls per 6 s run', `≤ ${GOALS.runflowPolls}`, pollsSummary(polls.runflow), verdict(goals.runflowPolls)],
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
		'item). Both sides: submit, wait for COMPLETED, result, mask download; the bare client waits on fal\'s status stream',
		'(one request, as fal-js `streamStatus`), the node its own way; same cap, held the same way (a slot from the submit',
		'until COMPLETED; the result and the download after it). Status requests = status polls + status streams.',
		`Per-item time = run wall time / items, averaged over ${r.overhead[0]?.rounds} alternating rounds. CPU = this process's user+system time.`,
		'',
		table(
			[
				'cap',
				'items × rounds',
				'node ms/item',
				'bare ms/item',
				'ratio',
				'bare via n8n helper ms/item',
				'n8n helper alone (via helper / bare)',
				'share of the node\'s extra time that is n8n\'s helper',
				'node CPU ms/item',
				'bare CPU ms/item',
				'bare via helper CPU ms/item',
				'status requests/item node / bare',
				'node ms/item by round',
				'bare ms/item by round',
			],
			r.overhead.map((o) => [
				o.concurrency,
				`${o.items} × ${o.rounds}`,
				o.node.perItemMs,
				o.raw.perItemMs,
				`**${o.ratio}×**`,
				o.helpers?.perItemMs ?? '–',
				o.helpersRatio ? `${o.helpersRatio}×` : '–',
				o.helpers && o.node.perItemMs > o.raw.perItemMs ? `${Math.round(((o.helpers.perItemMs - o.raw.perItemMs) / (o.node.perItemMs - o.raw.perItemMs)) * 100)} %` : '–',
				o.node.cpuPerItemMs,
				o.raw.cpuPerItemMs,
				o.helpers?.cpuPerItemMs ?? '–',
				`${o.node.pollsPerItem} / ${o.raw.pollsPerItem}`,
				o.node.perItemMsByRound.join(', '),
				o.raw.perItemMsByRound.join(', '),
			]),
		),
		'',
		'"Bare via n8n helper": the bare client\'s same requests sent through n8n-core\'s `httpRequest` (the function behind every',
		'node\'s `this.helpers.httpRequest`, which a verified node must use) instead of a pooled undici agent — no engine, no',
		'node: the part of the overhead that no node calling n8n\'s helpers can avoid.',
		'',
		...cpuSections(r),
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
		'downloaded). Node time = n8n\'s executionTime of the node (from its start through submit, polls, result and stored files). Status requests',
		'(polls + fal status streams) counted by the emulator. Fixed 5 s polling (fal\'s own n8n node) would at best see the result at the first poll',
		'on or after the job end.',
		'',
		table(
			['provider', 'job', 'runs', 'node time (mean)', 'ratio', 'worst', 'status requests per job', 'fixed 5 s polling'],
			r.timeToResult.map((row) => [row.provider, `${row.jobMs / 1000} s`, row.repeats, `${row.nodeMs} ms`, `**${row.ratio}×**`, `${row.worstNodeMs} ms (${row.worstRatio}×)`, statusRequestsOf(row), `≥ ${row.fixed5sPollingMs / 1000} s`]),
		),
		'',
		...batchSection(r),
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
		...pollsSection(r),
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

function pollsSection(r: BenchResults): string[] {
	const rows = r.pollsPerJob;
	if (!rows?.length) return ['## 6. Status requests per job', '', 'Not measured in this run.', ''];
	const jobS = rows[0].jobMs / 1000;
	return [
		'## 6. Status requests per job',
		'',
		`One item, a ${jobS} s job (queue 0), prompt "dog", default options; ${rows[0].repeats} runs per row. Status requests = fal status polls`,
		'+ status streams (each connection counts once; a 404 stream attempt counts too), Runflow run GETs, counted by the',
		'emulator from its request log. "Stream not offered": the emulator answers every status-stream request 404, so the',
		'node shows its polling. Bare client: test/bench/raw-client.ts, doing what fal-js (`streamStatus`; `subscribe`\'s',
		'default 500 ms polling) and Runflow\'s SDK (2 s polling) do. At 40 jobs in flight (fal\'s highest account limit),',
		'N requests per 6 s job is ~N × 40 / 6 status requests a second against the account.',
		'',
		table(
			['client', 'runs', 'polls per job', 'streams per job', 'status requests per job', 'most for one job', 'time to result', 'ratio to job'],
			rows.map((row) => [row.client, row.repeats, row.polls, row.streams, `**${row.statusRequests}**`, row.maxStatusRequests, `${row.resultMs} ms`, `${Math.round((row.resultMs / row.jobMs) * 100) / 100}×`]),
		),
		'',
	];
}

const PROFILE_LABEL: Record<string, string> = {
	node: 'node, fal queue',
	sync: 'node, fal sync',
	http: 'HTTP Request workflow',
	helpers: 'bare client via n8n helper',
	raw: 'bare undici client',
};

function cpuSections(r: BenchResults): string[] {
	const c = r.cpuPerItem;
	if (!c) return ['## 1b. CPU per item against the HTTP Request workflow', '', 'Not measured in this run.', ''];
	const buckets = [...new Set(c.profiles.flatMap((p) => Object.keys(p.summary.byBucket)))];
	return [
		'## 1b. CPU per item: the node, the HTTP Request workflow, the bare client',
		'',
		`The same ${c.items} items (256×256 JPEG by URL, Apply Mask off: one mask each), emulator answering at once; ${c.rounds} alternating rounds;`,
		'CPU = this process\'s user+system time / items. The HTTP Request workflow is what users build without this package:',
		`HTTP Request (POST fal.run) -> HTTP Request (GET the mask as file), ${c.httpRequestNode}; n8n runs each node`,
		'over every item at once. The node does the same work in fal sync mode (2 requests per item); its default, fal',
		'queue, makes 4 (submit, status stream, result, mask). CPU per item moves with the items in flight (compare the',
		'bare client at cap 4 and 100), so the node is shown at its default cap 4 and at cap 100',
		'(the most Max Concurrent Jobs allows), next to the HTTP workflow\'s all-at-once. A declarative node with the SAM 3',
		'node\'s panel (test/bench/declarative-floor-node.ts: RoutingNode walks the same properties for each item) whose',
		'hook only sends the same two requests on n8n\'s helpers (no validation, slots or retries) is measured as is and',
		'reading both answers under the node\'s byte caps (streams): the gap splits into n8n\'s declarative engine, the caps',
		'and the node\'s own work.',
		'',
		table(
			['who', 'requests per item', 'CPU ms/item', 'by round', 'wall ms/item'],
			c.rows.map((row) => [row.name, row.requests, `**${row.cpuPerItemMs}**`, row.cpuPerItemMsByRound.join(', '), row.wallPerItemMs]),
		),
		'',
		'## 1c. Where the CPU goes (profile)',
		'',
		`Each contender once more in a fresh process, ${c.profiles[0]?.items} items, under V8's`,
		'sampling profiler (node:inspector, 200 µs; warm-up not profiled); self time per item by who runs the code',
		'(test/bench/profile-summary.ts). "Under n8n\'s request helpers" is everything that runs below n8n-core\'s',
		'`httpRequest` / `httpRequestWithAuthentication` / `request` on the same stack (axios, the per-request agents, node\'s',
		'http), a part no node calling them can avoid; the answers\' callbacks run from the event loop and land in "other",',
		'so this is a lower bound. Profiled totals run above the CPU column (sampling overhead).',
		'',
		table(
			['bucket (ms/item)', ...c.profiles.map((p) => `${PROFILE_LABEL[p.contender]}, ${p.contender === 'http' ? 'all at once' : `cap ${p.cap}`}`)],
			[
				...buckets.map((bucket) => [bucket, ...c.profiles.map((p) => p.summary.byBucket[bucket] ?? 0)]),
				['**total profiled**', ...c.profiles.map((p) => `**${p.summary.totalMs}**`)],
				['**under n8n\'s request helpers**', ...c.profiles.map((p) => `**${p.summary.underRequestHelpersMs}** (${p.summary.totalMs ? Math.round((p.summary.underRequestHelpersMs / p.summary.totalMs) * 100) : 0} %)`)],
			],
		),
		'',
		'Top self time, node in fal queue mode (ms/item): ' +
			(c.profiles.find((p) => p.contender === 'node')?.summary.topSelf.slice(0, 8).map((f) => `${f.name.trim() || '(native)'} ${f.ms}`).join('; ') ?? ''),
		'',
	];
}

function batchSection(r: BenchResults): string[] {
	const rows = r.batchTimeToResult;
	if (!rows?.length) return [];
	return [
		'## 3c. Time to result inside one node run',
		'',
		'One node run of several items, Runflow, Max Concurrent Jobs 1 (the jobs run one after another), prompt "dog",',
		'default options. Per job: from its creation at the emulator to the node\'s last download of its files (mask and',
		'preview), / job time, by the emulator\'s clock and request log. The first job knows nothing (the usual schedule,',
		'as in section 3); the later ones are polled where the earlier ones ended (job/poll-schedule.ts).',
		'',
		table(
			['provider', 'job', 'jobs', 'first job', 'later jobs (mean)', 'later worst', 'polls: first / later (mean)', 'every job'],
			rows.map((row) => [row.provider, `${row.jobMs / 1000} s`, row.runs, `${row.firstRatio}×`, `**${row.laterRatio}×**`, `${row.laterWorstRatio}×`, `${row.firstPolls} / ${row.laterPolls}`, row.ratios.map((v) => `${v}×`).join(', ')]),
		),
		'',
	];
}
