import { INLINE_LIMIT_BYTES, MiB, UPLOAD_LIMIT_BYTES } from '../limits';
import { withRetry } from '../transport/retry';
import { imageTypeOf } from './image-bytes';
import { inputError } from './input-errors';
import type { ItemJob } from './item-job';

/**
 * The image_url to send: a URL as given, or a binary file read through n8n's helpers (so files kept on disk by
 * n8n 2.x work) and sent inline as a data: URI or uploaded to the provider's storage first.
 */
export async function resolveImageUrl({ ctx, settings, adapter, http, signal, deadline }: ItemJob): Promise<string> {
	const { image } = settings;
	if (image.kind === 'url') return image.url;

	const itemIndex = ctx.getItemIndex();
	const field = `Input Binary Field "${image.property}"`;
	const item = ctx.getInputData();
	if (!item.binary?.[image.property]) {
		const present = Object.keys(item.binary ?? {});
		throw inputError(
			itemIndex,
			field,
			present.length
				? `the item has no binary field "${image.property}"; it has ${present.map((name) => `"${name}"`).join(', ')}`
				: 'the item has no binary data; connect a node that outputs a file (e.g. HTTP Request, Read Files)',
		);
	}
	const metadata = ctx.helpers.assertBinaryData(image.property);
	const data = await ctx.helpers.getBinaryDataBuffer(image.property);
	if (data.length === 0) {
		throw inputError(itemIndex, field, 'the file is empty (0 bytes); give an image file (PNG, JPEG, WebP, GIF, BMP or TIFF)');
	}
	if (data.length > UPLOAD_LIMIT_BYTES) {
		throw inputError(itemIndex, field, `the file is ${(data.length / MiB).toFixed(1)} MiB; the limit is ${UPLOAD_LIMIT_BYTES / MiB} MiB`);
	}
	const detected = imageTypeOf(data);
	if (!detected) {
		throw inputError(
			itemIndex,
			field,
			`the file is not an image SAM 3 can read (PNG, JPEG, WebP, GIF, BMP or TIFF); it claims to be ${metadata.mimeType || 'unknown'}`,
		);
	}
	const inline = settings.uploadMode === 'inline' || (settings.uploadMode === 'auto' && data.length <= INLINE_LIMIT_BYTES);
	if (inline) return `data:${detected};base64,${data.toString('base64')}`;

	const fileName = metadata.fileName ?? `image.${detected.split('/')[1]}`;
	return await withRetry('upload', async () => await adapter.upload(http, { data, mimeType: detected, fileName }), { signal, deadline });
}
