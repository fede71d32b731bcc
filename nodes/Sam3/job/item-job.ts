import type { DeclarativeRestApiSettings, IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { adapterFor } from '../providers';
import { ProviderHttp, transportDefaults } from '../transport/http';
import type { Batch } from './batch';
import { readJobSettings } from './job-settings';
import type { ItemJob, JobSpec } from './job-types';

export type { EndpointRequest, ItemJob, JobSpec } from './job-types';

/** Reads and validates the item's parameters and opens its line to the provider; nothing is sent yet. */
export async function openItemJob(
	ctx: IExecuteSingleFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
	batch: Batch,
	spec: JobSpec,
): Promise<ItemJob> {
	const settings = readJobSettings(ctx, spec);
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
	return { ctx, spec, settings, adapter, http, batch, signal };
}
