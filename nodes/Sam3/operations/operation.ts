import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ItemJob } from '../job/item-job';
import type { JobTiming } from '../job/output-item';
import type { MediaKind } from '../job/media-input';
import type { ModelTarget, ProviderId, ProviderResult, Submission } from '../providers/provider';

/** Where an item's media (image, video) comes from: a URL sent as is, or a binary file sent inline or uploaded. */
export type MediaSource = { kind: 'url'; url: string } | { kind: 'binary'; property: string };

/** What an operation read from one item's parameters, validated; the media URL is resolved later, inside the job slot. */
export interface OperationRequest {
	/** The endpoint to run: model version and endpoint name (providers/ map it to their paths). */
	target: ModelTarget;
	/** How errors name the parameters that chose the target's model and endpoint (e.g. "Model", "Mask Delivery"). */
	targetLabels?: { model: string; endpoint: string };
	media: MediaSource;
	/** The model input without the media URL. */
	input: IDataObject;
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

/**
 * One operation of the node (Segment Image, Segment Video): its panel fields, its request and its output. The job
 * machinery (job/: slots, upload, submit, wait, cancel, stream, Max Wait, webhook, Wait for Result off, errors) is
 * shared; an operation only says what to send and what to make of the answer. Adding one is a folder under
 * operations/ and a line in operations/index.ts.
 */
export interface Operation {
	/** The `operation` parameter's value (kept stable: saved workflows refer to it). */
	readonly value: string;
	readonly name: string;
	readonly action: string;
	readonly description: string;
	/** The operation's own panel fields; operations/index.ts shows them only for this operation. */
	readonly properties: INodeProperties[];
	/** The input field that carries the media URL (image_url, video_url). */
	readonly mediaField: string;
	/** What a binary input must be, for the upload step's checks and names. */
	readonly mediaKind: MediaKind;
	readonly ownOutput: OwnOutput;
	/** Reads and validates the operation's parameters for one item (throws an input error naming the field). */
	read(ctx: IExecuteSingleFunctions, itemIndex: number, provider: ProviderId): OperationRequest;
	/**
	 * Learns what the result will need and only the input can tell (RLE masks: the image's size), before the job
	 * takes its slot and before anything is submitted: an item that cannot be finished starts no job.
	 */
	prepare?(job: ItemJob): Promise<void>;
	/** Reads the finished job's answer by the operation's contract; what it cannot read fails the result stage. */
	readResult(result: ProviderResult, job: ItemJob): OperationResult;
}

/** A finished job's answer, read: it becomes the item's output (files stored, JSON shaped). */
export interface OperationResult {
	items(job: ItemJob, submission: Submission, timing: JobTiming): Promise<INodeExecutionData[]>;
}
