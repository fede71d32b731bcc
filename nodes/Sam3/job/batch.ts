import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';
import pLimit from 'p-limit';

import { DOWNLOADS_PER_JOB_SLOT } from '../limits';
import { JobDurations } from './poll-schedule';
import { SpendLedger } from './spend';

/**
 * What the items of one node run share. n8n's RoutingNode starts every item's pagination hook at once, awaits
 * them all (Promise.allSettled) and then, without continue-on-fail, throws the first rejected one in item order
 * (n8n-core routing-node.js, runNode). So the items themselves must bound how many jobs run at once, and once one
 * item has failed for good they must start nothing more: the execution is going to fail, and every job started
 * after that point would be billed and thrown away.
 *
 * One Batch per node run, keyed by n8n's execute data (one object per node run, shared by its items; held weakly,
 * so a batch lives exactly as long as n8n keeps the run).
 */
export class Batch {
	private slots?: pLimit.Limit;

	private downloadSlots?: pLimit.Limit;

	private readonly stop = new AbortController();

	/** Items of the run that have started (for the failure's description). */
	items = 0;

	/** The item whose failure ended the batch, once one has. */
	failedItem?: number;

	/** Item indexes that joined: one joining again means n8n runs the node again (Retry On Fail). */
	readonly seen = new Set<number>();

	/** Jobs being submitted or waited for, by whether their provider can cancel them (a submit may create one). */
	readonly running = { cancellable: 0, uncancellable: 0 };

	/** fal's status stream answered 404/405 once: the other items of the run poll from the start. */
	streamNotOffered = false;

	private readonly durations = new Map<string, JobDurations>();

	private readonly credentialsByType = new Map<string, Promise<IDataObject>>();

	/**
	 * The run's credential of a type, loaded once (n8n loads and decrypts it on every getCredentials call). Once per
	 * node run is what n8n's RoutingNode does for a declarative node's own requests (runNode, prepareCredentials).
	 */
	async credentials(type: string, load: () => Promise<IDataObject>): Promise<IDataObject> {
		let credentials = this.credentialsByType.get(type);
		if (!credentials) {
			credentials = load();
			this.credentialsByType.set(type, credentials);
			credentials.then((loaded) => this.loadedCredentials.set(type, loaded)).catch(() => {});
		}
		return await credentials;
	}

	/**
	 * The run's credential of a type once loaded, read without waiting (transport/redact.ts cuts its key out of what
	 * leaves the node; an item that failed before it was loaded sent no request, so nothing can quote it).
	 */
	readonly loadedCredentials = new Map<string, IDataObject>();

	/** Whether the run is an AI Agent's tool call (node type `…Tool`); read once, as getNode() copies the whole node. */
	toolCall?: boolean;

	/** How long this run's finished jobs took at a provider: its next jobs are polled near that time (poll-schedule.ts). */
	jobDurations(provider: string): JobDurations {
		let durations = this.durations.get(provider);
		if (!durations) {
			durations = new JobDurations();
			this.durations.set(provider, durations);
		}
		return durations;
	}

	/** Jobs at the provider at once (Options > Max Concurrent Jobs; the first item's value sets it for the run). */
	jobSlots(maxConcurrency: number): pLimit.Limit {
		this.slots ??= pLimit(maxConcurrency);
		return this.slots;
	}

	private ledger?: SpendLedger;

	/** Options > Max Spend per Run's ledger for this run (the first item's limit sets it, as for Max Concurrent Jobs). */
	spend(limitUsd: number): SpendLedger {
		this.ledger ??= new SpendLedger(limitUsd);
		return this.ledger;
	}

	/** Result file downloads (masks, previews, videos) at once: each holds a socket, and in filesystem mode a file, while it lasts. */
	downloads(maxConcurrency: number): pLimit.Limit {
		this.downloadSlots ??= pLimit(maxConcurrency * DOWNLOADS_PER_JOB_SLOT);
		return this.downloadSlots;
	}

	/** Aborted when the batch has failed: items waiting for a slot start nothing, running ones give up and cancel. */
	get signal(): AbortSignal {
		return this.stop.signal;
	}

	get failed(): boolean {
		return this.failedItem !== undefined;
	}

	/** What was still running elsewhere when the batch failed, for the error's description. */
	private failedWith = { running: { cancellable: 0, uncancellable: 0 }, others: false };

	/**
	 * Marks the batch failed by this item. `first` is true for the item that failed it (however often it asks):
	 * that item's error is the execution's. The rest is what was still running elsewhere at that moment.
	 */
	fail(itemIndex: number): { first: boolean; running: Batch['running']; others: boolean } {
		if (this.failedItem === undefined) {
			this.failedItem = itemIndex;
			this.failedWith = { running: { ...this.running }, others: this.items > 1 };
			this.stop.abort();
		}
		return { first: this.failedItem === itemIndex, ...this.failedWith };
	}
}

const batches = new WeakMap<object, Batch>();
/** Older or unusual hosts may give no execute data: then one batch per execution and node, dropped when idle. */
const fallback = new Map<string, { batch: Batch; members: number }>();

export async function inBatch<T>(ctx: IExecuteSingleFunctions, run: (batch: Batch) => Promise<T>): Promise<T> {
	const executeData = (ctx as Partial<Pick<IExecuteSingleFunctions, 'getExecuteData'>>).getExecuteData?.() as object | undefined;
	if (executeData) {
		// n8n's Retry On Fail runs the node again with the same execute data, after every item of the try settled:
		// an item index the batch has seen starts a fresh batch, so a retry is not ended by the try it replaces.
		const itemIndex = ctx.getItemIndex();
		let batch = batches.get(executeData);
		if (!batch || batch.seen.has(itemIndex)) {
			batch = new Batch();
			batches.set(executeData, batch);
		}
		batch.seen.add(itemIndex);
		batch.items++;
		return await run(batch);
	}
	const node = ctx.getNode();
	const key = `${ctx.getExecutionId?.() ?? 'manual'}:${node.id ?? node.name}`;
	let entry = fallback.get(key);
	if (!entry) {
		entry = { batch: new Batch(), members: 0 };
		fallback.set(key, entry);
	}
	const owner = entry;
	owner.members++;
	owner.batch.items++;
	try {
		return await run(owner.batch);
	} finally {
		if (--owner.members === 0 && fallback.get(key) === owner) fallback.delete(key);
	}
}
