import type { DeclarativeRestApiSettings, IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { Operation } from '../operations/operation';
import { adapterFor } from '../providers';
import type { ProviderAdapter } from '../providers/provider';
import { ProviderHttp, transportDefaults } from '../transport/http';
import type { Batch } from './batch';
import { type JobSettings, readJobSettings } from './job-settings';

/** One item's job: what every step of it needs, passed as one value. */
export interface ItemJob {
	ctx: IExecuteSingleFunctions;
	/** What the job does (Segment Image, Segment Video): its request and its output items. */
	operation: Operation;
	settings: JobSettings;
	adapter: ProviderAdapter;
	/** The item's line to its provider: credential, n8n's request options and the job's signal are bound in once, here. */
	http: ProviderHttp;
	/** The node run this item belongs to: job slots, download slots, fail-fast. */
	batch: Batch;
	/** Aborts when the user stops the execution or the batch fails (another item failed, no continue-on-fail). */
	signal: AbortSignal | undefined;
	/** The input media's size in pixels, when the operation's prepare step needed it (RLE masks carry none). */
	mediaSize?: { width: number; height: number };
	/** Options > Max Wait as a point in time (ms since epoch), set when the job takes its slot; bounds every wait of the job. */
	deadline?: number;
}

/** Reads and validates the item's parameters and opens its line to the provider; nothing is sent yet. */
export async function openItemJob(
	ctx: IExecuteSingleFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
	batch: Batch,
	operation: Operation,
): Promise<ItemJob> {
	const settings = readJobSettings(ctx, operation);
	const adapter = adapterFor(settings.provider);
	const cancel = ctx.getExecutionCancelSignal();
	const signal = cancel ? AbortSignal.any([cancel, batch.signal]) : batch.signal;
	const http = new ProviderHttp(ctx, {
		provider: adapter.label,
		credentialType: adapter.id,
		credentials: await batch.credentials(adapter.id, async () => (await ctx.getCredentials(adapter.id)) as IDataObject),
		// RoutingNode puts the node's Request Options (proxy, Ignore SSL Issues, Timeout) into the routed options.
		defaults: transportDefaults(requestData.options as IHttpRequestOptions),
		readError: adapter.readError,
		signal,
	});
	return { ctx, operation, settings, adapter, http, batch, signal };
}
