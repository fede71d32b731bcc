import type { DeclarativeRestApiSettings, IExecutePaginationFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Operation } from '../operations/operation';
import type { Submission } from '../providers/provider';
import { type JobStage, ProviderError } from '../transport/errors';
import { withRetry } from '../transport/retry';
import { settle } from '../transport/settle';
import { type Batch, inBatch } from './batch';
import { endsBatch, failItem } from './item-errors';
import { type ItemJob, openItemJob } from './item-job';
import { resolveMediaUrl } from './media-input';
import { submissionItem } from './output-item';
import { forCaller, isToolCall, toolErrorItems } from './tool-output';
import { type WaitOutcome, waitForJob } from './wait-for-job';

type PaginationHook = (
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
) => Promise<INodeExecutionData[]>;

/**
 * One item's whole job, for any operation: validate, take a job slot, resolve the media, submit, wait, fetch the
 * result, make the output items (the operation's part). Declared as the operation's pagination hook because that
 * is the one hook n8n runs around a whole item: here a slot is always released and every error becomes this
 * item's own result. RoutingNode sends nothing itself; every request goes through the item's ProviderHttp.
 */
export function runSegmentationJob(operation: Operation): PaginationHook {
	return async function (this: IExecutePaginationFunctions, requestData: DeclarativeRestApiSettings.ResultOptions) {
		return await inBatch(this, async (batch) => {
			// Started after the batch failed (e.g. behind Request Options > Batching): nothing is sent.
			if (batch.failed) return [];
			const outcome = await settle(async () => await runItem(this, requestData, batch, operation));
			const toolCall = (batch.toolCall ??= isToolCall(this));
			if (outcome.ok) return forCaller(this, outcome.value, toolCall);
			return toolErrorItems(this, outcome.error as Error, toolCall) ?? failItem(this, outcome.error as Error, batch);
		});
	};
}

async function runItem(
	ctx: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
	batch: Batch,
	operation: Operation,
): Promise<INodeExecutionData[]> {
	const job = await openItemJob(ctx, requestData, batch, operation);
	const { settings, adapter, http } = job;
	await operation.prepare?.(job);
	if (batch.failed) return [];

	const started = Date.now();
	// A slot stands for one job at the provider: held from the image upload until the provider reports the job
	// finished. Fetching the result and storing the masks happen after, so they never hold back the next job.
	const provided = await batch.jobSlots(settings.maxConcurrency)(async () => {
		// The batch failed while this item waited for its slot: it starts nothing (RoutingNode reports the failure).
		if (batch.failed) return undefined;
		job.deadline = Date.now() + settings.maxWaitMs;
		job.http.deadline = job.deadline;
		const ran = await settle(async () => await runProviderJob(job));
		if (ran.ok) return ran.value;
		// Marked before the slot is released, so the item queued behind it sees the failure and starts nothing.
		if (endsBatch(ctx, ran.error)) batch.fail(ctx.getItemIndex());
		throw ran.error;
	});
	if (!provided) return [];
	const { submission, waited } = provided;
	if (!settings.waitForResult) return [submissionItem(job, submission)];
	const done = waited?.done ?? { phase: 'done' as const, status: 'COMPLETED', raw: submission.raw };
	const output = await withJobId(job, submission, 'result', async () =>
		await withRetry('result', async () => await adapter.fetchOutput(http, submission, done), { signal: job.signal, deadline: job.deadline }),
	);
	const result = await withJobId(job, submission, 'result', async () => operation.readResult(adapter.unwrap(output, done), job));
	const timing = { totalMs: Date.now() - started, queueMs: waited?.queueMs, polls: waited?.polls };
	return await withJobId(job, submission, 'download', async () => await result.items(job, submission, timing));
}

async function runProviderJob(job: ItemJob): Promise<{ submission: Submission; waited?: WaitOutcome }> {
	const { settings, adapter, http, batch, operation } = job;
	const mediaUrl = await resolveMediaUrl(job);
	const request = { ...settings.request, input: { ...settings.request.input, [operation.mediaField]: mediaUrl } };
	const running = adapter.cancellable ? 'cancellable' : 'uncancellable';
	batch.running[running]++;
	try {
		// A submit on its way is not cut off when another item fails: the provider may have created the job
		// already, and only its answer gives the id to cancel it with (waitForJob does, seeing the batch failed).
		// Only a stop ends it; no new try starts once the batch failed.
		const submitHttp = http.withSignal(job.ctx.getExecutionCancelSignal());
		const submission = await withRetry('submit', async () => await adapter.submit(submitHttp, request), {
			signal: job.signal,
			deadline: job.deadline,
		});
		if (!settings.waitForResult || submission.output !== undefined) return { submission };
		const waited = await withJobId(job, submission, 'status', async () => await waitForJob(job, submission));
		return { submission, waited };
	} finally {
		batch.running[running]--;
	}
}

/**
 * Once the job exists, any later failure (a poll, the result, a mask download) carries its provider, stage and
 * id for the dashboard; an unexpected error (e.g. a result the contract cannot read) becomes a ProviderError.
 */
async function withJobId<T>({ adapter }: ItemJob, submission: Submission, stage: JobStage, call: () => Promise<T>): Promise<T> {
	const outcome = await settle(call);
	if (outcome.ok) return outcome.value;
	let error = outcome.error;
	if (!(error instanceof ProviderError) && error instanceof Error && error.name === 'Error') {
		error = new ProviderError(`${adapter.label} ${stage} failed: ${error.message}`, {
			provider: adapter.label,
			stage,
			errorType: 'unexpected_output',
			retryableHint: false,
		});
	}
	if (error instanceof ProviderError && submission.requestId) error.requestId = submission.requestId;
	throw error;
}
