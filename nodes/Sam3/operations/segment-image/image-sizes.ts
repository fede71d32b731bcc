import type { IBinaryData, IExecuteSingleFunctions } from 'n8n-workflow';

import type { ImageFile } from '../../contract/sam3.schema';
import type { ItemJob } from '../../job/item-job';
import type { JobSettings } from '../../job/job-settings';
import { DOWNLOAD_TIMEOUT_MS } from '../../limits';
import { readHead } from '../../transport/bounded-reader';
import { ExecutionCancelledError } from '../../transport/errors';
import { withRetry } from '../../transport/retry';
import { IMAGE_HEAD_BYTES, type ImageSize, imageSizeOf } from './image-dimensions';

/** The first bytes of a stored binary file, from memory (base64) or n8n's binary storage (a stream, cut short). */
async function headOf(ctx: IExecuteSingleFunctions, binary: IBinaryData, limit: number): Promise<Buffer> {
	if (!binary.id) {
		// base64: 4 characters hold 3 bytes.
		return Buffer.from((binary.data ?? '').slice(0, Math.ceil(limit / 3) * 4), 'base64');
	}
	const head = await readHead(await ctx.helpers.getBinaryStream(binary.id), { limitBytes: limit, enough: (bytes) => !!imageSizeOf(bytes) });
	return head.ok ? head.bytes : Buffer.alloc(0);
}

async function measure(ctx: IExecuteSingleFunctions, binary: IBinaryData): Promise<ImageSize | undefined> {
	try {
		return imageSizeOf(await headOf(ctx, binary, IMAGE_HEAD_BYTES));
	} catch {
		return undefined; // a size is extra information: an unreadable header only leaves it out
	}
}

/**
 * The input image's size: from the binary file's header when the image came in as a file. An image URL is fetched
 * by the provider, not by the node, and no provider reports the input's size (the preview is mask-sized): unknown.
 */
export async function inputImageSize(ctx: IExecuteSingleFunctions, settings: JobSettings): Promise<ImageSize | undefined> {
	if (settings.media.kind !== 'binary') return undefined;
	const binary = ctx.getInputData().binary?.[settings.media.property];
	return binary ? await measure(ctx, binary) : undefined;
}

/** A provider file's size: as the provider's JSON states it, else from the stored file's header. */
export async function imageFileSize(ctx: IExecuteSingleFunctions, file: ImageFile, stored?: IBinaryData): Promise<ImageSize | undefined> {
	if (file.width && file.height && file.width > 0 && file.height > 0) return { width: file.width, height: file.height };
	return stored ? await measure(ctx, stored) : undefined;
}

/**
 * An image URL's size, for what needs it before the job (RLE masks carry no size): a data: URI's header is
 * decoded; a web URL's first bytes (at most IMAGE_HEAD_BYTES) are fetched without the API key, as the provider
 * will fetch it, in a download slot, and the connection is closed as soon as the header shows the size.
 */
export async function imageUrlSize(job: ItemJob, url: string): Promise<ImageSize | undefined> {
	const data = /^data:[^,]*;base64,/i.exec(url);
	if (data) return imageSizeOf(Buffer.from(url.slice(data[0].length, data[0].length + Math.ceil(IMAGE_HEAD_BYTES / 3) * 4), 'base64'));
	const { http, batch, settings, signal } = job;
	const slots = batch.downloads(settings.maxConcurrency);
	// Before the job's slot, so before its Max Wait starts: bounded by Max Wait on its own.
	const timeoutMs = Math.min(DOWNLOAD_TIMEOUT_MS, http.timeoutMs || DOWNLOAD_TIMEOUT_MS, settings.maxWaitMs);
	const deadline = Date.now() + settings.maxWaitMs;
	const attempt = async () =>
		await slots(async () => {
			if (signal?.aborted) throw new ExecutionCancelledError();
			const begun = Date.now();
			const response = await http.public('download', { method: 'GET', url, encoding: 'stream', json: false, timeout: timeoutMs });
			// A server that sends the first bytes and then stalls is cut as a download is (transport/bounded-reader.ts).
			const head = await readHead(response.body, {
				limitBytes: IMAGE_HEAD_BYTES,
				enough: (bytes) => !!imageSizeOf(bytes),
				idleMs: timeoutMs,
				deadline: Math.min(deadline, begun + timeoutMs),
				signal,
			});
			if (!head.ok && head.why === 'stopped') throw new ExecutionCancelledError();
			if (!head.ok) throw http.networkError('download', head.error ?? Object.assign(new Error(`the image header did not arrive (${head.why})`), { code: 'ETIMEDOUT' }));
			return imageSizeOf(head.bytes);
		});
	return await withRetry('download', attempt, { signal, deadline });
}
