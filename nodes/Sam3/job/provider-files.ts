import type { IBinaryData, IExecuteSingleFunctions } from 'n8n-workflow';
import type pLimit from 'p-limit';

import { MalformedMediaError } from '../codecs/malformed';
import { BUFFERED_DOWNLOAD_BYTES, DOWNLOAD_LIMIT_BYTES, DOWNLOAD_TIMEOUT_MS, MiB } from '../limits';
import { type ReadBounds, type ReadCut, declaredBytes, isStreamBody, passThrough, readAll } from '../transport/bounded-reader';
import { ExecutionCancelledError, ProviderError } from '../transport/errors';
import { type ProviderHttp, header, pastMaxWait } from '../transport/http';
import { withRetry } from '../transport/retry';
import { withoutUserInfo } from '../transport/redact';
import { settle } from '../transport/settle';
import type { MediaKind } from './media-input';

/** A file in a provider's answer: a CDN URL or a data: URI (fal's sync mode). */
export interface ProviderFile {
	url: string;
}

/**
 * A provider file as stored: its n8n binary and how many bytes it holds, counted as they were read (n8n's own
 * `fileSize` is a display string such as "12.3 kB"; the JSON reports this number).
 */
export interface StoredFile {
	binary: IBinaryData;
	bytes: number;
}

/** `shoe-mask-0.png` for a mask of shoe.jpg: names that still say which photo they belong to once written to disk. */
function fileNameFor(kind: MediaKind, baseName: string, mimeType: string): string {
	return `${baseName}.${kind.extensions[mimeType] ?? 'bin'}`;
}

const limitOf = (kind: MediaKind) => kind.downloadLimitBytes ?? DOWNLOAD_LIMIT_BYTES;

/** What bounds a job's downloads: the node run's download slots (job/batch.ts), its signal and Max Wait. */
export interface DownloadBounds {
	slots?: pLimit.Limit;
	signal?: AbortSignal;
	deadline?: number;
}

function tooLarge(http: ProviderHttp, kind: MediaKind, baseName: string): ProviderError {
	return new ProviderError(`${http.provider}: ${baseName} is larger than ${limitOf(kind) / MiB} MiB`, {
		provider: http.provider,
		stage: 'download',
		errorType: 'file_too_large',
		retryableHint: false,
	});
}

/**
 * Stores a result's files. The first failure ends the item, so it stops the others too (no retry of a sibling
 * goes on behind a failed item), and all have settled before the failure is reported.
 */
export async function storeProviderFiles(
	ctx: IExecuteSingleFunctions,
	http: ProviderHttp,
	files: Array<{ file: ProviderFile; baseName: string; kind: MediaKind; field?: string }>,
	bounds: DownloadBounds,
): Promise<StoredFile[]> {
	const failed = new AbortController();
	const signal = bounds.signal ? AbortSignal.any([bounds.signal, failed.signal]) : failed.signal;
	const outcomes = await Promise.all(
		files.map(async ({ file, baseName, kind, field }) => {
			const outcome = await settle(async () => await storeProviderFile(ctx, http, file, baseName, kind, { ...bounds, signal }));
			if (!outcome.ok) failed.abort();
			// Which field of the provider's answer the failed file came in (`video`, `masks[2]`).
			if (!outcome.ok && outcome.error instanceof ProviderError && field) outcome.error.field ??= field;
			return outcome;
		}),
	);
	// The first real failure, not a sibling's "stopped" that it caused.
	const failure = outcomes.find((outcome) => !outcome.ok && !(outcome.error instanceof ExecutionCancelledError)) ?? outcomes.find((outcome) => !outcome.ok);
	if (failure && !failure.ok) throw failure.error;
	return outcomes.map((outcome) => (outcome as { value: StoredFile }).value);
}

/**
 * Stores one provider file as n8n binary data. data: URIs (sync mode) are decoded; URLs are fetched without the
 * API key and streamed into n8n's binary storage, checked on the way: the kind's signature (an image's, a
 * video's), a size cap, a deadline. Its MIME type and extension come from its bytes, not from what the server claims.
 */
