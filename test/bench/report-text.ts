/**
 * The prose of BENCHMARKS.md: how the numbers were taken and what they mean. The explanations come from
 * profiling this node (node --cpu-prof, request timelines from the emulator log); the numbers are this run's.
 */
import { WARM_UP_ITEMS } from './jit-warm-up';
import { GOALS, type Goals, cpuComparison, nodePolls } from './goals';
import { MIN_POLL_DELAY_MS, nextPollDelayMs, pollTimes } from '../../nodes/Sam3/job/poll-schedule';
import type { BenchResults } from './report';
import type { TimeToResultRow } from './time-to-result';

export function method(r: BenchResults): string {
	return [
		'## Method',
		'',
		'- **The node runs in the real engine**: test/rig runs it through n8n-core\'s `WorkflowExecute` (Start node ->',
		`  SAM 3), with n8n-core ${r.machine.n8nCore} / n8n-workflow ${r.machine.n8nWorkflow} (what n8n 1.123.50 ships), RoutingNode`,
		'  calling the node\'s job runner per item, credentials resolved by the rig\'s copy of n8n\'s CredentialsHelper, and every',
		'  request going through n8n\'s own request helpers (axios).',
		'- **The provider is the package\'s emulator (test/emulator) in a child process**, driven over its `/__emulator`',
		'  controls. In-process, its work (sharp PNG encoding, JSON, timers) would run on the node\'s event loop and count in',
		'  the node\'s RSS. A child process keeps it off both, **but the two processes share the same',
		`  ${r.machine.cores} cores**: the emulator's CPU time still competes with the node's, and the baseline client`,
		'  meets the same contention (so ratios are fairer than absolute times).',
		'- The emulated fal account runs 8 jobs at once (`concurrency: { fal: 8 }`); jobs over that wait in its queue. Only',
		'  the CPU (1b) and throughput (2) benchmarks go past 8 (the HTTP Request node sends every item at once).',
		'- Memory runs (4 and 5) each run in a fresh node process, so RSS retained by earlier runs cannot hide growth.',
		`- **JIT warm-up first**: before benchmark 1, ${WARM_UP_ITEMS.toLocaleString('en')} items run through every path benchmarks 1 and 1b compare (the node in`,
		'  fal queue and sync mode, the bare client direct and through n8n\'s helper, both HTTP workflows, the',
		'  declarative floor node with and without byte caps), and each profile\'s',
		'  fresh process does the same for its path. V8 optimizes code that runs once per item only after thousands of items',
		'  (counted with `--trace-opt`, test/bench/jit-warm-up.ts); measured earlier, a contender\'s CPU includes compiling it.',
		'- Everything is from this one run; each benchmark warms up first (JIT, lazy modules, sockets) and the warm-up is',
		'  not counted. The by-round columns show the spread within the run. Between whole runs on this 2-core machine the',
		'  numbers moved by a few percent during development (e.g. queue-mode throughput 76-85 % of ideal, cap-8 overhead',
		'  1.2-1.45×), so a verdict close to its goal could go either way on another run.',
	].join('\n');
}

const list = (parts: string[]) => parts.join(', ');

