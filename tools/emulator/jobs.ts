/**
 * Jobs and their timing: queued -> dispatching -> running -> succeeded | failed | cancelled, driven by
 * timers. A job is "in flight" from its accepted submit/create until it is terminal.
 * Optional per-provider concurrency slots: a ready job starts when a slot is free, normal priority first.
 */
import { randomUUID } from 'node:crypto';
import { failureFromOutcome, isTerminal, type CreateJob, type Job, type JobLogLine, type WorkResult } from './job-model';
import { type ModelOutput, maskCountOf } from './inference';
import { ScriptBook } from './scripts';
import type { JobState, Provider, Timing } from './types';

export * from './job-model';

interface Internals {
	timers: NodeJS.Timeout[];
	resolve: (job: Job) => void;
	spec: CreateJob;
}

/** Per provider: jobs accepted (created), started running (what a provider bills), and how they ended. */
const emptyCounts = () => ({ created: 0, started: 0, succeeded: 0, failed: 0, cancelled: 0 });

export class JobManager {
	readonly scripts = new ScriptBook();
	private jobs = new Map<string, Job>();
	private internals = new Map<string, Internals>();
	private inFlight: Record<Provider, number> = { fal: 0, runflow: 0 };
	private peak: Record<Provider, number> = { fal: 0, runflow: 0 };
	/** Jobs holding a concurrency slot (dispatching or running). */
	private busy: Record<Provider, number> = { fal: 0, runflow: 0 };
	private counts = { fal: emptyCounts(), runflow: emptyCounts() };
	/** Told of every state change and log line of any job (undefined: every job was dropped by reset()). */
	private watchers = new Set<(job: Job | undefined) => void>();

	constructor(
		public defaults: Timing,
		private concurrency: Partial<Record<Provider, number>> = {},
	) {}

	create(spec: CreateJob): Job {
		const plan = this.scripts.plan({ provider: spec.provider, mode: spec.mode, input: spec.input, prompt: spec.prompt }, this.defaults);
		const now = Date.now();
		let resolve!: (job: Job) => void;
		const finished = new Promise<Job>((r) => (resolve = r));
		const job: Job = {
			id: randomUUID(),
			provider: spec.provider,
			mode: spec.mode,
			input: spec.input,
			prompt: spec.prompt,
			priority: spec.priority ?? 'normal',
			timing: plan.timing,
			outcome: plan.outcome,
			state: 'queued',
			createdAt: now,
			readyAt: now + plan.timing.queueMs,
			logs: [],
			extra: spec.extra ?? {},
			finished,
			...(plan.result ? { resultBody: plan.result.body } : {}),
		};
		const internals: Internals = { timers: [], resolve, spec };
		this.jobs.set(job.id, job);
		this.internals.set(job.id, internals);
		this.counts[job.provider].created++;
		this.inFlight[job.provider]++;
		this.peak[job.provider] = Math.max(this.peak[job.provider], this.inFlight[job.provider]);
		this.log(job, 'Request queued');
		this.after(job, plan.timing.queueMs, () => this.whenReady(job));
		if (spec.startTimeoutMs !== undefined) {
			this.after(job, spec.startTimeoutMs, () => {
				if (job.state !== 'queued') return;
				const message = 'Request timed out';
				this.finish(job, { ok: false, failure: { message, errorType: 'request_timeout', status: 504, timeoutType: 'user', failureCode: 'TIMEOUT', failureStage: 'queued' } });
			});
		}
		return job;
	}

	/** Calls `watcher` after every state change or log line of any job (queue positions move with them); returns the unsubscribe. */
	watch(watcher: (job: Job | undefined) => void): () => void {
		this.watchers.add(watcher);
		return () => void this.watchers.delete(watcher);
	}

	get(id: string): Job | undefined {
		return this.jobs.get(id);
	}

	list(): Job[] {
		return [...this.jobs.values()];
	}

	/** Queued jobs of the same provider that will start before this one. */
	queuePosition(job: Job): number {
		if (job.state !== 'queued') return 0;
		return this.list().filter((other) => other.provider === job.provider && other.state === 'queued' && this.startsBefore(other, job)).length;
	}

	cancel(id: string): 'cancellation_requested' | 'already_completed' | 'not_found' {
		const job = this.jobs.get(id);
		if (!job) return 'not_found';
		if (isTerminal(job)) return 'already_completed';
		const message = 'Request was cancelled';
		this.finish(job, { ok: false, failure: { message, errorType: 'request_cancelled', status: 400, failureCode: 'CANCELLED', failureStage: job.state } }, 'cancelled');
		return 'cancellation_requested';
	}

	stats() {
		return {
			inFlight: { ...this.inFlight },
			peakInFlight: { ...this.peak },
			jobs: { fal: { ...this.counts.fal }, runflow: { ...this.counts.runflow } },
		};
	}

	/** Peaks restart from the jobs in flight now. */
	resetStats(): void {
		this.peak = { ...this.inFlight };
		this.counts = { fal: emptyCounts(), runflow: emptyCounts() };
	}

