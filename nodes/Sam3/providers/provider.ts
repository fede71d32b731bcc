import type { IDataObject } from 'n8n-workflow';

import type { ModelTarget } from '../contract/model-target';
import { type JobStage, ProviderError } from '../transport/errors';
import type { StreamBounds, StreamEnd } from '../transport/event-stream';
import type { ErrorReader, ProviderHttp } from '../transport/http';

export type ProviderId = 'falApi' | 'runflowApi';

export type { ModelTarget, ModelVersion } from '../contract/model-target';

/** What a job needs besides the model input; each adapter uses what its provider supports. */
export interface JobRequest {
	target: ModelTarget;
	/** The model input, validated by the operation's contract. */
	input: IDataObject;
	mode: 'queue' | 'sync';
	callbackUrl?: string;
	runMetadata?: IDataObject;
	queuePriority?: 'normal' | 'low';
	startTimeoutSeconds?: number;
}

/** A submitted job, as far as the provider told us. */
export interface Submission {
	/** What was submitted: status, result and cancel of a fal job live under its model's app. */
	target: ModelTarget;
	requestId: string;
	status: string;
	/** Present when the submit already answered the result (fal sync). */
	output?: unknown;
	/** Links a user can follow (or resume from) when not waiting for the result. */
	links: IDataObject;
	raw: unknown;
}

export type JobState =
	| { phase: 'waiting'; status: string; queuePosition?: number }
	| {
			phase: 'done';
			status: string;
			output?: unknown;
			run?: IDataObject;
			raw: unknown;
			/** How long the provider says the job took from its creation to its end (ms), when it says. */
			tookMs?: number;
	  }
	| { phase: 'failed'; status: string; message: string; errorType?: string; raw: unknown };

/** What watching a job's status stream came to. */
export interface WatchOutcome {
	/** The last status the stream told (done or failed ends the wait). */
	state?: JobState;
	/** Why the stream ended; 'not_offered' (404/405) and 'unavailable' (any other answer) mean: poll. */
	end: StreamEnd | 'not_offered' | 'unavailable';
	/** When the stream first told the job running (ms since epoch). */
	runningAt?: number;
}

/**
 * A file a provider reports beside the model's output (Runflow's `outputs[]`), described as the provider describes
 * it. What it is to the operation (a mask, a preview, a file of its own) is the operation's to decide.
 */
export interface ProviderArtifact {
	url: string;
	/** The provider's kind of artifact ("image", "video", "file" …). */
	type?: string;
	content_type?: string;
	file_name?: string;
	file_size?: number;
	width?: number;
	height?: number;
}

/** A finished job's answer as the provider gave it: the model's output plus what the provider adds. */
export interface ProviderResult {
	/** The model's output, fal-shaped (fal's result, Runflow's model_data); the operation's contract reads it. */
	output: unknown;
	/** The files the provider lists apart from the model's output (Runflow's outputs[]; fal has none). */
	artifacts?: ProviderArtifact[];
	timing?: IDataObject;
	cost?: number;
	nsfwDetected?: boolean;
	seed?: number;
	raw: unknown;
}

export interface UploadFile {
	data: Buffer;
	mimeType: string;
	fileName: string;
}

/**
 * Everything that differs between fal.ai and Runflow. The job runner knows nothing else about them.
 * Each call gets the item's ProviderHttp, which knows the credential (endpoints) and n8n's request options;
 * retrying is the caller's (transport/retry.ts), so a method sends each request once.
 */
export interface ProviderAdapter {
	readonly id: ProviderId;
	readonly label: string;
	readonly readError: ErrorReader;
	/** Whether the provider can cancel a submitted job (fal can; Runflow has no cancel). */
	readonly cancellable: boolean;
	/** Why the provider cannot run this target, naming the part it lacks (model or endpoint), or undefined when it can. */
	refuses(target: ModelTarget): { part: keyof ModelTarget; reason: string } | undefined;
	submit(http: ProviderHttp, job: JobRequest): Promise<Submission>;
	poll(http: ProviderHttp, submission: Submission): Promise<JobState>;
	/**
	 * Learns of the job's end over one long request instead of polls, when the provider offers it (fal's status
	 * stream). Whatever it returns short of done/failed, the caller falls back to polling.
	 */
	watch?(http: ProviderHttp, submission: Submission, bounds: StreamBounds): Promise<WatchOutcome>;
	/** Fetches the output of a finished job (no request when the last poll already carried it). */
	fetchOutput(http: ProviderHttp, submission: Submission, done: JobState & { phase: 'done' }): Promise<unknown>;
	/** Best effort; false when the provider has no way to cancel. */
	cancel(http: ProviderHttp, submission: Submission): Promise<boolean>;
	upload(http: ProviderHttp, file: UploadFile): Promise<string>;
	/** Separates the model's output from the provider's additions (timing, cost …). */
	unwrap(output: unknown, done: JobState & { phase: 'done' }): ProviderResult;
}

export function trimSlash(url: unknown): string {
	return String(url ?? '').replace(/\/+$/, '');
}

/** A field a provider's answer must have, or a clear error naming what is missing: never a request with "undefined". */
export function required(http: ProviderHttp, stage: JobStage, what: string, value: unknown): string {
	if ((typeof value === 'string' && value !== '') || typeof value === 'number') return String(value);
	throw new ProviderError(`${http.provider}: the ${stage} answer has no ${what}`, {
		provider: http.provider,
		stage,
		errorType: 'malformed_response',
		// The answer came and was read; asking the same again would not make it whole (and a submit may not repeat).
		retryableHint: false,
	});
}

/** A job id the node may put in a URL: one plain path segment, never "." or "..", nothing to encode. */
const PLAIN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export const isPlainId = (id: string) => PLAIN_ID.test(id) && id !== '.' && id !== '..';

/**
 * The job id of a submit answer, refused before it is used when it is not a plain path segment: `..`, `/`, `?`,
 * `%2F` or whitespace would move the status, result and cancel URLs off the job's path. The provider may have
 * started the job already, and the error says so: with no usable id there is nothing to follow or cancel it by.
 */
export function jobId(http: ProviderHttp, what: string, value: unknown): string {
	const id = required(http, 'submit', what, value);
	if (isPlainId(id)) return id;
	throw new ProviderError(`${http.provider}: the submit answer's ${what} ${JSON.stringify(id.slice(0, 40))} is not a plain id; it was not used`, {
		provider: http.provider,
		stage: 'submit',
		errorType: 'malformed_response',
		retryableHint: false,
		description:
			'The provider may have started the job (and may bill it), but with this id the node can neither follow nor cancel it: look for it in the provider\'s dashboard.',
	});
}

/** Presigned upload URLs authorise the PUT themselves: sent without the credential, so the key never goes there. */
export async function putPresigned(http: ProviderHttp, uploadUrl: unknown, file: UploadFile): Promise<void> {
	await http.public('upload', {
		method: 'PUT',
		url: String(uploadUrl),
		body: file.data,
		headers: { 'Content-Type': file.mimeType },
		json: false,
	});
}