export function analysis(r: BenchResults, goals: Goals): string {
	const [queue, sync, bare, http, viaHelper] = r.throughput.rows;
	const within = r.overhead.filter((o) => o.ratio <= 1.3);
	const over = r.overhead.filter((o) => o.ratio > 1.3);
	const short = r.timeToResult.filter((row) => row.jobMs < 1000);
	const shortJob = `${short[0]?.jobMs / 1000} s`;
	const top = Math.max(...r.scaling.map((row) => row.items));
	const scalingTop = r.scaling.filter((row) => row.items === top);
	const polls = (provider: string) =>
		list(r.timeToResult.filter((row) => row.provider === provider).map((row) => `${row.pollsPerJob + (row.streamsPerJob ?? 0)} for ${row.jobMs / 1000} s`));
	const cap4 = r.overhead.find((o) => o.concurrency === 4);
	const providers = [...new Set(r.timeToResult.map((row) => row.provider))];
	/**
	 * A short job with the stream is its fixed part (submit, result, downloads). A polled one is seen at the first
	 * poll on or after its end; when it ends right on a poll time, that poll or the next one sees it.
	 */
	const shortJobText = (row: TimeToResultRow) => {
		if (row.provider.startsWith('fal')) return `${row.ratio}× for ${row.provider} (the status stream: what remains is the fixed part, submit, result and downloads through n8n, ~${Math.max(0, row.nodeMs - row.jobMs)} ms)`;
		const times = pollTimes(row.jobMs);
		const onTime = times.length;
		const late = Math.max(0, Math.round((row.pollsPerJob - onTime) * row.repeats));
		const measured = `${row.ratio}× for ${row.provider}, worst ${row.worstRatio}×: its polls go out at ${list(times.map(String))} ms after the wait began`;
		if (times.at(-1) !== row.jobMs) return `${measured}, so it is seen at the last of them`;
		return `${measured}, so a job of exactly ${row.jobMs} ms ends on a poll, which sees it or, reaching the provider a moment before the job's end, leaves it to the next poll ${nextPollDelayMs(row.jobMs)} ms later — ${late} of ${row.repeats} runs were seen late (${row.pollsPerJob} polls per job, ${onTime} when on time). With polls at least ${MIN_POLL_DELAY_MS} ms apart (what keeps a 6 s job within ${GOALS.runflowPolls} requests), a job this short is seen within ${GOALS.shortTimeToResult}× only when its end falls just before a poll`;
	};
	return [
		'## Analysis',
		'',
		...whereTheCpuGoes(r, goals),
		'',
		'**1. Overhead.** ' +
			(within.length ? `Within the goal at cap ${list(within.map((o) => `${o.concurrency} (${o.ratio}×)`))}. ` : '') +
			(over.length
				? `Over it at cap ${list(over.map((o) => `${o.concurrency} (${o.ratio}×)`))}: both sides learn of completion from fal's status stream, so with the emulator answering at once the per-item wall time is the CPU cost of the requests. The bare client sending the very same requests through n8n-core's \`httpRequest\` (no engine, no node) already takes ${list(r.overhead.map((o) => `${o.helpersRatio ?? '?'}× at cap ${o.concurrency}`))} the time of the pooled undici client: that is n8n's request path alone (1c: ${helperShare(r)} of the node's profiled CPU runs below n8n's helpers), and no node can take it away — a verified declarative node must call n8n's helpers (no HTTP client or agent of its own), and they build a new axios config and new http(s) agents for every request (no keep-alive: a new TCP connection each, against the real fal a new TLS handshake). What is left between that floor and the node — node / floor ${list(r.overhead.map((o) => (o.helpers ? `${Math.round((o.node.perItemMs / o.helpers.perItemMs) * 100) / 100}× at cap ${o.concurrency}` : '?')))} — is n8n's engine (RoutingNode's per-item preparation, the item contexts, binary storage) and the node's own work (${r.cpuPerItem?.profiles.find((p) => p.contender === 'node')?.summary.byBucket['SAM 3 node code'] ?? '?'} ms per item of its code in the profile). `
				: '') +
			`CPU per item at cap 4: ${cap4 ? `${cap4.node.cpuPerItemMs} vs ${cap4.raw.cpuPerItemMs} ms (${cap4.cpuRatio}×)` : 'not measured'}.`,
		'',
		`**2. Throughput.** Queue mode (the default) reached ${queue.itemsPerSecond} items/s = ${queue.ofIdeal} % of ideal (goal ≥ ${GOALS.throughputQueue} %: ${goals.throughput ? 'met' : 'missed'}); the bare`,
		`client (status stream) reached ${bare.ofIdeal} % on the same emulator and machine (the practical ceiling here), and the node reaches`,
		`${Math.round((queue.itemsPerSecond / bare.itemsPerSecond) * 100)} % of that${viaHelper ? `; the same bare client sending its requests through n8n's helper reached ${viaHelper.ofIdeal} % (n8n's request path alone; the node reaches ${Math.round((queue.itemsPerSecond / viaHelper.itemsPerSecond) * 100)} % of it in queue mode, ${Math.round((sync.itemsPerSecond / viaHelper.itemsPerSecond) * 100)} % in sync mode)` : ''}. A job slot is busy from the submit until the status stream reports COMPLETED (no poll lag any more):`,
		'the job, the submit request and the event\'s way through n8n\'s stream. The node already fetches the result and',
		'the masks after releasing the slot (a finished job no longer counts against the account\'s concurrency; this',
		'matters more against a real CDN, where downloading 4 masks can take longer than a 300 ms job). Through n8n each',
		'request takes a few ms more than the bare client\'s (a new connection each): against a 300 ms',
		`job that is the gap. **Sync mode reached ${sync.itemsPerSecond} items/s = ${sync.ofIdeal} %** (rounds ${sync.roundsItemsPerSecond.join(', ')} items/s; goal ≥ ${GOALS.throughputSync} % in every round: ${goals.throughputSync ? 'met' : 'missed'}): one held request per job,`,
		'no result request. What a slot loses per job is the time from the provider\'s answer to the next item\'s call reaching',
		'it: the answer through n8n\'s helper, the next request through it (a new connection) — both processes on 2 shared',
		'cores, so it grows with the machine\'s load (here other processes used the share in the machine table). Before the',
		'first call, RoutingNode prepares every item (resolves every parameter for each) in one synchronous loop, and the',
		'node reads and validates each item\'s settings in it, so the first job starts only after all 200 are checked',
		'(~0.3 ms each here): kept, because a bad item then fails the run before any job is billed (a test holds it). The HTTP Request node',
		`reached ${http.itemsPerSecond} items/s only because the emulated account **queues** the ${r.throughput.items - r.throughput.cap} calls over its limit of`,
		`${r.throughput.cap} (peak ${http.peakJobsInFlight} calls open at once, each holding a connection for up to ${(r.throughput.items / r.throughput.cap) * (r.throughput.jobMs / 1000)} s); fal documents that`,
		'sync calls over the account limit may get **429** instead, which fails the node (its Retry On Fail runs the whole',
		'node again, every item), and Batching, the usual way around 429s, only spaces request starts.',
		'',
		`**3. Time to result** for 1 s and 5 s jobs ${goals.timeToResult ? 'meets' : 'misses'} its goal (fal ≤ ${GOALS.falTimeToResult}×; Runflow ≤ ${GOALS.runflowTimeToResult}× once the node run has seen a job end). fal learns of`,
		'completion from its status stream the moment it happens (one request per job). Runflow has no stream. A job with',
		'nothing to learn from (the first of a run, or a run of one item: section 3) is polled on the usual schedule —',
		'half the time already waited, 100 ms to 2 s — and seen up to ~50 % of its time late depending on where its end',
		'falls between two polls: ' + list(r.timeToResult.filter((row) => !row.provider.startsWith('fal') && row.jobMs >= 1000).map((row) => `${row.ratio}× for ${row.jobMs / 1000} s`)) + '. ' +
			'Inside a run, jobs take similar times: once one has ended (its time by Runflow\'s own `created_at` /',
		'`completed_at`), the next are polled once at the start, once halfway, then every 3 % of the expected time from 5 %',
		`before it (section 3c): ${list((r.batchTimeToResult ?? []).map((row) => `${row.laterRatio}× for ${row.jobMs / 1000} s jobs with ${row.laterPolls} polls (first job ${row.firstRatio}×, ${row.firstPolls} polls)`))}.`,
		'A push would make the first job as quick: Runflow\'s callback_url (Options > Callback URL with a Wait node).',
		`For a ${shortJob} job: ${list(short.map(shortJobText))}.`,
		`The price is polls: ${list(providers.map((p) => `${p} ${polls(p)}`))}`,
		'(fal\'s official client polls every 500 ms: ~10 for a 5 s job; Runflow\'s SDK every 2 s, lagging up to 2 s).',
		'',
		`**4. Memory** stays ${r.memory.memory.peakGrowthMB <= 256 ? 'well within' : 'above'} 256 MB (${r.memory.memory.peakGrowthMB} MB peak RSS growth) while`,
		`${((r.memory.maskBytes + r.memory.previewBytes) / 1024 ** 3).toFixed(2)} GB passed: masks are streamed from the response into n8n's binary storage through a checking`,
		'generator, never held whole. Caveat: the emulator draws masks as flat ellipses, which PNG compresses to ~10 KB even at',
		'2048×2048, and it has no noisy-mask option; the large bytes are each job\'s preview image (Apply Mask) over a',
		'random-noise input, ~12 MB per item, which takes the same download path as the masks.',
		'',
		'**5. Scaling.** Time per item does not grow from 10 to 1,000 items (it falls a little as fixed per-run costs spread',
		'out; the job slots keep the work steady). Peak RSS grows',
		`with the item count (${list(scalingTop.map((row) => `${row.peakRssGrowthMB} MB for ${row.items} items in ${row.binaryMode} mode`))}), but`,
		`the live heap after a GC is only ${list(scalingTop.map((row) => `${row.retainedPerItemKB} KB (${row.binaryMode})`))} per item, the output items themselves:`,
		'the rest is garbage V8 has not collected yet (it grows the heap before it collects) and allocator slack, not retained',
		'data. RoutingNode starts every item at once, so every item\'s pending job exists from the start, but a waiting item',
		'costs little until it gets a slot.',
		'',
		...pollsAnalysis(r, goals),
	].join('\n');
}

