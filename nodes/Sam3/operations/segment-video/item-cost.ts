import type { IDataObject } from 'n8n-workflow';

import { MalformedMediaError, parsing } from '../../codecs/malformed';
import { itemCost } from '../../job/cost';
import type { ItemJob } from '../../job/item-job';
import type { StoredFile } from '../../job/provider-files';
import { settle } from '../../transport/settle';
import { videoFrameCount } from '../shared/video-dimensions';
import { storedVideoHead } from './video-head';

/** How a user gets an estimate when the node has no frame count. */
const DOWNLOAD_HINT = 'turn on Options > Download Masks to have it read from the result video';
const BINARY_HINT = 'give the video as a binary file to have it read from its container';

/** The item's `cost`, and the input video's frame count when the node could count it (the item's `frameCount`). */
export interface VideoItemCost {
	cost: IDataObject;
	frameCount?: number;
}

/**
 * Segment Video's `cost`. fal bills per 16 frames of the input video; the node counts them, in this order, from
 * the answer's per-frame masks, a binary video's container (read before the job), or the downloaded result video's
 * container — fal's segmented video has the input's frames, so a video given by URL with the plain video output
 * is priced too. Without a count the item says why and what to change; a result video whose headers do not tell
 * it, or make no sense, only costs the estimate: the item itself is fine. The count found is also the item's
 * `frameCount`, whichever way it was read, so a next node or an AI Agent has it with every video output.
 */
export async function videoItemCost(job: ItemJob, frameCount: number | undefined, video: StoredFile | undefined): Promise<VideoItemCost> {
	if (frameCount !== undefined) return { cost: itemCost(job, { learned: { frames: frameCount, framesFrom: "the answer's per-frame masks" } }), frameCount };
	const before = job.cost?.quantity?.frames;
	if (before !== undefined) return { cost: itemCost(job), frameCount: before };
	const unknown = (framesUnknown: string) => ({ cost: itemCost(job, { framesUnknown }) });
	const fromBinary = job.settings.media.kind === 'binary';
	if (!job.settings.output.download) return unknown(fromBinary ? DOWNLOAD_HINT : `${DOWNLOAD_HINT}, or give the video as a binary file`);
	if (!video) return unknown(fromBinary ? "neither the video's container nor fal's answer tells it" : BINARY_HINT);
	const counted = await resultVideoFrames(job, video);
	if (typeof counted === 'number') return { cost: itemCost(job, { learned: { frames: counted, framesFrom: "the result video's container" } }), frameCount: counted };
	const silent = `the result video's container does not tell it${counted ? ` (${counted})` : ''}`;
	return unknown(fromBinary ? `${silent}, nor does the input video's` : `${silent}; ${BINARY_HINT}`);
}

/**
 * The stored result video's frame count, or why not. Read from n8n's binary storage through the same bounded
 * header reader as the input video (video-head.ts: only `ftyp`/`moov`, at most 32 MiB, or Matroska's first 2 MiB;
 * a `moov` at the end is reached by skipping, not holding, the media): no second download, and neither n8n's
 * getBinaryDataBuffer nor a count inside the shared download path, which would hold a 512 MiB file in memory or
 * teach every download one operation's concern.
 */
async function resultVideoFrames({ ctx }: ItemJob, video: StoredFile): Promise<number | string | undefined> {
	const read = await settle(async () => await storedVideoHead(ctx, video.binary));
	if (!read.ok && read.error instanceof MalformedMediaError) return read.error.message;
	if (!read.ok) throw read.error;
	try {
		return parsing('video', () => videoFrameCount(read.value));
	} catch (error) {
		return (error as Error).message;
	}
}
