/**
 * n8n's queue mode (scaling): a main takes the production webhook, Redis queues the execution, one of 2 workers
 * runs it, Postgres holds it; the results are read back through the main's REST API (owner login), masks
 * included, wherever this line keeps binary data in queue mode (1.x inline in the execution, 2.x `database`).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { pairedIndex } from '../lib/checks';
import { emulatorCredentials } from '../lib/emulator';
import { activateWorkflow, BROWSER_ID, FINISHED, readExecution } from '../lib/n8n-server';
import {
	LOST_WORKER_TIMING,
	NO_STALLED_RERUN,
	queueBinaryMode,
	startQueueCluster,
	startQueueServices,
	startWorker,
	type QueueCluster,
	type QueueServices,
	type QueueWorker,
} from '../lib/queue-cluster';
import { queueServicesInstalled } from '../lib/queue-services';
import { executionsByTag, sam3Items, triggerRuns, webhookBody, webhookSegmentWorkflow, type SegmentRow as Row } from '../lib/queue-workflow';
import type { BinaryRef } from '../lib/run-data';
import type { LineContext } from './context';

const WORKFLOW_ID = 'sam3E2eQueue0001';
const WEBHOOK_PATH = 'sam3-queue';
/** Max Concurrent Jobs of the workflow's SAM 3 node. */
const CAP = 3;
/** `n8n worker --concurrency`: executions one worker runs at once. */
const WORKER_CONCURRENCY = 2;

