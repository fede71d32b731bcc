import type { IExecuteSingleFunctions } from 'n8n-workflow';
import pLimit from 'p-limit';

/**
 * RoutingNode starts every item at once; this caps how many of one execution's items hold a provider job at a
 * time. One limiter per execution and node, dropped when its last job ends. p-limit releases a slot however the
 * job settles, so a failing item can neither leak a slot nor stall the others.
 */
const limiters = new Map<string, pLimit.Limit>();

export async function inJobSlot<T>(ctx: IExecuteSingleFunctions, maxConcurrency: number, job: () => Promise<T>): Promise<T> {
	const key = `${ctx.getExecutionId?.() ?? 'manual'}:${ctx.getNode().id ?? ctx.getNode().name}`;
	let limit = limiters.get(key);
	if (!limit) {
		limit = pLimit(maxConcurrency);
		limiters.set(key, limit);
	}
	const owner = limit;
	try {
		return await owner(job);
	} finally {
		if (owner.activeCount === 0 && owner.pendingCount === 0 && limiters.get(key) === owner) limiters.delete(key);
	}
}
