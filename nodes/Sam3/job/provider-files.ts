import type { IBinaryData, IExecuteSingleFunctions } from 'n8n-workflow';
import type pLimit from 'p-limit';

import { MalformedMediaError } from '../codecs/malformed';
import { BUFFERED_DOWNLOAD_BYTES, DOWNLOAD_LIMIT_BYTES, DOWNLOAD_TIMEOUT_MS, MiB } from '../limits';
import { isStreamBody, readBoundedBody } from '../transport/bounded-body';
import { ExecutionCancelledError, ProviderError } from '../transport/errors';
import { type FullResponse, type ProviderHttp, header } from '../transport/http';
import { withRetry } from '../transport/retry';
import { withoutUserInfo } from '../transport/redact';
import { settle } from '../transport/settle';
import type { MediaKind } from './media-input';

/** A file in a provider's answer: a CDN URL or a data: URI (fal's sync mode). */
export interface ProviderFile {
	url: string;
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
): Promise<IBinaryData[]> {
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
	return outcomes.map((outcome) => (outcome as { value: IBinaryData }).value);
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
): Promise<IBinaryData> {
	if (file.url.startsWith('data:')) {
		const match = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(file.url);
		// The same cap as a download, checked on the text before anything is decoded (base64: 4 chars per 3 bytes).
		const encoded = match?.[3] ?? '';
		if ((match?.[2] ? Math.floor((encoded.length * 3) / 4) : encoded.length) > limitOf(kind)) throw tooLarge(http, kind, baseName);
		const data = match ? Buffer.from(encoded, match[2] ? 'base64' : 'utf8') : Buffer.alloc(0);
		const mimeType = mimeTypeOf(http, kind, baseName, 'a data URI', data);
		return await ctx.helpers.prepareBinaryData(data, fileNameFor(kind, baseName, mimeType), mimeType);
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
	const attempt = async () => await download(ctx, http, file, baseName, kind, deadlineMs);
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

async function download(
	ctx: IExecuteSingleFunctions,
	http: ProviderHttp,
	file: ProviderFile,
	baseName: string,
	kind: MediaKind,
	deadlineMs: number,
): Promise<IBinaryData> {
	const begun = Date.now();
	const tooSlow = () =>
		new ProviderError(`${http.provider}: downloading ${baseName} took longer than ${deadlineMs / 1000} s`, {
			provider: http.provider,
			stage: 'download',
			networkCode: 'ETIMEDOUT',
		});
	const response = await http.public('download', {
		method: 'GET',
		url: file.url,
		encoding: 'stream',
		json: false,
		timeout: deadlineMs,
	});
	const declared = Number(header(response, 'content-length'));
	if (declared <= BUFFERED_DOWNLOAD_BYTES && isStreamBody(response.body)) {
		return await storeSmall(ctx, http, response, { url: file.url, baseName, kind, declared, timeoutMs: deadlineMs - (Date.now() - begun), tooSlow });
	}
	const body = response.body as AsyncIterable<Buffer> & { destroy(error?: Error): void; constructor: unknown };
	const chunks = body[Symbol.asyncIterator]();

	// The deadline's timer is the platform's (AbortSignal.timeout): it neither lingers nor keeps n8n's process alive.
	let failure: Error | undefined;
	const deadline = AbortSignal.timeout(Math.max(1, deadlineMs - (Date.now() - begun)));
	let onStall = () => {};
	const stalled = new Promise<never>((_, reject) => {
		onStall = () => {
			failure = tooSlow();
			body.destroy(failure);
			reject(failure);
		};
		deadline.addEventListener('abort', onStall, { once: true });
	});
	stalled.catch(() => {});

	// The first bytes decide what the file is (its signature), before n8n is told its name and type.
	const first = await settle(async () => (await Promise.race([chunks.next(), stalled])) as IteratorResult<Buffer>);
	if (!first.ok || first.value.done) {
		deadline.removeEventListener('abort', onStall);
		body.destroy();
		if (first.ok) throw new ProviderError(`${http.provider}: ${baseName} was empty`, { provider: http.provider, stage: 'download', errorType: 'empty_file' });
		throw failure ?? http.networkError('download', first.error);
	}
	const head = first.value.value;
	const typed = await settle(async () => mimeTypeOf(http, kind, baseName, file.url, head));
	if (!typed.ok) {
		deadline.removeEventListener('abort', onStall);
		body.destroy();
		throw typed.error;
	}
	const mimeType = typed.value;

	// The rest is checked as it passes into n8n's storage: a size cap.
	let received = 0;
	async function* checked(): AsyncGenerator<Buffer> {
		for (let next: IteratorResult<Buffer> = first.ok ? first.value : { done: true, value: undefined }; !next.done; next = await chunks.next()) {
			received += next.value.length;
			if (received > limitOf(kind)) throw tooLarge(http, kind, baseName);
			yield next.value;
		}
	}
	// The response's own stream class (node's Readable) turns the generator back into a stream, without importing
	// node:stream, which verified community nodes may not.
	const streamClass = body.constructor as { from(iterable: AsyncIterable<Buffer>): NodeJS.ReadableStream };
	const guarded = streamClass.from(checked());
	const stored = await settle(async () => {
		const storing = ctx.helpers.prepareBinaryData(guarded as never, fileNameFor(kind, baseName, mimeType), mimeType);
		return (await Promise.race([storing, stalled])) as IBinaryData;
	});
	deadline.removeEventListener('abort', onStall);
	body.destroy();
	if (!stored.ok) {
		if (stored.error instanceof ProviderError) throw stored.error;
		// The client's own timeout may cut the stalled stream a moment before the deadline does: same cause.
		throw failure ?? (Date.now() - begun >= deadlineMs ? tooSlow() : http.networkError('download', stored.error));
	}
	if (received === 0) {
		throw new ProviderError(`${http.provider}: ${baseName} was empty`, { provider: http.provider, stage: 'download', errorType: 'empty_file' });
	}
	return stored.value;
}

/** A small file (Content-Length ≤ BUFFERED_DOWNLOAD_BYTES): read whole within the deadline, checked, stored from its bytes. */
async function storeSmall(
	ctx: IExecuteSingleFunctions,
	http: ProviderHttp,
	response: FullResponse,
	file: { url: string; baseName: string; kind: MediaKind; declared: number; timeoutMs: number; tooSlow: () => ProviderError },
): Promise<IBinaryData> {
	const { baseName, kind } = file;
	const read = await readBoundedBody(response.body, { limitBytes: limitOf(kind), declaredBytes: file.declared, timeoutMs: file.timeoutMs, signal: http.signal });
	if (!read.ok) {
		if (read.why === 'stopped' || http.signal?.aborted) throw new ExecutionCancelledError();
		if (read.why === 'too_large') throw tooLarge(http, kind, baseName);
		throw read.why === 'timeout' ? file.tooSlow() : http.networkError('download', read.error);
	}
	if (read.bytes.length === 0) {
		throw new ProviderError(`${http.provider}: ${baseName} was empty`, { provider: http.provider, stage: 'download', errorType: 'empty_file' });
	}
	const mimeType = mimeTypeOf(http, kind, baseName, file.url, read.bytes);
	return await ctx.helpers.prepareBinaryData(read.bytes, fileNameFor(kind, baseName, mimeType), mimeType);
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
		errorType: `not_${kind.aNoun.replace(' ', '_')}`,
		retryableHint: false,
	});
}
