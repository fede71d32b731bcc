/**
 * The tables of one `npm run bench` run, as the marked block `bench` of BENCHMARKS.md: the machine, the goals met or
 * not, every benchmark's numbers. The raw results live in benchmarks/results.json; the method and the analysis are
 * BENCHMARKS.md's own prose, written by people, which no run rewrites.
 */
import type { CpuAccount, Machine } from './machine';
import type { MemoryResult } from './memory-peak';
import type { OverheadRow } from './overhead';
import type { PollsPerJobRow } from './polls-per-job';
import type { ScalingRow } from './scaling';
import type { ThroughputResult } from './throughput';
import type { BatchTimeToResultRow, TimeToResultRow } from './time-to-result';
import type { CpuResult } from './cpu-per-item';
import { type Figure, GOALS, type Goals, type Verdict, cpuComparison, cpuFloorRow, figureText, figuresOf, goalsOf, isFigure, nodePolls, throughputFloorRow, verdictsOf } from './goals';

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
	/** Derived on every write (withVerdicts): each summary row's verdict, `figure` for the former goals. */
	verdicts?: Record<string, Verdict>;
	/** Derived on every write: the former goals' measurements, each beside its floor. */
	figures?: Partial<Record<string, Figure>>;
}

/** The raw results with what the summary says of them, as benchmarks/results.json keeps them. */
export function withVerdicts(r: BenchResults): BenchResults {
	return { ...r, verdicts: verdictsOf(r), figures: figuresOf(r) };
}

