import type { IBinaryData } from 'n8n-workflow';

import { encodeBilevelPng, scanlineBytes } from '../../codecs/png-encode';
import { type MaskSize, decodeRleScanlines } from '../../codecs/rle-decode';
import type { VideoFrame } from '../../contract/normalize-video';
import type { ItemJob } from '../../job/item-job';
import { FRAME_MASK_FILES_LIMIT_BYTES, MiB } from '../../limits';
import { ProviderError } from '../../transport/errors';
import { videoFrameSize } from './video-dimensions';

/** The binary field of frame `index`'s mask file. */
export const frameMaskField = (index: number) => `frame_${index}`;

/**
 * Mask Files per Frame: each frame's RLE decoded (strictly: codecs/rle-decode.ts) into a 1-bit PNG at the input
 * video's frame size, read from its header (fal's RLE carries no size). Bounded: the files of one item together
 * stay under FRAME_MASK_FILES_LIMIT_BYTES, checked before anything is decoded. A frame without a mask gets none.
 */
export async function frameMaskFiles(job: ItemJob, frames: VideoFrame[], stem: string): Promise<{ files: Array<IBinaryData | undefined>; size: MaskSize }> {
	const { ctx, settings, adapter } = job;
	const failure = (message: string, errorType: string) =>
		new ProviderError(`${adapter.label} result: ${message}`, { provider: adapter.label, stage: 'result', errorType, retryableHint: false });
	if (settings.media.kind !== 'binary') throw failure('Mask Files per Frame needs a binary video (its frame size)', 'frame_size_unknown');
	const size = videoFrameSize(await ctx.helpers.getBinaryDataBuffer(settings.media.property));
	if (!size) throw failure('Mask Files per Frame: the frame size could not be read from the input video\'s header', 'frame_size_unknown');
	const perFile = size.height * scanlineBytes(size.width) + 128;
	const total = perFile * frames.filter((frame) => frame.rle !== undefined).length;
	if (total > FRAME_MASK_FILES_LIMIT_BYTES) {
		throw failure(
			`Mask Files per Frame: ${frames.length} frames of ${size.width}×${size.height} would be ${(total / MiB).toFixed(0)} MiB of PNGs; the limit is ${FRAME_MASK_FILES_LIMIT_BYTES / MiB} MiB (turn it off and decode frames[].rle downstream)`,
			'file_too_large',
		);
	}
	const files: Array<IBinaryData | undefined> = [];
	for (const frame of frames) {
		if (frame.rle === undefined) {
			files.push(undefined);
			continue;
		}
		let scanlines: Buffer;
		try {
			scanlines = decodeRleScanlines(frame.rle, size);
		} catch (error) {
			throw failure(`frame ${frame.frameIndex}'s mask (rle) is not valid for ${size.width}×${size.height}: ${(error as Error).message}`, 'malformed_rle');
		}
		const png = encodeBilevelPng(size.width, size.height, scanlines);
		files.push(await ctx.helpers.prepareBinaryData(png, `${stem}-frame-${frame.frameIndex}.png`, 'image/png'));
	}
	return { files, size };
}

/** Whether the item asked for mask files per frame (Per-Frame Masks output only). */
export function wantsFrameMasks(job: ItemJob): boolean {
	return job.ctx.getNodeParameter('videoOutput', 'video') === 'rle' && job.ctx.getNodeParameter('frameMaskFiles', false) === true;
}