export function queueSuite(ctx: () => LineContext): void {
	describe('queue mode (main + 2 workers, Postgres, Redis)', () => {
		let services: QueueServices | undefined;
		let cluster: QueueCluster | undefined;
		const seen = new Set<string>();

		before(async () => {
			const c = ctx();
			if (!queueServicesInstalled()) throw new Error('Postgres or Redis is missing: run tools/e2e/install.sh (Debian postgresql, redis-server)');
			const started = Date.now();
			services = await startQueueServices();
			c.record('queue: Postgres + Redis start', Date.now() - started);
			cluster = await startQueueCluster({
				line: c.line,
				services,
				tarball: c.tarball,
				concurrency: WORKER_CONCURRENCY,
				// A SIGKILLed worker's job is noticed in seconds (case d), not after n8n's default 60 s lock.
				env: { ...LOST_WORKER_TIMING, ...queueBinaryMode(c.line).env },
				record: c.record,
				async prepare(main) {
					await main.importCredentials(emulatorCredentials(c.emulator!));
					await main.importWorkflows([webhookSegmentWorkflow({ id: WORKFLOW_ID, path: WEBHOOK_PATH, cap: CAP })]);
					await activateWorkflow(main, WORKFLOW_ID);
				},
			});
			await cluster.main.login();
		});

		after(async () => {
			await cluster?.stop();
			await services?.stop();
			if (process.env.SAM3_E2E_KEEP !== '1') for (const home of cluster?.homes ?? []) rmSync(home.userFolder, { recursive: true, force: true });
		});

		const trigger = (runs: Array<{ tag: string; rows: Row[] }>) => triggerRuns(cluster!.main, WEBHOOK_PATH, runs);
		const executionsOf = (tags: string[]) => executionsByTag(cluster!.main, cluster!.mainHome, WORKFLOW_ID, tags, { seen });

		const rowsOf = (prompt: string, count: number, image = 'product.png', tag = prompt): Row[] =>
			Array.from({ length: count }, (_, n) => ({ imageUrl: `${ctx().images.url(image)}?tag=${tag}&n=${n}`, prompt, n }));

		/** The worker that logged "Worker started execution <id>" (exactly one). */
		function workerOf(executionId: string): string {
			const ran = cluster!.workers.filter((w) => w.startedExecutions().includes(executionId));
			assert.equal(ran.length, 1, `execution ${executionId} started on ${ran.length} workers (${ran.map((w) => w.name)})`);
			return ran[0].name;
		}

		const providerJobs = async () => (await ctx().emulator!.control('jobs')) as ProviderJob[];

		/** A mask's bytes as the main serves them: inline (1.x `default`) or GET /rest/binary-data (`database`). */
		async function maskBytes(ref: BinaryRef): Promise<Buffer> {
			if (queueBinaryMode(ctx().line).mode === 'default') {
				assert.equal(ref.id, undefined, 'n8n 1.x queue mode (default binary mode) keeps the bytes in the execution');
				return Buffer.from(String(ref.data), 'base64');
			}
			assert.match(String(ref.id), /^database:/, 'binary data stored in the database');
			const res = await fetch(`${cluster!.main.url}/rest/binary-data?id=${encodeURIComponent(String(ref.id))}&action=download`, {
				headers: { cookie: cluster!.main.cookie!, 'browser-id': BROWSER_ID },
			});
			assert.equal(res.status, 200, `binary-data ${ref.id}: HTTP ${res.status}`);
			return Buffer.from(await res.arrayBuffer());
		}

		test('(a) a webhook execution runs on a worker; its masks read back through the main equal the provider’s bytes', async (t) => {
			await trigger([{ tag: 'a', rows: rowsOf('product', 2, 'truck.jpg', 'a') }]);
			const execution = (await executionsOf(['a'])).get('a')!;
			assert.equal(execution.status, 'success', JSON.stringify(execution.data.resultData.error ?? {}).slice(0, 500));
			workerOf(execution.id);
			assert.ok(!/Worker started execution/.test(cluster!.main.output()), 'the main ran no execution itself');

			const items = sam3Items(execution);
			assert.equal(items.length, 2);
			let masks = 0;
			for (const [i, item] of items.entries()) {
				assert.equal(pairedIndex(item), i);
				assert.ok(Array.isArray(item.json.masks) && item.json.masks.length >= 1, `item ${i}: ${JSON.stringify(item.json).slice(0, 300)}`);
				for (const mask of item.json.masks) {
					const served = await fetch(mask.url);
					assert.equal(served.status, 200);
					const bytes = await maskBytes(item.binary![mask.binaryProperty]);
					assert.ok(bytes.length > 0);
					assert.deepEqual(bytes, Buffer.from(await served.arrayBuffer()), `${mask.binaryProperty} of item ${i} differs from the provider's file`);
					masks++;
				}
			}
			t.diagnostic(`${masks} masks byte-equal, execution ${execution.id} on ${workerOf(execution.id)}`);
		});

		test('(b) 4 executions × 25 items at once: every item back, in order; peak provider jobs within the caps', async (t) => {
			const c = ctx();
			const emulator = c.emulator!;
			await emulator.control('scripts', { match: { provider: 'fal', prompt: 'batch' }, latencyMs: 300, queueMs: 0 });
			await emulator.control('stats/reset', {});
			const tags = ['b1', 'b2', 'b3', 'b4'];
			const started = Date.now();
			await trigger(tags.map((tag) => ({ tag, rows: rowsOf('batch', 25, 'product.png', tag) })));
			const executions = await executionsOf(tags);
			c.record('queue (b): 4 × 25 items', Date.now() - started);
			await fetch(`${emulator.origin}/__emulator/scripts`, { method: 'DELETE' });

			const ranOn = new Map<string, number>();
			for (const tag of tags) {
				const execution = executions.get(tag)!;
				assert.equal(execution.status, 'success', `${tag}: ${JSON.stringify(execution.data.resultData.error ?? {}).slice(0, 500)}`);
				const worker = workerOf(execution.id);
				ranOn.set(worker, (ranOn.get(worker) ?? 0) + 1);
				const items = sam3Items(execution);
				assert.equal(items.length, 25, `${tag}: ${items.length} items`);
				items.forEach((item, i) => {
					assert.equal(item.json.n, i, `${tag}: item ${i} out of order`);
					assert.equal(pairedIndex(item), i);
					assert.ok(item.json.masks?.length >= 1 && item.binary?.mask_0, `${tag} item ${i} has no mask: ${JSON.stringify(item.json).slice(0, 300)}`);
					assert.ok(!item.json.error, `${tag} item ${i} failed: ${JSON.stringify(item.json.error)}`);
				});
			}
			// A worker runs at most WORKER_CONCURRENCY executions: 4 long ones started at once need both workers.
			assert.equal(ranOn.size, 2, `executions per worker: ${JSON.stringify([...ranOn])}`);

			const stats = (await emulator.control('stats')) as { peakInFlight: { fal: number }; inFlight: { fal: number }; jobs: { fal: { created: number } } };
			assert.equal(stats.jobs.fal.created, 100, 'one provider job per item, none repeated');
			assert.ok(stats.peakInFlight.fal <= tags.length * CAP, `peak ${stats.peakInFlight.fal} jobs > ${tags.length} executions × cap ${CAP}`);
			assert.equal(stats.inFlight.fal, 0, 'no job left running at the provider');
			t.diagnostic(`peak ${stats.peakInFlight.fal} provider jobs (caps sum ${tags.length * CAP}); executions per worker ${JSON.stringify(Object.fromEntries(ranOn))}`);
		});

		test('(c) On Error → Continue: bad rows come back from the worker as error items in place, good rows segmented', async () => {
			const rows: Row[] = [
				{ imageUrl: ctx().images.url('cars.jpg'), prompt: 'product', n: 0 },
				{ imageUrl: ctx().images.url('no-such-image.jpg'), prompt: 'product', n: 1 },
				{ imageUrl: ctx().images.url('product.png'), prompt: 'product', n: 2 },
				{ imageUrl: 'not a url', prompt: 'product', n: 3 },
			];
			await trigger([{ tag: 'c', rows }]);
			const execution = (await executionsOf(['c'])).get('c')!;
			assert.equal(execution.status, 'success', 'continue on fail: the execution succeeds');
			workerOf(execution.id);
			const items = sam3Items(execution);
			assert.equal(items.length, 4);
			items.forEach((item, i) => assert.equal(pairedIndex(item), i, `item ${i} pairing`));
			for (const i of [0, 2]) assert.ok(items[i].json.masks?.length >= 1 && items[i].binary?.mask_0, `row ${i} not segmented`);
			for (const i of [1, 3]) {
				const error = items[i].json.error;
				assert.ok(error && typeof error.message === 'string', `row ${i} is no error item: ${JSON.stringify(items[i].json)}`);
				assert.equal(error.itemIndex, i, `row ${i}'s error names its item`);
				assert.equal(items[i].binary, undefined);
			}
			assert.ok(!JSON.stringify(execution.data).includes(ctx().emulator!.keys.fal), 'the API key is in the stored execution');
		});

		/**
		 * 4 executions × 4 slow items over both workers; SIGKILL one worker once every execution has a provider job
		 * running; wait until n8n has settled all 4. What the lost executions, the kept ones and the provider saw.
		 */
		async function killOneWorkerMidJob(t: { diagnostic: (message: string) => void }, tags: string[]) {
			const emulator = ctx().emulator!;
			await emulator.control('scripts', { match: { provider: 'fal', prompt: 'slow' }, latencyMs: 5000, queueMs: 0 });
			const earlier = new Set(cluster!.workers.flatMap((w) => w.startedExecutions()));
			await trigger(tags.map((tag) => ({ tag, rows: rowsOf('slow', 4, 'product.png', tag) })));
			const [victim, survivor] = cluster!.workers;
			const fresh = (w: QueueWorker) => w.startedExecutions().filter((id) => !earlier.has(id));
			// Each worker holds WORKER_CONCURRENCY of the 4 executions; wait until each execution has a job running.
			const deadline = Date.now() + 60_000;
			while (!(fresh(victim).length === 2 && fresh(survivor).length === 2 && jobsByTag(await providerJobs(), tags).runningTags === tags.length)) {
				if (Date.now() > deadline) throw new Error(`the executions did not spread over both workers: ${fresh(victim)} / ${fresh(survivor)}`);
				await new Promise((r) => setTimeout(r, 200));
			}
			const lost = fresh(victim);
			const kept = fresh(survivor);
			const cancelsBefore = ((await emulator.control('log?route=fal.cancel')) as unknown[]).length;
			const killedAt = Date.now();
			await victim.kill();
			const atKill = jobsByTag(await providerJobs(), tags);
			t.diagnostic(`SIGKILL ${victim.name} running executions ${lost}; ${survivor.name} runs ${kept}`);

			// n8n notices the lost job once its Bull lock expires (LOST_WORKER_TIMING) and the stalled check runs.
			const timeline: string[] = [];
			const statuses = new Map<string, string>();
			for (const until = Date.now() + 150_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
				for (const id of [...lost, ...kept]) {
					const { status } = await cluster!.main.rest('GET', `executions/${id}`);
					if (statuses.get(id) !== status) timeline.push(`+${((Date.now() - killedAt) / 1000).toFixed(1)} s: execution ${id} ${status}`);
					statuses.set(id, status);
				}
				if ([...statuses.values()].every((s) => FINISHED.includes(s)) && statuses.size === 4) break;
			}
			await fetch(`${emulator.origin}/__emulator/scripts`, { method: 'DELETE' });
			for (const line of timeline) t.diagnostic(line);

			const keptTags: string[] = [];
			for (const id of kept) {
				const execution = await readExecution(cluster!.main, cluster!.mainHome, id);
				keptTags.push(webhookBody(execution)?.tag);
				assert.equal(execution.status, 'success', `execution ${id} on ${survivor.name}`);
				assert.ok(sam3Items(execution).every((item, i) => item.json.n === i && item.binary?.mask_0), `execution ${id}: every item segmented, in order`);
			}
			const after = jobsByTag(await providerJobs(), tags);
			const cancels = ((await emulator.control('log?route=fal.cancel')) as unknown[]).length - cancelsBefore;
			assert.equal(cancels, 0, 'nobody cancels the dead worker’s provider jobs');
			// A lost execution's run data may be replaced by the error: its tag is the one the kept executions do not have.
			const lostTags = tags.filter((tag) => !keptTags.includes(tag));
			assert.equal(lostTags.length, lost.length);
			const lostRuns = [];
			for (const [i, id] of lost.entries()) {
				const execution = await readExecution(cluster!.main, cluster!.mainHome, id);
				const tag = (webhookBody(execution)?.tag as string | undefined) ?? lostTags[i];
				const orphans = atKill.byTag.get(tag) ?? [];
				assert.ok(orphans.length >= 1, `execution ${id} (${tag}) had provider jobs when its worker died`);
				// The dead worker's jobs run to their end at the provider: billed, their results never read.
				for (const n of orphans) assert.equal(after.state.get(`${tag}:${n}:0`), 'succeeded', `${tag} item ${n}'s orphaned job`);
				const submitted = after.byTag.get(tag) ?? [];
				const error = execution.data.resultData.error;
				t.diagnostic(`lost execution ${id} (${tag}): ${execution.status}${error ? ` "${error.message}"` : ''}; provider jobs at the kill: items ${orphans}; submitted in all: ${submitted.length}`);
				lostRuns.push({ id, tag, execution, orphans, submitted, error });
			}
			return { survivor, lostRuns, after };
		}

		/** No (tag, item) has more than one provider job: nothing was billed twice. */
		function assertBilledOnce(after: ReturnType<typeof jobsByTag>, tags: string[]) {
			for (const tag of tags) {
				const items = after.byTag.get(tag) ?? [];
				const twice = items.filter((n, i) => items.indexOf(n) !== i);
				assert.deepEqual(twice, [], `${tag}: items submitted twice ${twice}`);
			}
		}

		test('(d) a worker is SIGKILLed mid-execution (n8n’s defaults): the other worker’s executions complete; what n8n does with the lost ones', async (t) => {
			const c = ctx();
			// Tags name the line too: the emulator (and its job list) is shared by the lines of one run.
			const tags = ['d1', 'd2', 'd3', 'd4'].map((tag) => `${tag}-line${c.line.key}`);
			const { survivor, lostRuns, after } = await killOneWorkerMidJob(t, tags);
			for (const { id, tag, execution, orphans, submitted, error } of lostRuns) {
				if (c.line.key === '1') {
					assert.equal(webhookBody(execution)?.tag, tag);
					// 1.123: Bull's stalled-job recovery (maxStalledCount 1) hands the job to the survivor, which runs
					// the execution again from the start: it succeeds, and the items in flight were paid for twice.
					assert.ok(survivor.startedExecutions().includes(id), `1.x re-runs execution ${id} on ${survivor.name}`);
					assert.equal(execution.status, 'success');
					assert.equal(sam3Items(execution).length, 4);
					assert.equal(submitted.length, orphans.length + 4, `${tag}: the re-run submits every item again`);
				} else {
					// 2.41: maxStalledCount 0: the job fails as stalled, the execution ends in error, nothing is re-run.
					assert.ok(!survivor.startedExecutions().includes(id), `2.x does not re-run execution ${id}`);
					assert.equal(execution.status, 'error');
					assert.match(String(error?.message), /stalled|too many times/i);
					assert.equal(submitted.length, orphans.length, `${tag}: no job is submitted after the worker died`);
				}
			}
			if (c.line.key === '2') assertBilledOnce(after, tags);
		});

		test('(e) with QUEUE_WORKER_MAX_STALLED_COUNT=0 (README Scaling) a SIGKILLed worker’s executions end in error, not re-run: no item billed twice', async (t) => {
			const c = ctx();
			// Fresh workers with the recommended setting, in the same homes (the package is installed there).
			const old = cluster!.workers.splice(0);
			await Promise.all(old.map((w) => w.stop()));
			const fresh = await Promise.all(old.map((w) => startWorker(w.home, `${w.name}-nostall`, WORKER_CONCURRENCY, NO_STALLED_RERUN)));
			cluster!.workers.push(...fresh);
			const tags = ['e1', 'e2', 'e3', 'e4'].map((tag) => `${tag}-line${c.line.key}`);
			const { survivor, lostRuns, after } = await killOneWorkerMidJob(t, tags);
			for (const { id, tag, execution, orphans, submitted, error } of lostRuns) {
				assert.ok(!survivor.startedExecutions().includes(id), `${c.line.label}: execution ${id} is not run again on ${survivor.name}`);
				assert.equal(execution.status, 'error', `${tag}: the lost execution ends in error`);
				assert.match(String(error?.message), /too many times/i, `${tag}: n8n says why (MaxStalledCountError)`);
				assert.equal(submitted.length, orphans.length, `${tag}: no job is submitted after the worker died`);
			}
			assertBilledOnce(after, tags);
		});
	});
}

interface ProviderJob {
	state: string;
	input?: { image_url?: string };
}

/** Provider jobs of the given tags (from their image URL's query): items by tag, and each (tag, item, attempt)'s state. */
function jobsByTag(jobs: ProviderJob[], tags: string[]) {
	const byTag = new Map<string, number[]>();
	const state = new Map<string, string>();
	const running = new Set<string>();
	for (const job of jobs) {
		const url = new URL(job.input?.image_url ?? 'http://x/');
		const tag = url.searchParams.get('tag') ?? '';
		if (!tags.includes(tag)) continue;
		const n = Number(url.searchParams.get('n'));
		const attempt = (byTag.get(tag) ?? []).filter((x) => x === n).length;
		byTag.set(tag, [...(byTag.get(tag) ?? []), n]);
		state.set(`${tag}:${n}:${attempt}`, job.state);
		if (job.state === 'running') running.add(tag);
	}
	return { byTag, state, runningTags: running.size };
}
