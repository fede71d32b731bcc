import type { IBinaryData, IExecuteSingleFunctions } from 'n8n-workflow';

import type { ImageFile } from '../contract/sam3.schema';
import { DOWNLOAD_LIMIT_BYTES, DOWNLOAD_TIMEOUT_MS, MiB } from '../limits';
import { ProviderError } from '../transport/errors';
import type { ProviderHttp } from '../transport/http';
import { withRetry } from '../transport/retry';
import { settle } from '../transport/settle';
import { EXTENSIONS, imageTypeOf } from './image-bytes';

/** `shoe-mask-0.png` for a mask of shoe.jpg: names that still say which photo they belong to once written to disk. */
function fileNameFor(baseName: string, mimeType: string): string {
	return `${baseName}.${EXTENSIONS[mimeType] ?? 'bin'}`;
}

/**
 * Stores one provider file as n8n binary data. data: URIs (sync mode) are decoded; URLs are fetched without the
 * API key and streamed into n8n's binary storage, checked on the way: an image signature, a size cap, a deadline.
 */
export async function storeImageFile(
	ctx: IExecuteSingleFunctions,
	http: ProviderHttp,
	file: ImageFile,
	baseName: string,
): Promise<IBinaryData> {
	if (file.url.startsWith('data:')) {
		const match = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(file.url);
		const data = match ? Buffer.from(match[3], match[2] ? 'base64' : 'utf8') : Buffer.alloc(0);
		const mimeType = imageTypeOf(data);
		if (!mimeType) throw notAnImage(http, baseName, 'a data URI');
		return await ctx.helpers.prepareBinaryData(data, fileNameFor(baseName, mimeType), mimeType);
	}
	// Only the web is fetched: a provider answer can never make the node read file:, ftp: or other schemes.
	if (!/^https?:\/\//i.test(file.url)) {
		throw new ProviderError(`${http.provider}: ${baseName} has a URL that is not http(s): ${file.url.slice(0, 40)}`, {
			provider: http.provider,
			stage: 'download',
			errorType: 'unsupported_url',
			retryableHint: false,
		});
	}
	// The node's Timeout setting (n8n request options) can only shorten the download deadline.
	const deadlineMs = Math.min(DOWNLOAD_TIMEOUT_MS, http.timeoutMs || DOWNLOAD_TIMEOUT_MS);
	return await withRetry('download', async () => await download(ctx, http, file, baseName, deadlineMs), { signal: http.signal });
}

async function download(
	ctx: IExecuteSingleFunctions,
	http: ProviderHttp,
	file: ImageFile,
	baseName: string,
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
	const body = response.body as AsyncIterable<Buffer> & { destroy(error?: Error): void; constructor: unknown };
	const claimed = String(response.headers['content-type'] ?? file.content_type ?? '').split(';')[0];
	const mimeType = claimed.startsWith('image/') ? claimed : (file.content_type ?? 'image/png');

	// The bytes are checked as they pass into n8n's storage: an image signature first, then a size cap.
	let received = 0;
	async function* checked(): AsyncGenerator<Buffer> {
		for await (const chunk of body) {
			if (received === 0 && !imageTypeOf(chunk)) throw notAnImage(http, baseName, file.url);
			received += chunk.length;
			if (received > DOWNLOAD_LIMIT_BYTES) {
				throw new ProviderError(`${http.provider}: ${baseName} is larger than ${DOWNLOAD_LIMIT_BYTES / MiB} MiB`, {
					provider: http.provider,
					stage: 'download',
					errorType: 'file_too_large',
					retryableHint: false,
				});
			}
			yield chunk;
		}
	}
	// The response's own stream class (node's Readable) turns the generator back into a stream, without importing
	// node:stream, which verified community nodes may not.
	const streamClass = body.constructor as { from(iterable: AsyncIterable<Buffer>): NodeJS.ReadableStream };
	const guarded = streamClass.from(checked());

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
	const stored = await settle(async () => {
		const storing = ctx.helpers.prepareBinaryData(guarded as never, fileNameFor(baseName, mimeType), mimeType);
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

function notAnImage(http: ProviderHttp, baseName: string, source: string): ProviderError {
	return new ProviderError(`${http.provider}: ${baseName} from ${source.slice(0, 120)} is not an image`, {
		provider: http.provider,
		stage: 'download',
		errorType: 'not_an_image',
		retryableHint: false,
	});
}
