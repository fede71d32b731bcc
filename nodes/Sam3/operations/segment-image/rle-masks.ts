import type { IBinaryData, IExecuteSingleFunctions } from 'n8n-workflow';

import { encodeBilevelPng } from '../../codecs/png-encode';
import { RleError, checkRle, decodeRleScanlines } from '../../codecs/rle-decode';
import { MAX_RLE_RESULT_PIXELS } from '../../limits';
import { ProviderError } from '../../transport/errors';
import type { ImageSize } from './image-dimensions';

const megapixels = (pixels: number) => `${(pixels / 1e6).toFixed(1)} MP`;

function rleProblem(provider: string, message: string, errorType: string, field?: string): ProviderError {
	return new ProviderError(`${provider} result: ${message}`, { provider, stage: 'result', errorType, retryableHint: false, field });
}

/**
 * The RLE answer's masks as PNG files, the same pixels URL mode's mask files have (white object on black, the
 * input image's size). One mask is decoded, encoded and stored at a time, so at most one is held in memory; the
 * whole answer is checked against MAX_RLE_RESULT_PIXELS before the first is decoded. A string that is not valid
 * RLE fails the result, naming the mask and what is wrong.
 */
export async function storeRleMasks(
	ctx: IExecuteSingleFunctions,
	provider: string,
	masks: Array<{ rle: string }>,
	size: ImageSize,
	baseName: (index: number) => string,
): Promise<IBinaryData[]> {
	const pixels = size.width * size.height;
	if (masks.length * pixels > MAX_RLE_RESULT_PIXELS) {
		throw rleProblem(
			provider,
			`${masks.length} RLE masks of ${size.width}×${size.height} are ${megapixels(masks.length * pixels)}, more than the ${megapixels(MAX_RLE_RESULT_PIXELS)} the node decodes from one answer`,
			'rle_too_large',
		);
	}
	const stored: IBinaryData[] = [];
	for (const [index, mask] of masks.entries()) {
		const scanlines = readRle(provider, masks.length, index, () => decodeRleScanlines(mask.rle, size), size);
		const png = encodeBilevelPng(size.width, size.height, scanlines);
		stored.push(await ctx.helpers.prepareBinaryData(png, `${baseName(index)}.png`, 'image/png'));
	}
	return stored;
}

/**
 * Download Masks off: the RLE strings go to the next node as they came, so they are checked as strictly as a
 * decode would (no bitmap made): a string that is not valid RLE for the image fails the result the same way.
 */
export function checkRleMasks(provider: string, masks: Array<{ rle: string }>, size: ImageSize): void {
	for (const [index, mask] of masks.entries()) readRle(provider, masks.length, index, () => checkRle(mask.rle, size), size);
}

function readRle<T>(provider: string, count: number, index: number, read: () => T, size: ImageSize): T {
	try {
		return read();
	} catch (error) {
		// RleError names what is wrong; anything else would be a bug of the decoder's, reported the same way.
		const problem = error instanceof RleError ? error.message : String(error);
		throw rleProblem(provider, `mask ${index} (rle${count > 1 ? `[${index}]` : ''}) is not valid RLE for the ${size.width}×${size.height} image: ${problem}`, 'malformed_rle', count > 1 ? `rle[${index}]` : 'rle');
	}
}
