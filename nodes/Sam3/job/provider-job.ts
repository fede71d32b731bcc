import type { DeclarativeRestApiSettings, IExecutePaginationFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ProviderResult, Submission } from '../providers/provider';
import { type JobStage, ProviderError } from '../transport/errors';
import { Redactor, credentialSecrets } from '../transport/redact';
import { withRetry } from '../transport/retry';
import { settle } from '../transport/settle';
import { type Batch, inBatch } from './batch';
import { estimateCost } from './cost';
import { endsBatch, failItem } from './item-errors';
import { type ItemJob, type JobSpec, openItemJob } from './item-job';
import { resolveMediaUrl } from './media-input';
import { type JobTiming, submissionItem } from './output-item';
import { inPlainWords } from './plain-words';
import { type ToolArguments, isToolCall, submittedToolAnswer, toolErrorItems } from './tool-call';
import { type WaitOutcome, waitForJob } from './wait-for-job';

/**
 * The job layer's API for an operation: one item, one provider job. An operation's run (operations/<op>/run.ts)
 * reads its parameters, then calls, in order:
 *
 *   runItem(ctx, requestData, toolArguments, flow)  the item's frame: batch, fail-fast, error item or tool error
 *   openJob(item, spec)                            the item's job: settings, provider, its line to it; sends nothing
 *   runJob(job)                                    slot, media upload, submit, wait (cancel on Max Wait / failure)
 *   submittedItems(job, run)                       Wait for Result off: the job's id and links
 *   fetchResult(job, run)                          the finished job's answer, split from the provider's additions
 *   jobStep(job, run, stage, call)                 any later step: its error carries provider, stage, request id
 *
 * It names no operation: what to send and what to make of the answer are the operation's.
 */

export type PaginationHook = (
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
) => Promise<INodeExecutionData[]>;

/** One item as its operation runs it. */
export interface ItemRun {
	ctx: IExecutePaginationFunctions;
	requestData: DeclarativeRestApiSettings.ResultOptions;
	/** The node run this item belongs to: job slots, download slots, fail-fast. */
	batch: Batch;
	/** The node runs as an AI Agent's tool: the operation answers the model (compact JSON), not a workflow. */
	toolCall: boolean;
}

/** A job the provider accepted: what it said, and (waiting) how the wait went. */
export interface JobRun {
	submission: Submission;
	/** Whether the result is there to fetch (false: Wait for Result is off). */
	finished: boolean;
	waited?: WaitOutcome;
	/** When the job took its slot (ms since epoch), for the item's timing. */
	startedAt: number;
}

/**
 * The frame of one item's run, for any operation: started after the batch failed, it sends nothing; whatever the
 * flow throws becomes this item's own result (an error item, the model's error answer, or the execution's error).
 * Declared as the operation's pagination hook because that is the one hook n8n runs around a whole item.
 */
export async function runItem(
	ctx: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
	toolArguments: ToolArguments,
	flow: (item: ItemRun) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	return await inBatch(ctx, async (batch) => {
		// Started after the batch failed (e.g. behind Request Options > Batching): nothing is sent.
		if (batch.failed) return [];
		const toolCall = (batch.toolCall ??= isToolCall(ctx));
		const outcome = await settle(async () => await flow({ ctx, requestData, batch, toolCall }));
		// Where every item, error and tool answer leaves the node: the credential's key is cut out of all of them.
		// Without waiting: a failure must reach the batch at once (fail-fast starts no other job behind it).
		const redact = redactorFor(ctx, batch);
		if (outcome.ok) return redact.items(outcome.value);
		const error = redact.error(outcome.error as Error);
		const toolItems = toolErrorItems(ctx, error, toolArguments, toolCall);
		return toolItems ? redact.items(toolItems) : failItem(ctx, error, batch);
	});
}

/** The item's credential's secrets, from the run's credential cache (no second load or decrypt, no wait). */
function redactorFor(ctx: IExecutePaginationFunctions, batch: Batch): Redactor {
	const type = ctx.getNodeParameter('authentication', 'falApi') as string;
	return new Redactor(credentialSecrets(batch.loadedCredentials.get(type)));
}

/** Reads the job's shared settings (provider, Options, waiting) and opens the item's line to its provider; nothing is sent. */
export async function openJob({ ctx, requestData, batch }: ItemRun, spec: JobSpec): Promise<ItemJob> {
	return await openItemJob(ctx, requestData, batch, spec);
}