function pollsAnalysis(r: BenchResults, goals: Goals): string[] {
	const rows = r.pollsPerJob;
	if (!rows?.length) return [];
	const node = nodePolls(r);
	const bare = (provider: string, text: string) => rows.find((row) => row.who === 'bare' && row.provider === provider && row.client.includes(text));
	const stream = bare('fal', 'stream');
	const falPolling = bare('fal', 'polling');
	const runflow = bare('runflow', 'Runflow');
	const perSecond = (row?: { statusRequests: number; jobMs: number }) => (row ? Math.round((row.statusRequests * 40) / (row.jobMs / 1000)) : 0);
	const jobS = rows[0].jobMs / 1000;
	return [
		`**6. Status requests per job** (${jobS} s job). The node: fal ${node.fal?.statusRequests ?? '?'} (${node.fal?.streams ? `${node.fal.streams} stream(s)` : 'no stream: it polls'}),`,
		`fal with the stream not offered ${node.falPolling?.statusRequests ?? '?'}, Runflow ${node.runflow?.statusRequests ?? '?'}. Goals: fal with the stream ≤ ${GOALS.falStatusRequestsStream}`,
		`(${goals.falStream ? 'met' : 'missed'}), fal polling ≤ ${GOALS.falStatusRequestsPolling} (${goals.falPolling ? 'met' : 'missed'}), Runflow ≤ ${GOALS.runflowPolls} (${goals.runflowPolls ? 'met' : 'missed'}). The bare clients: fal's status stream`,
		`${stream?.statusRequests ?? '?'} request, fal-js polling every 500 ms ${falPolling?.statusRequests ?? '?'}, Runflow's SDK every 2 s ${runflow?.statusRequests ?? '?'}. At 40 jobs in`,
		`flight that is ~${perSecond(node.fal)} status requests/s for the node on fal and ~${perSecond(node.runflow)} on Runflow, against ~${perSecond(stream)} with the`,
		`stream and ~${perSecond(falPolling)} with fal-js polling. The stream also ends the poll lag: the bare client saw the result ${stream ? `${Math.round((stream.resultMs / stream.jobMs) * 100) / 100}×` : '?'} the job time`,
		`(node: ${node.fal ? `${Math.round((node.fal.resultMs / node.fal.jobMs) * 100) / 100}×` : '?'}, n8n executionTime, includes the downloads).`,
	];
}