	/** Drops every job (timers stopped, no callbacks) and every script; waiting sync calls get a 503. */
	reset(): void {
		for (const [id, internals] of this.internals) {
			internals.timers.forEach(clearTimeout);
			const job = this.jobs.get(id);
			if (!job || isTerminal(job)) continue;
			job.state = 'cancelled';
			job.failure = { message: 'The emulator was reset', errorType: 'runner_scheduling_failure', status: 503, failureCode: 'CANCELLED', failureStage: job.state };
			internals.resolve(job);
		}
		this.jobs.clear();
		this.internals.clear();
		this.scripts.clear();
		this.inFlight = { fal: 0, runflow: 0 };
		this.busy = { fal: 0, runflow: 0 };
		this.resetStats();
		this.notify(undefined);
	}

	private startsBefore(a: Job, b: Job): boolean {
		if (a.priority !== b.priority) return a.priority === 'normal';
		return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.createdAt < b.createdAt && a.id !== b.id);
	}

	private after(job: Job, ms: number, fn: () => void): void {
		const timer = setTimeout(fn, Math.max(0, ms));
		timer.unref();
		this.internals.get(job.id)?.timers.push(timer);
	}

	private log(job: Job, message: string, level: JobLogLine['level'] = 'INFO'): void {
		job.logs.push({ message, level, source: 'user', timestamp: new Date().toISOString() });
		this.notify(job);
	}

	private notify(job: Job | undefined): void {
		for (const watcher of [...this.watchers]) watcher(job);
	}

	/**
	 * Timers run on the loop's monotonic clock, readiness is judged by Date.now(): a timer may fire up to a
	 * millisecond (or a wall-clock adjustment) early, so wait out the rest before pumping.
	 */
	private whenReady(job: Job): void {
		const early = job.readyAt - Date.now();
		if (early > 0 && job.state === 'queued') return this.after(job, early, () => this.whenReady(job));
		this.pump(job.provider);
	}

	/** Start ready jobs while the provider has free slots. */
	private pump(provider: Provider): void {
		const limit = this.concurrency[provider] ?? Infinity;
		if (this.busy[provider] >= limit) return;
		const now = Date.now();
		const ready = this.list()
			.filter((j) => j.provider === provider && j.state === 'queued' && j.readyAt <= now)
			.sort((a, b) => (this.startsBefore(a, b) ? -1 : 1));
		for (const job of ready) {
			if (this.busy[provider] >= limit) break;
			this.dispatch(job);
		}
	}

	private dispatch(job: Job): void {
		this.busy[job.provider]++;
		job.state = 'dispatching';
		job.dispatchedAt = Date.now();
		this.log(job, 'Dispatching to a runner');
		this.after(job, job.timing.dispatchMs, () => this.run(job));
	}

	private run(job: Job): void {
		if (isTerminal(job)) return;
		job.state = 'running';
		job.startedAt = Date.now();
		this.counts[job.provider].started++;
		this.log(job, 'Running SAM 3 segmentation');
		const spec = this.internals.get(job.id)?.spec;
		if (!spec) return;
		const outcome = job.outcome;
		const work: Promise<WorkResult> =
			outcome.type === 'fail'
				? Promise.resolve({ ok: false, failure: failureFromOutcome(outcome) })
				: spec.work(job).catch((error: Error) => ({
						ok: false,
						failure: { message: `Internal error: ${error.message}`, errorType: 'internal_error', status: 500, failureCode: 'INTERNAL_ERROR', failureStage: 'running' },
					}));
		const latency = new Promise<void>((resolve) => this.after(job, job.timing.latencyMs, resolve));
		void Promise.all([work, latency]).then(([result]) => {
			if (this.jobs.get(job.id) === job && !isTerminal(job)) this.finish(job, result);
		});
	}

	private finish(job: Job, result: WorkResult, state?: JobState): void {
		const internals = this.internals.get(job.id);
		internals?.timers.forEach(clearTimeout);
		const wasBusy = job.state === 'dispatching' || job.state === 'running';
		job.completedAt = Date.now();
		if (result.ok) {
			job.state = 'succeeded';
			job.output = result.output;
			job.inferenceMs = result.inferenceMs;
			this.log(job, result.summary ?? `Done: ${maskCountOf(result.output as ModelOutput)} mask(s)`);
		} else {
			job.state = state ?? 'failed';
			job.failure = result.failure;
			this.log(job, result.failure.message, 'ERROR');
		}
		this.counts[job.provider][job.state === 'succeeded' ? 'succeeded' : job.state === 'cancelled' ? 'cancelled' : 'failed']++;
		this.inFlight[job.provider]--;
		if (wasBusy) this.busy[job.provider]--;
		// Done with the internals: the work closure may hold a large input (data: URI).
		this.internals.delete(job.id);
		internals?.resolve(job);
		internals?.spec.onTerminal?.(job);
		if (wasBusy) this.pump(job.provider);
	}
}
