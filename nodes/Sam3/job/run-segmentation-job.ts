import type { IDataObject, IExecutePaginationFunctions, IHttpRequestOptions, INodeExecutionData } from 'n8n-workflow';
import type { DeclarativeRestApiSettings } from 'n8n-workflow';

import { adapterFor } from '../providers';
import { ProviderError } from '../transport/errors';
import { type FullResponse, ProviderHttp, transportDefaults } from '../transport/http';
import { withRetry } from '../transport/retry';
import { settle } from '../transport/settle';
import { resolveImageUrl } from './image-input';
import { failItem } from './item-errors';
import { inJobSlot } from './job-slots';
import { readJobSettings } from './job-settings';
import { resultItems, submissionItem } from './output-items';
import { waitForJob } from './wait-for-job';

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
	try {
		const settings = readJobSettings(this);
		const adapter = adapterFor(settings.provider);
		const credentials = (await this.getCredentials(adapter.id)) as IDataObject;
		const http = new ProviderHttp(this, adapter.label, adapter.id, transportDefaults(requestData.options as IHttpRequestOptions), adapter.readError);

		return await inJobSlot(this, settings.maxConcurrency, async () => {
			const started = Date.now();
			const imageUrl = await resolveImageUrl(this, settings, adapter, http, credentials);
			const job = { ...settings.request, input: { ...settings.request.input, image_url: imageUrl } };
			const submitOptions = { ...requestData.options, ...adapter.submitRequest(credentials, job) };
			const submitted = await withRetry(
				'submit',
				async () => {
					let answer: INodeExecutionData;
					try {
						[answer] = await this.makeRoutingRequest({
							...requestData,
							options: { ...submitOptions, returnFullResponse: true, ignoreHttpStatusErrors: true, disableFollowRedirect: true },
						});
					} catch (error) {
						throw http.networkError('submit', error);
					}
					return http.check('submit', answer.json as unknown as FullResponse);
				},
				{ signal: http.signal, idempotentSubmit: job.mode === 'sync' },
			);
			const submission = adapter.readSubmission(credentials, submitted);
			if (!settings.waitForResult) return [submissionItem(this, settings, adapter, submission)];

			const finished = await settle(async () => {
				const waited = submission.output === undefined
					? await waitForJob(adapter, http, credentials, submission, settings.maxWaitMs)
					: undefined;
				const done = waited?.done ?? { phase: 'done' as const, status: 'COMPLETED', raw: submission.raw };
				const output = await withRetry('result', async () => await adapter.fetchOutput(http, credentials, submission, done), {
					signal: http.signal,
				});
				const normalized = adapter.normalize(output, done);
				const timing = { totalMs: Date.now() - started, queueMs: waited?.queueMs, polls: waited?.polls };
				return await resultItems(this, http, settings, adapter, submission, normalized, timing);
			});
			if (finished.ok) return finished.value;
			// Whichever call failed after the submit (a poll, the result, a mask download), the job is known:
			// its id is what the user looks up in the provider's dashboard.
			if (finished.error instanceof ProviderError && submission.requestId) finished.error.requestId = submission.requestId;
			throw finished.error;
		});
	} catch (error) {
		return failItem(this, error as Error);
	}
}
