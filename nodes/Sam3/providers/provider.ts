import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import type { ImageFile, Sam3Input } from '../contract/sam3.schema';
import type { ErrorReader, FullResponse, ProviderHttp } from '../transport/http';

export type ProviderId = 'falApi' | 'runflowApi';

/** What a job needs besides the model input; each adapter uses what its provider supports. */
export interface JobRequest {
	input: Sam3Input;
	mode: 'queue' | 'sync';
	callbackUrl?: string;
	runMetadata?: IDataObject;
	queuePriority?: 'normal' | 'low';
	startTimeoutSeconds?: number;
}

/** A submitted job, as far as the provider told us. */
export interface Submission {
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
	| { phase: 'done'; status: string; output?: unknown; run?: IDataObject; raw: unknown }
	| { phase: 'failed'; status: string; message: string; errorType?: string; raw: unknown };

/** The provider's answer in the node's one shape, before any file is downloaded. */
export interface NormalizedResult {
	masks: Array<ImageFile & { score?: number; box?: number[] }>;
	image?: ImageFile;
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

/** Everything that differs between fal.ai and Runflow. The job runner knows nothing else about them. */
export interface ProviderAdapter {
	readonly id: ProviderId;
	readonly label: string;
	readonly readError: ErrorReader;
	/** The submit request (URL, body, headers); RoutingNode sends it with the credential. */
	submitRequest(credentials: IDataObject, job: JobRequest): IHttpRequestOptions;
	readSubmission(credentials: IDataObject, response: FullResponse): Submission;
	poll(http: ProviderHttp, credentials: IDataObject, submission: Submission): Promise<JobState>;
	/** Fetches the output of a finished job (no request when the last poll already carried it). */
	fetchOutput(http: ProviderHttp, credentials: IDataObject, submission: Submission, done: JobState & { phase: 'done' }): Promise<unknown>;
	/** Best effort; false when the provider has no way to cancel. */
	cancel(http: ProviderHttp, credentials: IDataObject, submission: Submission): Promise<boolean>;
	upload(http: ProviderHttp, credentials: IDataObject, file: UploadFile): Promise<string>;
	normalize(output: unknown, done: JobState & { phase: 'done' }): NormalizedResult;
}

export function trimSlash(url: unknown): string {
	return String(url ?? '').replace(/\/+$/, '');
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