export async function storeProviderFile(
	ctx: IExecuteSingleFunctions,
	http: ProviderHttp,
	file: ProviderFile,
	baseName: string,
	kind: MediaKind,
	bounds: DownloadBounds = {},
): Promise<StoredFile> {
	if (file.url.startsWith('data:')) {
		const match = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(file.url);
		// The same cap as a download, checked on the text before anything is decoded (base64: 4 chars per 3 bytes).
		const encoded = match?.[3] ?? '';
		if ((match?.[2] ? Math.floor((encoded.length * 3) / 4) : encoded.length) > limitOf(kind)) throw tooLarge(http, kind, baseName);
		const data = match ? Buffer.from(encoded, match[2] ? 'base64' : 'utf8') : Buffer.alloc(0);
		const mimeType = mimeTypeOf(http, kind, baseName, 'a data URI', data);
		return { binary: await ctx.helpers.prepareBinaryData(data, fileNameFor(kind, baseName, mimeType), mimeType), bytes: data.length };
	}
	// Only the web is fetched: a provider answer can never make the node read file:, ftp: or other schemes.
	if (!/^https?:\/\//i.test(file.url)) {
		throw new ProviderError(`${http.provider}: ${baseName} has a URL that is not http(s): ${withoutUserInfo(file.url).slice(0, 40)}`, {
			provider: http.provider,
			stage: 'download',
			errorType: 'unsupported_url',
			retryableHint: false,
		});
	}
	// The node's Timeout setting (n8n request options) can only shorten the download deadline.
	const kindTimeoutMs = kind.downloadTimeoutMs ?? DOWNLOAD_TIMEOUT_MS;
	const deadlineMs = Math.min(kindTimeoutMs, http.timeoutMs || kindTimeoutMs);
	const attempt = async () => await download(ctx, http, file, baseName, kind, { timeoutMs: deadlineMs, maxWait: bounds.deadline ?? http.deadline });
	// Each attempt takes a download slot, so a retry's backoff does not hold one.
	const slots = bounds.slots;
	const bounded = slots
		? async () =>
				await slots(async () => {
					// Stopped while it waited for a slot: nothing is fetched.
					if (bounds.signal?.aborted) throw new ExecutionCancelledError();
					return await attempt();
				})
		: attempt;
	return await withRetry('download', bounded, { signal: bounds.signal ?? http.signal, deadline: bounds.deadline });
}

/**
 * One try at a file, read by the bounded reader (transport/bounded-reader.ts): a Content-Length over the kind's cap
 * is refused before any byte is read, and never fetched again; the read ends at the cap, after `timeoutMs` (the
 * try's own bound, retried) or at Max Wait (final: the job is done and billed, only its download is cut).
 */
