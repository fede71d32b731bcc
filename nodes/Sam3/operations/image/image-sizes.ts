import type { IBinaryData, IExecuteSingleFunctions } from 'n8n-workflow';

import type { ImageFile } from '../../contract/sam3.schema';
import type { JobSettings } from '../../job/job-settings';
import { IMAGE_HEAD_BYTES, type ImageSize, imageSizeOf } from './image-dimensions';

/** The first bytes of a stored binary file, from memory (base64) or n8n's binary storage (a stream, cut short). */
async function headOf(ctx: IExecuteSingleFunctions, binary: IBinaryData, limit: number): Promise<Buffer> {
	if (!binary.id) {
		// base64: 4 characters hold 3 bytes.
		return Buffer.from((binary.data ?? '').slice(0, Math.ceil(limit / 3) * 4), 'base64');
	}
	const stream = await ctx.helpers.getBinaryStream(binary.id);
	const chunks: Buffer[] = [];
	let length = 0;
	for await (const chunk of stream as AsyncIterable<Buffer>) {
		chunks.push(chunk);
		length += chunk.length;
		if (length >= limit || imageSizeOf(Buffer.concat(chunks))) break;
	}
	stream.destroy();
	return Buffer.concat(chunks);
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
