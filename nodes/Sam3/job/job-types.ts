import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import type { ModelTarget } from '../contract/model-target';
import type { JobRequest, ProviderAdapter, ProviderId } from '../providers/provider';
import type { ProviderHttp } from '../transport/http';
import type { Batch } from './batch';
import type { CostEstimate, CostQuantity } from './cost';

/**
 * The job layer's types in one place, so its modules (item-job, job-settings, media-input, output-item) share
 * them without importing each other in a circle. Each of those modules re-exports the ones it is about.
 */

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
	/** Options > Max Wait when the user left it unset, if the operation's jobs take longer than most (limits.ts). */
	defaultMaxWaitSeconds?: number;
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

/** The part of a job spec an operation reads from the item's parameters: endpoint, input, media source. */
export type EndpointRequest = Pick<JobSpec, 'target' | 'targetLabels' | 'media' | 'input'>;

/** One item's parameters, read and validated before anything leaves for the provider. */
export interface JobSettings {
	provider: ProviderId;
	/** Where the operation's media (image, video) comes from; its URL is resolved (inline or upload) inside the job slot. */
	media: MediaSource;
	/** The job's request, the model input still without the media URL. */
	request: JobRequest;
	waitForResult: boolean;
	uploadMode: 'auto' | 'inline' | 'upload';
	maxConcurrency: number;
	maxWaitMs: number;
	/** Options > Max Spend per Run (USD), when set: the run's jobs together may not be estimated above it (job/spend.ts). */
	maxSpendUsd?: number;
	/** The Options every operation's output shares (an operation reads its own, e.g. Segment Image's Split Masks). */
	output: {
		/** Options > Download Masks: store the answer's files as n8n binaries (off: their URLs only). */
		download: boolean;
		keepInput: boolean;
		includeRaw: boolean;
	};
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

/** Where an item's media (image, video) comes from: a URL sent as is, or a binary file sent inline or uploaded. */
export type MediaSource = { kind: 'url'; url: string } | { kind: 'binary'; property: string };

/** What kind of file an operation sends or receives (image, video): recognised by its first bytes, not its name. */
export interface MediaKind {
	/** "image", "video": how messages and file names speak of it. */
	noun: string;
	/** "an image", "a video". */
	aNoun: string;
	/** The formats SAM 3 reads, for messages: "PNG, JPEG, WebP, GIF, BMP or TIFF". */
	formats: string;
	/** The MIME type the bytes start like, or undefined when they are none of those formats. */
	typeOf(bytes: Buffer): string | undefined;
	/** File extension by MIME type. */
	extensions: Record<string, string>;
	/** The largest such file the node sends (default UPLOAD_LIMIT_BYTES). */
	uploadLimitBytes?: number;
	/** The largest such file the node downloads from a provider's answer (default DOWNLOAD_LIMIT_BYTES). */
	downloadLimitBytes?: number;
	/** The longest one such download may take (default DOWNLOAD_TIMEOUT_MS; the node's Timeout can only shorten it). */
	downloadTimeoutMs?: number;
}

/** How an operation recognises and replaces what an earlier run of the node left on a kept input item. */
export interface OwnOutput {
	/** The JSON fields the operation writes: dropped from a kept input that an earlier run wrote. */
	jsonFields: string[];
	/** Whether the kept input item is an earlier run's result (only then are its JSON fields dropped). */
	isEarlierResult(json: IDataObject): boolean;
	/**
	 * Whether a binary field of the kept input is one this run writes (replaced, never left beside the new ones);
	 * `earlier`: the item is an earlier run's result, so its other files of this node's (preview …) go too.
	 */
	isOwnBinary(name: string, job: ItemJob, earlier: boolean): boolean;
}