async function download(
	ctx: IExecuteSingleFunctions,
	http: ProviderHttp,
	file: ProviderFile,
	baseName: string,
	kind: MediaKind,
	time: { timeoutMs: number; maxWait?: number },
): Promise<StoredFile> {
	const begun = Date.now();
	const maxWait = time.maxWait ?? Infinity;
	const response = await settle(
		async () => await http.public('download', { method: 'GET', url: file.url, encoding: 'stream', json: false, timeout: time.timeoutMs }),
	);
	if (!response.ok) throw Date.now() >= maxWait && !http.signal?.aborted ? pastMaxWait(http.provider, 'download', baseName) : response.error;
	const declared = header(response.value, 'content-length');
	const bounds: ReadBounds = {
		limitBytes: limitOf(kind),
		declared,
		idleMs: time.timeoutMs,
		deadline: Math.min(maxWait, begun + time.timeoutMs),
		signal: http.signal,
	};
	const body = response.value.body;
	const empty = () => new ProviderError(`${http.provider}: ${baseName} was empty`, { provider: http.provider, stage: 'download', errorType: 'empty_file' });
	const cutShort = (cut: ReadCut) => {
		if (cut.why === 'stopped' || http.signal?.aborted) return new ExecutionCancelledError();
		if (cut.why === 'too_large') return tooLarge(http, kind, baseName);
		if (cut.why === 'deadline' && Date.now() >= maxWait) return pastMaxWait(http.provider, 'download', baseName);
		if (cut.why === 'broken') return http.networkError('download', cut.error);
		return new ProviderError(`${http.provider}: downloading ${baseName} took longer than ${time.timeoutMs / 1000} s`, {
			provider: http.provider,
			stage: 'download',
			networkCode: 'ETIMEDOUT',
		});
	};

	// A small file (a mask) is read whole and stored from its bytes: cheaper than streaming it through storage.
	const size = declaredBytes(declared);
	if (size !== undefined && size <= BUFFERED_DOWNLOAD_BYTES && isStreamBody(body)) {
		const read = await readAll(body, bounds);
		if (!read.ok) throw cutShort(read);
		if (read.bytes.length === 0) throw empty();
		const mimeType = mimeTypeOf(http, kind, baseName, file.url, read.bytes);
		return { binary: await ctx.helpers.prepareBinaryData(read.bytes, fileNameFor(kind, baseName, mimeType), mimeType), bytes: read.bytes.length };
	}

	// Larger or unsized: passed into n8n's binary storage as it arrives, once its first bytes say what it is.
	const stored = await settle(
		async () =>
			await passThrough(body, bounds, async ({ chunks, asStream }) => {
				const source = chunks[Symbol.asyncIterator]();
				const first = await source.next();
				if (first.done) throw empty();
				const mimeType = mimeTypeOf(http, kind, baseName, file.url, first.value);
				async function* whole(): AsyncGenerator<Buffer> {
					yield first.value as Buffer;
					for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
				}
				return await ctx.helpers.prepareBinaryData(asStream(whole()) as never, fileNameFor(kind, baseName, mimeType), mimeType);
			}),
	);
	if (!stored.ok) throw stored.error instanceof ProviderError ? stored.error : http.networkError('download', stored.error);
	if (!stored.value.ok) throw cutShort(stored.value);
	return { binary: stored.value.value, bytes: stored.value.bytes };
}

/**
 * The file's MIME type by its first bytes, or a named error: not of its kind at all, or starting like one but with
 * a structure that contradicts its format (codecs/malformed.ts) — never a parser's RangeError.
 */
function mimeTypeOf(http: ProviderHttp, kind: MediaKind, baseName: string, source: string, bytes: Buffer): string {
	let mimeType: string | undefined;
	let failure: unknown;
	try {
		mimeType = kind.typeOf(bytes);
	} catch (error) {
		failure = error;
	}
	if (failure !== undefined) {
		const reason = failure instanceof MalformedMediaError ? failure.message : `its header cannot be read (${(failure as Error)?.message})`;
		throw new ProviderError(`${http.provider}: ${baseName} from ${withoutUserInfo(source).slice(0, 120)} is not a valid ${kind.noun}: ${reason}`, {
			provider: http.provider,
			stage: 'download',
			errorType: `malformed_${kind.noun}`,
			retryableHint: false,
		});
	}
	if (!mimeType) throw notOfKind(http, kind, baseName, source);
	return mimeType;
}

function notOfKind(http: ProviderHttp, kind: MediaKind, baseName: string, source: string): ProviderError {
	return new ProviderError(`${http.provider}: ${baseName} from ${withoutUserInfo(source).slice(0, 120)} is not ${kind.aNoun}`, {
		provider: http.provider,
		stage: 'download',
		// not_an_image, not_a_video, not_a_glb_model: one snake_case word, as every other error type.
		errorType: `not_${kind.aNoun.toLowerCase().replace(/\s+/g, '_')}`,
		retryableHint: false,
	});
}
