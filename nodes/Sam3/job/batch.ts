import type { IExecuteSingleFunctions } from 'n8n-workflow';
import pLimit from 'p-limit';

import { DOWNLOADS_PER_JOB_SLOT } from '../limits';

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

	/** Jobs submitted and not finished yet, by whether their provider can cancel them. */
	readonly running = { cancellable: 0, uncancellable: 0 };

	/** fal's status stream answered 404/405 once: the other items of the run poll from the start. */
	streamNotOffered = false;

	/** Jobs at the provider at once (Options > Max Concurrent Jobs; the first item's value sets it for the run). */
	jobSlots(maxConcurrency: number): pLimit.Limit {
		this.slots ??= pLimit(maxConcurrency);
		return this.slots;
	}

	/** Mask and preview downloads at once: each holds a socket, and in filesystem mode a file, while it lasts. */
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

	/**
	 * Marks the batch failed by this item; true for the first failure only (that item's error is the execution's).
	 * Returns what was still running elsewhere, for the error's description.
	 */
	fail(itemIndex: number): { first: boolean; running: Batch['running']; others: boolean } {
		const first = this.failedItem === undefined;
		const running = { ...this.running };
		const others = this.items > 1;
		if (first) {
			this.failedItem = itemIndex;
			this.stop.abort();
		}
		return { first, running, others };
	}
}

const batches = new WeakMap<object, Batch>();
/** Older or unusual hosts may give no execute data: then one batch per execution and node, dropped when idle. */
const fallback = new Map<string, { batch: Batch; members: number }>();

export async function inBatch<T>(ctx: IExecuteSingleFunctions, run: (batch: Batch) => Promise<T>): Promise<T> {
	const executeData = (ctx as Partial<Pick<IExecuteSingleFunctions, 'getExecuteData'>>).getExecuteData?.() as object | undefined;
	if (executeData) {
		let batch = batches.get(executeData);
		if (!batch) {
			batch = new Batch();
			batches.set(executeData, batch);
		}
		batch.items++;
		return await run(batch);
	}
	const key = `${ctx.getExecutionId?.() ?? 'manual'}:${ctx.getNode().id ?? ctx.getNode().name}`;
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
