import type { ItemJob } from '../../job/item-job';
import { inputError } from '../../job/input-errors';
import { MAX_RLE_IMAGE_PIXELS } from '../../limits';
import { ExecutionCancelledError } from '../../transport/errors';
import { settle } from '../../transport/settle';
import type { ImageSize } from './image-dimensions';
import { imageUrlSize, inputImageSize } from './image-sizes';

/**
 * The size RLE masks are decoded at: the input image's, as fal's RLE answer carries none (sam3-family.md §3, §6).
 * A binary file's header tells it; for an image URL the node reads the image's first bytes (its header) itself.
 * Read before the job starts: an image whose size cannot be known, or too large to decode, costs no job.
 */
export async function rleImageSize(job: ItemJob): Promise<ImageSize> {
	const { ctx, settings } = job;
	const itemIndex = ctx.getItemIndex();
	const { media } = settings;
	const field = media.kind === 'binary' ? `Input Binary Field "${media.property}"` : 'Image URL';
	const read = await settle(async () => (media.kind === 'binary' ? await inputImageSize(ctx, settings) : await imageUrlSize(job, media.url)));
	if (!read.ok) {
		if (read.error instanceof ExecutionCancelledError) throw read.error;
		throw inputError(itemIndex, field, `Mask Delivery RLE needs the image's size, and reading the image's header failed (${(read.error as Error).message})`);
	}
	const size = read.value;
	if (!size) {
		throw inputError(
			itemIndex,
			field,
			"Mask Delivery RLE needs the image's size, and the image's header does not tell it (PNG, JPEG, WebP, GIF and BMP do; TIFF does not): choose Mask Delivery URLs",
		);
	}
	if (size.width * size.height > MAX_RLE_IMAGE_PIXELS) {
		throw inputError(
			itemIndex,
			field,
			`the image is ${size.width}×${size.height}, more than the ${MAX_RLE_IMAGE_PIXELS / 1e6} MP the node decodes RLE masks at: choose Mask Delivery URLs`,
		);
	}
	return size;
}