const table = (head: string[], rows: Array<Array<string | number>>) =>
	[`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const verdict = (ok: boolean) => (ok ? '**met**' : '**missed**');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The slowest round's share of the ideal rate. */
const ofIdeal = (t: ThroughputResult, row: ThroughputResult['rows'][number]) => Math.round((Math.min(...row.roundsItemsPerSecond) / t.idealItemsPerSecond) * 1000) / 10;

/**
 * The floors printed beside the former goals' figures: what any node on n8n's helpers starts from.
 * Throughput: the bare client sending its requests through n8n-core's httpRequest (benchmark 2's last row).
 */
function throughputFloor(r: BenchResults): string {
	const t = r.throughput;
	const floor = throughputFloorRow(r);
	return floor ? `; n8n's request path alone (bare client on n8n's helper): ${floor.ofIdeal} %, slowest round ${ofIdeal(t, floor)} %` : '';
}

/** CPU: the declarative node with the SAM 3 panel sending the same two requests under the same byte caps (1b). */
function cpuFloor(r: BenchResults): string {
	const floor = cpuFloorRow(r);
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

/** The marked block's name in BENCHMARKS.md (sections.ts replaces only what lies between its markers). */
export const BLOCK = 'bench';

export function renderResultsBlock(r: BenchResults): string {
	const goals = goalsOf(r);
	const figures = figuresOf(r);
	/** A row's goal column: the goal, or for a former goal (FIGURES_NOT_GOALS) none, with the goal it was. */
	const goalCell = (name: keyof Goals, goal: string) => (isFigure(name) ? `none: a figure beside its floor (was ${goal})` : goal);
	/** A row's last column: met / missed, or for a former goal its figure with the floor beside it. */
	const verdictCell = (name: keyof Goals) => (isFigure(name) ? figureText(figures[name]) : verdict(goals[name] === true));
	const m = r.machine;
	const t = r.throughput;
	const mem = r.memory;
	const totalBytes = mem.maskBytes + mem.previewBytes;
	const short = r.timeToResult.filter((row) => row.jobMs < 1000);
	const cpu = cpuComparison(r);
	const polls = nodePolls(r);
	const runflowBatch = (r.batchTimeToResult ?? []).filter((row) => row.jobMs >= 1000);
	const summary = table(
		['benchmark', 'goal', 'measured', 'verdict or figure'],
		[
			[
				'1. overhead vs bare client',
				`≤ ${GOALS.overheadWall}× per item`,
				`wall ${r.overhead.map((o) => `${o.ratio}× (cap ${o.concurrency})`).join(', ')}; the bare client through n8n's helper alone: ${r.overhead.map((o) => `${o.helpersRatio ?? '?'}×`).join(', ')}; node / that: ${r.overhead.map((o) => (o.helpers ? `${Math.round((o.node.perItemMs / o.helpers.perItemMs) * 100) / 100}×` : '?')).join(', ')}`,
				goals.overhead ? verdict(true) : goals.overheadOverHelpers ? "**missed; n8n's part shown** (the node is within 1.3× of n8n's helper alone)" : verdict(false),
			],
			[
				'1b. CPU per item vs the HTTP Request workflow (same work: fal.run + mask file, same concurrency)',
				goalCell('cpu', `≤ ${GOALS.cpuVsHttpRequest}×`),
				cpu.ratio !== undefined
					? `${cpu.ratio}× (${cpu.node!.cpuPerItemMs} vs ${cpu.http!.cpuPerItemMs} ms)${cpuFloor(r)}; the default (fal queue, cap 4): ${cpu.nodeDefault?.cpuPerItemMs} ms = ${goals.cpuDefaultRatio}×`
					: 'not measured',
				verdictCell('cpu'),
			],
			['2. throughput at the cap (queue mode, the default)', goalCell('throughput', `≥ ${GOALS.throughputQueue} % of ${t.idealItemsPerSecond} items/s in every round`), `${t.rows[0].itemsPerSecond} items/s = ${t.rows[0].ofIdeal} %, slowest round ${ofIdeal(t, t.rows[0])} % (bare client ${t.rows[2]?.ofIdeal} %)${throughputFloor(r)}`, verdictCell('throughput')],
			['2b. throughput at the cap (fal sync mode)', goalCell('throughputSync', `≥ ${GOALS.throughputSync} % in every round`), `${t.rows[1].itemsPerSecond} items/s = ${t.rows[1].ofIdeal} %, slowest round ${ofIdeal(t, t.rows[1])} %${throughputFloor(r)}`, verdictCell('throughputSync')],
			[
				'3. time to result (1 s, 5 s jobs)',
				`fal ≤ ${GOALS.falTimeToResult}×; Runflow ≤ ${GOALS.runflowTimeToResult}× once the run has seen a job end (3c)`,
				[
					...r.timeToResult.filter((row) => row.jobMs >= 1000 && row.provider.startsWith('fal')).map((row) => `${row.provider} ${row.jobMs / 1000} s: ${row.ratio}×`),
					...runflowBatch.map((row) => `Runflow ${row.jobMs / 1000} s, later runs: ${row.laterRatio}× (first run ${row.firstRatio}×)`),
				].join(', '),
				verdictCell('timeToResult'),
			],
			['3b. time to result (0.2 s job)', `fal (status stream) ≤ ${GOALS.shortTimeToResult}×; Runflow reported`, short.map((row) => `${row.provider}: ${row.ratio}×`).join(', '), verdictCell('timeToResultShort')],
			['4. memory, filesystem mode', `≤ ${GOALS.memoryPeakGrowthMB} MB peak RSS growth`, `${mem.memory.peakGrowthMB} MB while ${mb(totalBytes)} passed`, verdictCell('memory')],
			[
				'6. fal status requests per 6 s job, with the status stream',
				`≤ ${GOALS.falStatusRequestsStream} (one stream + at most one status)`,
				pollsSummary(polls.fal, polls.fal && polls.fal.streams === 0 ? ': the node does not use the stream' : ''),
				verdictCell('falStream'),
			],
			['6b. fal status requests per 6 s job, polling (stream not offered)', `≤ ${GOALS.falStatusRequestsPolling}`, pollsSummary(polls.falPolling), verdictCell('falPolling')],
			['6c. Runflow polls per 6 s run', `≤ ${GOALS.runflowPolls}`, pollsSummary(polls.runflow), verdictCell('runflowPolls')],
		],
	);
	const h = (title: string) => [`### ${title}`, ''];
	return [
		`<!-- ${BLOCK}:begin (written by npm run bench, tools/bench/run.ts, from benchmarks/results.json; do not edit by hand) -->`,
		`## Results of the last run (${m.date.slice(0, 16).replace('T', ' ')} UTC)`,
		'',
		table(
			['cpu', 'cores', 'memory', 'node', 'n8n-core', 'n8n-workflow', 'run took', 'CPU: benchmark / other processes'],
			[[m.cpu, m.cores, `${m.memoryGB} GB`, m.node, m.n8nCore, m.n8nWorkflow, `${r.durationS} s`, r.cpu ? `${r.cpu.benchCoreS} / ${r.cpu.othersCoreS} core-s (others: ${r.cpu.othersPercent} % of the machine)` : 'n/a']],
		),
		'',
		summary,
		'',
		...h('1. Overhead: the node vs a bare undici client'),
		table(
			['cap', 'items × rounds', 'node ms/item', 'bare ms/item', 'ratio', 'bare via n8n helper ms/item', 'via helper / bare', 'node / via helper', 'CPU ms/item node / bare / via helper', 'status requests/item node / bare'],
			r.overhead.map((o) => [
				o.concurrency,
				`${o.items} × ${o.rounds}`,
				o.node.perItemMs,
				o.raw.perItemMs,
				`**${o.ratio}×**`,
				o.helpers?.perItemMs ?? '–',
				o.helpersRatio ? `${o.helpersRatio}×` : '–',
				o.helpers ? `${Math.round((o.node.perItemMs / o.helpers.perItemMs) * 100) / 100}×` : '–',
				`${o.node.cpuPerItemMs} / ${o.raw.cpuPerItemMs} / ${o.helpers?.cpuPerItemMs ?? '–'}`,
				`${o.node.pollsPerItem} / ${o.raw.pollsPerItem}`,
			]),
		),
		'',
		...cpuSections(r),
		...h('2. Throughput at the cap'),
		`${t.items} items × ${t.jobMs} ms jobs, cap ${t.cap}; ideal ${t.idealItemsPerSecond} items/s. HTTP Request node: ${t.httpRequestNode}.`,
		'',
		table(
			['what', `wall (mean of ${t.rounds})`, 'items/s', '% of ideal', 'items/s by round', 'peak jobs at the provider', 'note'],
			t.rows.map((row) => [row.name, `${(row.wallMs / 1000).toFixed(2)} s`, `**${row.itemsPerSecond}**`, `${row.ofIdeal} %`, row.roundsItemsPerSecond.join(', '), row.peakJobsInFlight, row.note ?? '']),
		),
		'',
		...h('3. Time to result'),
		table(
			['provider', 'job', 'runs', 'node time (mean)', 'ratio', 'worst', 'status requests per job', 'fixed 5 s polling'],
			r.timeToResult.map((row) => [row.provider, `${row.jobMs / 1000} s`, row.repeats, `${row.nodeMs} ms`, `**${row.ratio}×**`, `${row.worstNodeMs} ms (${row.worstRatio}×)`, statusRequestsOf(row), `≥ ${row.fixed5sPollingMs / 1000} s`]),
		),
		'',
		...batchSection(r),
		...h('4. Memory'),
		table(
			['files stored', 'bytes passed', 'peak RSS growth', 'sampled peak growth', 'baseline RSS', 'peak heap used', 'retained heap after GC', 'wall'],
			[[
				`${mem.maskFiles} masks + ${mem.previewFiles} previews`,
				`${mb(mem.maskBytes)} masks + ${mb(mem.previewBytes)} previews = **${mb(totalBytes)}**`,
				`**${mem.memory.peakGrowthMB} MB**`,
				`${mem.memory.sampledPeakGrowthMB} MB`,
				`${mem.memory.baselineRssMB} MB`,
				`${mem.memory.peakHeapUsedMB} MB`,
				`${mem.memory.retainedHeapMB} MB`,
				`${(mem.wallMs / 1000).toFixed(1)} s`,
			]],
		),
		'',
		...h('5. Scaling'),
		table(
			['binary mode', 'items', 'wall', 'ms/item', 'CPU ms/item', 'peak RSS growth', 'RSS growth/item', 'peak heap used', 'retained heap/item'],
			r.scaling.map((row) => [row.binaryMode, row.items, `${(row.wallMs / 1000).toFixed(2)} s`, row.perItemMs, row.cpuPerItemMs, `${row.peakRssGrowthMB} MB`, `${row.rssGrowthPerItemKB} KB`, `${row.peakHeapUsedMB} MB`, `${row.retainedPerItemKB} KB`]),
		),
		'',
		...pollsSection(r),
		`<!-- ${BLOCK}:end -->`,
	].join('\n');
}

