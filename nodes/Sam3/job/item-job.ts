import type { DeclarativeRestApiSettings, IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { adapterFor } from '../providers';
import type { ProviderAdapter } from '../providers/provider';
import { ProviderHttp, transportDefaults } from '../transport/http';
import { type JobSettings, readJobSettings } from './job-settings';

/** One item's job: what every step of it needs, passed as one value. */
export interface ItemJob {
	ctx: IExecuteSingleFunctions;
	settings: JobSettings;
	adapter: ProviderAdapter;
	/** The item's line to its provider: credential and n8n's request options are bound in once, here. */
	http: ProviderHttp;
}

/** Reads and validates the item's parameters and opens its line to the provider; nothing is sent yet. */
export async function openItemJob(ctx: IExecuteSingleFunctions, requestData: DeclarativeRestApiSettings.ResultOptions): Promise<ItemJob> {
	const settings = readJobSettings(ctx);
	const adapter = adapterFor(settings.provider);
	const http = new ProviderHttp(ctx, {
		provider: adapter.label,
		credentialType: adapter.id,
		credentials: (await ctx.getCredentials(adapter.id)) as IDataObject,
		// RoutingNode puts the node's Request Options (proxy, Ignore SSL Issues, Timeout) into the routed options.
		defaults: transportDefaults(requestData.options as IHttpRequestOptions),
		readError: adapter.readError,
	});
	return { ctx, settings, adapter, http };
}