/**
 * The provider job itself, in a job slot: media upload, submit, wait until the provider reports it finished
 * (cancelling it on Max Wait, a stop or another item's failure). Undefined when the batch failed before it started.
 */
export async function runJob(job: ItemJob): Promise<JobRun | undefined> {
	const { ctx, batch, settings } = job;
	if (batch.failed) return undefined;
	const startedAt = Date.now();
	// A slot stands for one job at the provider: held from the media upload until the provider reports the job
	// finished. Fetching the result and storing files happen after, so they never hold back the next job.
	const provided = await batch.jobSlots(settings.maxConcurrency)(async () => {
		// The batch failed while this item waited for its slot: it starts nothing (RoutingNode reports the failure).
		if (batch.failed) return undefined;
		job.deadline = Date.now() + settings.maxWaitMs;
		job.http.deadline = job.deadline;
		const ran = await settle(async () => await runProviderJob(job));
		if (ran.ok) return ran.value;
		// Marked before the slot is released, so the item queued behind it sees the failure and starts nothing.
		if (endsBatch(ctx, ran.error)) batch.fail(ctx.getItemIndex());
		throw inPlainWords(ran.error, job);
	});
	if (!provided) return undefined;
	return { ...provided, finished: settings.waitForResult, startedAt };
}

/** Wait for Result off: the job's id and links, for a webhook or a later node (for a model: that it was only submitted). */
export function submittedItems(job: ItemJob, run: JobRun, toolCall: boolean): INodeExecutionData[] {
	const item = submissionItem(job, run.submission);
	return toolCall ? submittedToolAnswer(job.ctx, item) : [item];
}

/** The finished job's answer (fetched unless the last status already carried it), split from the provider's additions. */
export async function fetchResult(job: ItemJob, run: JobRun): Promise<ProviderResult> {
	const { adapter, http } = job;
	const { submission, waited } = run;
	const done = waited?.done ?? { phase: 'done' as const, status: 'COMPLETED', raw: submission.raw };
	const output = await jobStep(job, run, 'result', async () =>
		await withRetry('result', async () => await adapter.fetchOutput(http, submission, done), { signal: job.signal, deadline: job.deadline }),
	);
	return await jobStep(job, run, 'result', () => adapter.unwrap(output, done));
}

/** How long the item's job took, and its queue time and polls when it was waited for. */
export function jobTiming(run: JobRun): JobTiming {
	return { totalMs: Date.now() - run.startedAt, queueMs: run.waited?.queueMs, polls: run.waited?.polls };
}

async function runProviderJob(job: ItemJob): Promise<{ submission: Submission; waited?: WaitOutcome }> {
	const { settings, adapter, http, batch, spec } = job;
	let priced = false;
	const price = (media?: Buffer) => {
		priceJob(job, media);
		priced = true;
	};
	const mediaUrl = await resolveMediaUrl(job, price);
	if (!priced) price();
	const request = { ...settings.request, input: { ...settings.request.input, [spec.mediaField]: mediaUrl } };
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
		const waited = await jobStep(job, { submission }, 'status', async () => await waitForJob(job, submission));
		return { submission, waited };
	} finally {
		batch.running[running]--;
	}
}

/**
 * The job's estimated cost (job/cost.ts), and under Options > Max Spend per Run its reservation: in one synchronous
 * step, after the job took its slot and before its file is uploaded or it is submitted, so no two items can both
 * take the last of the budget (job/spend.ts). A refused item throws its error item and starts nothing.
 */
function priceJob(job: ItemJob, media?: Buffer): void {
	const { spec, settings, batch, ctx } = job;
	const quantity = { ...spec.cost.quantity, ...(media && spec.cost.quantityOf?.(media)) };
	job.cost = estimateCost(settings.provider, spec.cost.endpointId, quantity);
	if (settings.maxSpendUsd !== undefined) batch.spend(settings.maxSpendUsd).reserve(ctx.getItemIndex(), job.cost);
}

/**
 * Once the job exists, any later failure (a poll, the result, a file download) carries its provider, stage and
 * id for the dashboard; an unexpected error (e.g. a result the contract cannot read) becomes a ProviderError.
 */
export async function jobStep<T>(job: ItemJob, { submission }: Pick<JobRun, 'submission'>, stage: JobStage, call: () => Promise<T> | T): Promise<T> {
	const { adapter } = job;
	const outcome = await settle(async () => await call());
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
	throw inPlainWords(error, job);
}
