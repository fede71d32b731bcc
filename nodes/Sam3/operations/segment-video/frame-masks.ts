import type { IBinaryData } from 'n8n-workflow';

import { encodeBilevelPng, scanlineBytes } from '../../codecs/png-encode';
import { checkRle, decodeRleScanlines } from '../../codecs/rle-decode';
import type { VideoFrame } from '../../contract/normalize-video';
import type { ItemJob } from '../../job/item-job';
import { FRAME_MASK_FILES_LIMIT_BYTES, MiB } from '../../limits';
import { ProviderError } from '../../transport/errors';
import { settle } from '../../transport/settle';
import { inputError } from '../../job/input-errors';
import { MalformedMediaError } from '../../codecs/malformed';
import { type VideoFrameSize, videoFrameSize } from '../shared/video-dimensions';
import { storedVideoHead } from './video-head';

/** The binary field of frame `index`'s mask file. */
export const frameMaskField = (index: number) => `frame_${index}`;

/**
 * Mask Files per Frame: each frame's RLE decoded (strictly: codecs/rle-decode.ts) into a 1-bit PNG at the input
 * video's frame size as shown (a phone video's quarter turn applied), read from its header (fal's RLE carries no size). Bounded: the files of one item together
 * stay under FRAME_MASK_FILES_LIMIT_BYTES, checked before anything is decoded. A frame without a mask gets none.
 */
export async function frameMaskFiles(job: ItemJob, frames: VideoFrame[], stem: string): Promise<{ files: Array<IBinaryData | undefined>; size: VideoFrameSize }> {
	const { ctx, settings, adapter } = job;
	const failure = (message: string, errorType: string, field?: string) =>
		new ProviderError(`${adapter.label} result: ${message}`, { provider: adapter.label, stage: 'result', errorType, retryableHint: false, field });
	if (settings.media.kind !== 'binary') throw failure('Mask Files per Frame needs a binary video (its frame size)', 'frame_size_unknown');
	const size = job.mediaSize as VideoFrameSize | undefined;
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
			throw failure(`frame ${frame.frameIndex}'s mask (rle) is not valid for ${size.width}×${size.height}: ${(error as Error).message}`, 'malformed_rle', `rle[${frame.frameIndex}]`);
		}
		const png = encodeBilevelPng(size.width, size.height, scanlines);
		files.push(await ctx.helpers.prepareBinaryData(png, `${stem}-frame-${frame.frameIndex}.png`, 'image/png'));
	}
	return { files, size };
}

/**
 * Mask Files per Frame's frame size, read before the job (like an RLE image's size): a video whose headers do not
 * tell it, or contradict their format, costs no job and is the binary field's error. Undefined when the item has
 * no such binary (the media step names that).
 */
export async function frameSizeBeforeJob(job: ItemJob): Promise<VideoFrameSize | undefined> {
	const { ctx, settings } = job;
	if (settings.media.kind !== 'binary') return undefined;
	const binary = ctx.getInputData().binary?.[settings.media.property];
	if (!binary) return undefined;
	const field = `Input Binary Field "${settings.media.property}"`;
	const read = await settle(async () => videoFrameSize(await storedVideoHead(ctx, binary)));
	if (!read.ok && read.error instanceof MalformedMediaError) {
		throw inputError(ctx.getItemIndex(), field, `Mask Files per Frame needs the frame size, and the video's headers cannot be read: ${read.error.message}`);
	}
	if (!read.ok) throw read.error;
	if (!read.value) {
		throw inputError(ctx.getItemIndex(), field, "Mask Files per Frame needs the frame size, and the video's headers do not tell it: turn it off and decode frames[].rle downstream");
	}
	return read.value;
}

/** Any pixel index fal's RLE can hold (15 digits): checks a frame's RLE when no frame size is known. */
const UNSIZED = { width: Number.MAX_SAFE_INTEGER, height: 1 };

/**
 * Per-frame RLE handed on undecoded (no Mask Files per Frame) is still checked as far as it can be without the
 * frame size (whole numbers, pairs, from 1, ascending, not overlapping): a string that is not fal's RLE fails the
 * result as a decode would, naming the frame.
 */
export function checkFrameRle(job: ItemJob, frames: VideoFrame[]): void {
	for (const frame of frames) {
		if (frame.rle === undefined) continue;
		let problem: string | undefined;
		try {
			checkRle(frame.rle, UNSIZED);
		} catch (error) {
			problem = (error as Error).message;
		}
		if (problem === undefined) continue;
		throw new ProviderError(`${job.adapter.label} result: frame ${frame.frameIndex}'s mask (rle) is not valid RLE: ${problem}`, {
			provider: job.adapter.label,
			stage: 'result',
			errorType: 'malformed_rle',
			retryableHint: false,
			field: `rle[${frame.frameIndex}]`,
		});
	}
}

/** Whether the item asked for mask files per frame (Per-Frame Masks output only). */
export function wantsFrameMasks(job: ItemJob): boolean {
	return job.ctx.getNodeParameter('videoOutput', 'video') === 'rle' && job.ctx.getNodeParameter('frameMaskFiles', false) === true;
}
