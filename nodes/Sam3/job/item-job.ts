import type { DeclarativeRestApiSettings, IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { ModelTarget } from '../contract/model-target';
import { adapterFor } from '../providers';
import type { ProviderAdapter } from '../providers/provider';
import { ProviderHttp, transportDefaults } from '../transport/http';
import type { Batch } from './batch';
import type { CostEstimate, CostQuantity } from './cost';
import { type JobSettings, readJobSettings } from './job-settings';
import type { MediaKind, MediaSource } from './media-input';
import type { OwnOutput } from './output-item';

/**
 * What an operation asks of the job layer for one item: the endpoint, the model input (its media URL still to be
 * resolved inside the job slot) and how to treat its media and a kept input item. Read from the item's parameters
 * by the operation (it throws an input error naming the field).
 */
export interface JobSpec {
	/** The endpoint to run: model version and endpoint name (providers/ map it to their paths). */
	target: ModelTarget;
	/** How errors name the parameters that chose the target's model and endpoint (e.g. "Model", "Mask Delivery"). */
	targetLabels?: { model: string; endpoint: string };
	media: MediaSource;
	/** The model input without the media URL. */
	input: IDataObject;
	/** The input field that carries the media URL (image_url, video_url). */
	mediaField: string;
	/** What a binary input must be, for the upload step's checks and names. */
	mediaKind: MediaKind;
	/** What the operation writes on an item, so a kept input item loses an earlier run's fields and files. */
	ownOutput: OwnOutput;
	/** How the job is priced (job/cost.ts): its endpoint id, and what it is made of as far as the parameters tell. */
	cost: CostSpec;
}

/** What prices a job: the endpoint's list price times what the item asks for (3D units) or holds (video frames). */
export interface CostSpec {
	/** fal's endpoint id (`fal-ai/sam-3/image`); Runflow's price is looked up by it too. */
	endpointId: string;
	quantity?: CostQuantity;
	/** Reads what a binary input holds that the price counts (a video's frames), from its bytes. */
	quantityOf?(media: Buffer): CostQuantity;
}

/** One item's job: what every step of it needs, passed as one value. */
export interface ItemJob {
	ctx: IExecuteSingleFunctions;
	/** What the operation asked for: endpoint, input, media. */
	spec: JobSpec;
	settings: JobSettings;
	adapter: ProviderAdapter;
	/** The item's line to its provider: credential, n8n's request options and the job's signal are bound in once, here. */
	http: ProviderHttp;
	/** The node run this item belongs to: job slots, download slots, fail-fast. */
	batch: Batch;
	/** Aborts when the user stops the execution or the batch fails (another item failed, no continue-on-fail). */
	signal: AbortSignal | undefined;
	/** The input media's size in pixels, when the operation learned it before submitting (its result needs it). */
	mediaSize?: { width: number; height: number };
	/** The job's estimated cost, worked out before it was submitted (and reserved under Max Spend per Run). */
	cost?: CostEstimate;
	/** Options > Max Wait as a point in time (ms since epoch), set when the job takes its slot; bounds every wait of the job. */
	deadline?: number;
}

/** The part of a job spec an operation reads from the item's parameters: endpoint, input, media source. */
export type EndpointRequest = Pick<JobSpec, 'target' | 'targetLabels' | 'media' | 'input'>;

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
