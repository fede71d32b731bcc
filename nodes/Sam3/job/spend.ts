import { ItemInputError } from '../transport/errors';
import { type CostEstimate, roundUsd } from './cost';

/** How errors and the panel name the option. */
export const MAX_SPEND_LABEL = 'Options > Max Spend per Run (USD)';

/** An item refused by Max Spend per Run: no job was started for it. */
export class SpendLimitError extends ItemInputError {
	readonly errorType = 'max_spend_reached';

	constructor(message: string, description?: string) {
		super(message, MAX_SPEND_LABEL, description);
		this.name = 'SpendLimitError';
	}
}

/**
 * Options › Max Spend per Run: the most the node run's jobs may cost together, by their list-price estimates. Every
 * job reserves its estimate *before* it is submitted (or its file uploaded), in one synchronous step: however many
 * items run at once (Max Concurrent Jobs) and whatever order their slots open in, the reservations can never add
 * up past the limit, as nothing runs between the check and the add. A reservation is never given back: a job
 * whose submit failed may still have been created (and billed), and a job that failed later was billed anyway.
 * One ledger per node run (job/batch.ts); the first item's limit sets it, as for Max Concurrent Jobs.
 */
export class SpendLedger {
	private reservedUsd = 0;

	/** Jobs refused so far: their items are error items. */
	refused = 0;

	constructor(readonly limitUsd: number) {}

	get reserved(): number {
		return this.reservedUsd;
	}

	/**
	 * Reserves the job's estimate, or throws the item's error: over the limit, or an estimate the node cannot make
	 * before the job runs (a video by URL: its length is unknown), which it cannot hold to a limit.
	 */
	reserve(itemIndex: number, estimate: CostEstimate): void {
		const cost = estimate.estimatedUsd;
		if (cost === undefined) {
			this.refused++;
			throw new SpendLimitError(
				`Item ${itemIndex} was not started: Max Spend per Run ($${this.limitUsd}) needs each job's price before it starts, and this one's is not known (${estimate.basis})`,
				'Give the video as a binary file (the node reads its frame count from it), or clear Max Spend per Run.',
			);
		}
		const after = roundUsd(this.reservedUsd + cost);
		if (after > this.limitUsd) {
			this.refused++;
			throw new SpendLimitError(
				`Item ${itemIndex} was not started: its job (estimated $${cost}) would bring this run to $${after}, over Max Spend per Run ($${this.limitUsd})`,
				`Jobs started in this run so far are estimated at $${this.reservedUsd} (list prices; ${estimate.basis}). Raise the limit or run fewer items.`,
			);
		}
		this.reservedUsd = after;
	}

	/** Adds what a finished job turned out to cost beyond its reservation (never refuses: it has run). */
	charge(extraUsd: number): void {
		if (extraUsd > 0) this.reservedUsd = roundUsd(this.reservedUsd + extraUsd);
	}
}

/**
 * After the result: a job whose estimate grew with what it returned (a text prompt that found several objects to
 * reconstruct, reserved as one) adds the difference to the run's ledger, so the run's later jobs see it.
 */
export function chargeDifference(
	job: { settings: { maxSpendUsd?: number }; batch: { spend(limitUsd: number): SpendLedger }; cost?: CostEstimate },
	estimatedUsd: unknown,
): void {
	const { settings, batch, cost } = job;
	if (settings.maxSpendUsd === undefined || typeof estimatedUsd !== 'number' || cost?.estimatedUsd === undefined) return;
	batch.spend(settings.maxSpendUsd).charge(roundUsd(estimatedUsd - cost.estimatedUsd));
}