function pollsSection(r: BenchResults): string[] {
	const rows = r.pollsPerJob;
	if (!rows?.length) return ['### 6. Status requests per job', '', 'Not measured in this run.', ''];
	return [
		`### 6. Status requests per job (a ${rows[0].jobMs / 1000} s job, ${rows[0].repeats} runs per row)`,
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
	if (!c) return ['### 1b. CPU per item', '', 'Not measured in this run.', ''];
	const buckets = [...new Set(c.profiles.flatMap((p) => Object.keys(p.summary.byBucket)))];
	return [
		`### 1b. CPU per item: the node, the HTTP Request workflow, the bare client (${c.items} items × ${c.rounds} rounds)`,
		'',
		table(
			['who', 'requests per item', 'CPU ms/item', 'by round', 'wall ms/item'],
			c.rows.map((row) => [row.name, row.requests, `**${row.cpuPerItemMs}**`, row.cpuPerItemMsByRound.join(', '), row.wallPerItemMs]),
		),
		'',
		`### 1c. Where the CPU goes (V8 sampling profile, ${c.profiles[0]?.items} items, self ms per item)`,
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
		'### 3c. Time to result inside one node run (Runflow, Max Concurrent Jobs 1)',
		'',
		table(
			['provider', 'job', 'jobs', 'first job', 'later jobs (mean)', 'later worst', 'polls: first / later (mean)', 'every job'],
			rows.map((row) => [row.provider, `${row.jobMs / 1000} s`, row.runs, `${row.firstRatio}×`, `**${row.laterRatio}×**`, `${row.laterWorstRatio}×`, `${row.firstPolls} / ${row.laterPolls}`, row.ratios.map((v) => `${v}×`).join(', ')]),
		),
		'',
	];
}