/** The profiled share of the node's CPU (fal queue) that runs below n8n's request helpers. */
function helperShare(r: BenchResults): string {
	const node = r.cpuPerItem?.profiles.find((p) => p.contender === 'node')?.summary;
	return node && node.totalMs ? `${Math.round((node.underRequestHelpersMs / node.totalMs) * 100)} %` : 'an unmeasured share';
}

function whereTheCpuGoes(r: BenchResults, goals: Goals): string[] {
	const c = r.cpuPerItem;
	if (!c) return [];
	const cpu = cpuComparison(r);
	const profile = (who: string) => c.profiles.find((p) => p.contender === who)?.summary;
	const node = profile('node');
	const sync = profile('sync');
	const http = profile('http');
	const ms = (v?: number) => (v === undefined ? '?' : `${v} ms`);
	const own = (p?: typeof node) => p?.byBucket['SAM 3 node code'];
	const row = (who: string) => c.rows.find((candidate) => candidate.contender === who)?.cpuPerItemMs;
	const less = (a?: number, b?: number) => (a === undefined || b === undefined ? '?' : `${Math.round((a - b) * 100) / 100} ms`);
	const [helperFlow, floor, capped] = [row('httpHelper'), row('declarative'), row('declarativeCapped')];
	return [
		`**Where the node's CPU goes (sections 1b, 1c).** The HTTP Request workflow (fal.run, then the mask as a file) cost`,
		`${ms(cpu.http?.cpuPerItemMs)} of CPU per item with every item in flight at once; the node doing the same work (fal sync mode) ${ms(cpu.node?.cpuPerItemMs)} at cap ${cpu.node?.cap}`,
		`(${cpu.ratio}×; goal ≤ ${GOALS.cpuVsHttpRequest}×: ${goals.cpu ? 'met' : 'missed'}) and ${ms(c.rows.find((row) => row.contender === 'sync' && row.cap === 4)?.cpuPerItemMs)} at cap 4; in its default fal queue mode (4 requests per`,
		`item instead of 2: submit, status stream, result, mask) ${ms(cpu.nodeDefault?.cpuPerItemMs)} at cap 4 (${goals.cpuDefaultRatio}× the HTTP workflow). The same`,
		`workflow with a minimal node on n8n's \`httpRequest\` helper (the one a verified node must use; HTTP Request v4.2 calls the`,
		`legacy \`request\`) cost ${ms(c.rows.find((row) => row.contender === 'httpHelper')?.cpuPerItemMs)}: the helper itself is not what the node pays extra. CPU per item`,
		`moves with the items in flight, not the same way for every client: the bare client ${ms(c.rows.find((row) => row.contender === 'raw' && row.cap === 4)?.cpuPerItemMs)} at cap 4 and ${ms(c.rows.find((row) => row.contender === 'raw' && row.cap === 100)?.cpuPerItemMs)} at`,
		`cap 100, the node in sync mode ${ms(c.rows.find((row) => row.contender === 'sync' && row.cap === 4)?.cpuPerItemMs)} and ${ms(cpu.node?.cpuPerItemMs)}. In the profiles, the requests themselves dominate: below n8n's request`,
		`helpers ran ${ms(node?.underRequestHelpersMs)} of the node's ${ms(node?.totalMs)} profiled per item (queue), ${ms(sync?.underRequestHelpersMs)} of ${ms(sync?.totalMs)} (sync), and`,
		`${ms(http?.underRequestHelpersMs)} of the HTTP workflow's ${ms(http?.totalMs)}; the node's own code (settings, zod, SSE, output items, the`,
		`bounded JSON and file reading) was ${ms(own(node))} (queue) / ${ms(own(sync))} (sync) per item. Per request n8n builds a new axios config and`,
		'**new http(s) agents** (`setAxiosAgents` / `createHttpProxyAgent`: no keep-alive, a new TCP connection each —',
		'`connect` and DNS `getaddrinfo` are among the top native entries), checks the URL against allowed domains',
		'(`axios.getUri`) and merges configs; the bare client reuses one pooled connection. What the node controls is how',
		'many requests it makes (one status stream instead of polls; the credential read once per item; the fal header set',
		'by function, not an expression per request) and its own work around them.',
		'',
		`**The gap, split (1b's declarative rows).** A declarative node with the SAM 3 panel that only sends the same two requests cost ${ms(floor)}, against`,
		`${ms(helperFlow)} for the helper workflow: n8n's declarative engine (RoutingNode's per-item context and its walk over the panel)`,
		`adds ${less(floor, helperFlow)} per item. Reading both answers as streams under the node's byte caps (n8n's helpers`,
		`buffer any size otherwise, and take no cap) brings it to ${ms(capped)}: the caps cost ${less(capped, floor)}. The node at cap`,
		`${cpu.node?.cap ?? '?'} costs ${less(cpu.node?.cpuPerItemMs, capped)} more than that: its own work — settings read and validated (zod), job and`,
		'download slots, retry and stop handling, the output items (scores, boxes, crops, file names) —',
		'spread over many small parts, none above ~0.3 ms in the profiles (notes/cpu-per-item.md). Measured apart from',
		'this run: in instructions (valgrind), warm, the node runs ~1.2× the helper workflow\'s per item outside the JIT',
		'compiler, and natively its main thread takes ~1.6-2× the time, most of the extra in garbage collection (more',
		'allocated per item) and axios (more config per request: stream body, signal, timeout, no redirects).',
	];
}

