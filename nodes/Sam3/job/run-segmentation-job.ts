import type { DeclarativeRestApiSettings, IExecutePaginationFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Submission } from '../providers/provider';
import { ProviderError } from '../transport/errors';
import { withRetry } from '../transport/retry';
import { settle } from '../transport/settle';
import { resolveImageUrl } from './image-input';
import { failItem } from './item-errors';
import { type ItemJob, openItemJob } from './item-job';
import { inJobSlot } from './job-slots';
import { resultItems, submissionItem } from './output-items';
import { type WaitOutcome, waitForJob } from './wait-for-job';

/**
 * One item's whole job: validate, take a job slot, resolve the image, submit, wait, fetch the result, store the
 * masks. Declared as the operation's pagination hook because that is the one hook n8n runs around a whole item:
 * here a slot is always released and every error becomes this item's own result. RoutingNode sends nothing
 * itself; every request goes through the item's ProviderHttp.
 */
export async function runSegmentationJob(
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	const outcome = await settle(async () => {
		const job = await openItemJob(this, requestData);
		const { settings, adapter, http } = job;

		const started = Date.now();
		// A slot stands for one job at the provider: held from the image upload until the provider reports the job
		// finished. Fetching the result and storing the masks happen after, so they never hold back the next job.
		const { submission, waited } = await inJobSlot(this, settings.maxConcurrency, async () => await runProviderJob(job));
		if (!settings.waitForResult) return [submissionItem(job, submission)];
		return await withJobId(submission, async () => {
			const done = waited?.done ?? { phase: 'done' as const, status: 'COMPLETED', raw: submission.raw };
			const output = await withRetry('result', async () => await adapter.fetchOutput(http, submission, done), { signal: http.signal });
			const normalized = adapter.normalize(output, done);
			const timing = { totalMs: Date.now() - started, queueMs: waited?.queueMs, polls: waited?.polls };
			return await resultItems(job, submission, normalized, timing);
		});
	});
	return outcome.ok ? outcome.value : failItem(this, outcome.error as Error);
}

async function runProviderJob(job: ItemJob): Promise<{ submission: Submission; waited?: WaitOutcome }> {
	const { settings, adapter, http } = job;
	const imageUrl = await resolveImageUrl(job);
	const request = { ...settings.request, input: { ...settings.request.input, image_url: imageUrl } };
	const submission = await withRetry('submit', async () => await adapter.submit(http, request), {
		signal: http.signal,
		idempotentSubmit: request.mode === 'sync',
	});
	if (!settings.waitForResult || submission.output !== undefined) return { submission };
	const waited = await withJobId(submission, async () => await waitForJob(job, submission));
	return { submission, waited };
}

/** Once the job exists, any later failure (a poll, the result, a mask download) carries its id for the dashboard. */
async function withJobId<T>(submission: Submission, call: () => Promise<T>): Promise<T> {
	const outcome = await settle(call);
	if (outcome.ok) return outcome.value;
	if (outcome.error instanceof ProviderError && submission.requestId) outcome.error.requestId = submission.requestId;
	throw outcome.error;
}
