import type {
	IDataObject,
	IExecutePaginationFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	DeclarativeRestApiSettings,
} from 'n8n-workflow';

import { adapterFor } from '../providers';
import type { ProviderAdapter, Submission } from '../providers/provider';
import { ProviderError } from '../transport/errors';
import { type FullResponse, ProviderHttp, transportDefaults } from '../transport/http';
import { withRetry } from '../transport/retry';
import { settle } from '../transport/settle';
import { resolveImageUrl } from './image-input';
import { failItem } from './item-errors';
import { inJobSlot } from './job-slots';
import { type JobSettings, readJobSettings } from './job-settings';
import { resultItems, submissionItem } from './output-items';
import { type WaitOutcome, waitForJob } from './wait-for-job';

interface ItemJob {
	ctx: IExecutePaginationFunctions;
	requestData: DeclarativeRestApiSettings.ResultOptions;
	settings: JobSettings;
	adapter: ProviderAdapter;
	http: ProviderHttp;
	credentials: IDataObject;
}

/**
 * One item's whole job: validate, take a job slot, resolve the image, submit (the routed request, sent by
 * RoutingNode with the credential), wait, fetch the result, store the masks. Declared as the operation's
 * pagination hook because that is the one hook n8n runs around an item's request: here a slot is always
 * released and every error becomes this item's own result.
 */
export async function runSegmentationJob(
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	const outcome = await settle(async () => {
		const settings = readJobSettings(this);
		const adapter = adapterFor(settings.provider);
		const credentials = (await this.getCredentials(adapter.id)) as IDataObject;
		const defaults = transportDefaults(requestData.options as IHttpRequestOptions);
		const http = new ProviderHttp(this, adapter.label, adapter.id, defaults, adapter.readError);
		const item: ItemJob = { ctx: this, requestData, settings, adapter, http, credentials };

		const started = Date.now();
		// A slot stands for one job at the provider: held from the image upload until the provider reports the job
		// finished. Fetching the result and storing the masks happen after, so they never hold back the next job.
		const { submission, waited } = await inJobSlot(this, settings.maxConcurrency, async () => await runProviderJob(item));
		if (!settings.waitForResult) return [submissionItem(this, settings, adapter, submission)];
		return await withJobId(submission, async () => {
			const done = waited?.done ?? { phase: 'done' as const, status: 'COMPLETED', raw: submission.raw };
			const output = await withRetry('result', async () => await adapter.fetchOutput(http, credentials, submission, done), {
				signal: http.signal,
			});
			const normalized = adapter.normalize(output, done);
			const timing = { totalMs: Date.now() - started, queueMs: waited?.queueMs, polls: waited?.polls };
			return await resultItems(this, http, settings, adapter, submission, normalized, timing);
		});
	});
	return outcome.ok ? outcome.value : failItem(this, outcome.error as Error);
}

async function runProviderJob(item: ItemJob): Promise<{ submission: Submission; waited?: WaitOutcome }> {
	const { ctx, settings, adapter, http, credentials } = item;
	const imageUrl = await resolveImageUrl(ctx, settings, adapter, http, credentials);
	const submission = await submit(item, imageUrl);
	if (!settings.waitForResult || submission.output !== undefined) return { submission };
	const waited = await withJobId(submission, async () => await waitForJob(adapter, http, credentials, submission, settings.maxWaitMs));
	return { submission, waited };
}

/** The routed request: RoutingNode sends it with the credential and n8n's request options (proxy, SSL, timeout). */
async function submit(item: ItemJob, imageUrl: string): Promise<Submission> {
	const { ctx, requestData, settings, adapter, http, credentials } = item;
	const job = { ...settings.request, input: { ...settings.request.input, image_url: imageUrl } };
	const options = {
		...requestData.options,
		...adapter.submitRequest(credentials, job),
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
	};
	const response = await withRetry(
		'submit',
		async () => {
			const sent = await settle(async () => await ctx.makeRoutingRequest({ ...requestData, options }));
			if (!sent.ok) throw http.networkError('submit', sent.error);
			return http.check('submit', sent.value[0].json as unknown as FullResponse);
		},
		{ signal: http.signal, idempotentSubmit: job.mode === 'sync' },
	);
	return adapter.readSubmission(credentials, response);
}

/** Once the job exists, any later failure (a poll, the result, a mask download) carries its id for the dashboard. */
async function withJobId<T>(submission: Submission, call: () => Promise<T>): Promise<T> {
	const outcome = await settle(call);
	if (outcome.ok) return outcome.value;
	if (outcome.error instanceof ProviderError && submission.requestId) outcome.error.requestId = submission.requestId;
	throw outcome.error;
}
