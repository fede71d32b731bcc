import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { encodeBilevelPng, scanlineBytes } from '../../codecs/png-encode';
import { rleExtent } from '../../codecs/rle-box';
import { decodeRleScanlines } from '../../codecs/rle-decode';
import { TRACKS_ENDPOINT, type Track, type TracksOutput, tracksOf } from '../../contract/tracks.schema';
import { itemCost } from '../../job/cost';
import type { ItemJob } from '../../job/item-job';
import { type JobTiming, type OwnOutput, compact, keptInput, mediaStem } from '../../job/output-item';
import { FRAME_MASK_FILES_LIMIT_BYTES, MiB } from '../../limits';
import type { ProviderResult, Submission } from '../../providers/provider';
import { ProviderError } from '../../transport/errors';

/** How fal's per-frame RLE reads (sam3-family.md §6: as real runs show it), with the frame size the answer gives. */
const RLE_FORMAT = { pairs: 'start length', base: 1, order: 'row-major' };

const frameField = (index: number) => `frame_${index}`;

/** What Track Objects writes on an item; an earlier run's fields and files are dropped from a kept input. */
export const TRACKS_OUTPUT: OwnOutput = {
	jsonFields: ['provider', 'requestId', 'status', 'model', 'trackId', 'trackCount', 'frameCount', 'width', 'height', 'framesWithObject', 'firstFrame', 'lastFrame', 'frames', 'rleFormat', 'note', 'timing', 'cost', 'raw'],
	isEarlierResult: (json) => json.model === TRACKS_ENDPOINT.id && typeof json.requestId === 'string',
	isOwnBinary(name, { settings }, earlier) {
		const source = settings.media.kind === 'binary' ? settings.media.property : undefined;
		return earlier && name !== source && /^frame_\d+$/.test(name);
	},
};

/**
 * Track Objects' items: one per tracked object (its stable track id, the frames it is on, per frame its mask as
 * fal's RLE with the box and area it covers), so the next nodes can count, follow or cut each one; with Mask Files
 * per Frame, its mask on each frame as a PNG (`frame_<i>`), decoded at the answer's frame size. Nothing tracked:
 * one item saying so. Each item carries the job's estimated cost, shared by the job's items.
 */
export async function trackResultItems(
	job: ItemJob,
	submission: Submission,
	result: Omit<ProviderResult, 'output'> & { output: TracksOutput },
	frameMaskFiles: boolean,
	timing: JobTiming,
): Promise<INodeExecutionData[]> {
	const { ctx, settings, adapter } = job;
	const { output } = result;
	const failure = (message: string, errorType: string) =>
		new ProviderError(`${adapter.label} result: ${message}`, { provider: adapter.label, stage: 'result', errorType, retryableHint: false });
	const tracks = tracksOf(output);
	const size = { width: output.width, height: output.height };
	const stem = mediaStem(ctx, settings, 'video');
	const download = frameMaskFiles && settings.output.download;
	if (download) {
		const masks = tracks.reduce((sum, track) => sum + track.frames.length, 0);
		const total = masks * (size.height * scanlineBytes(size.width) + 128);
		if (total > FRAME_MASK_FILES_LIMIT_BYTES) {
			throw failure(
				`Mask Files per Frame: ${masks} masks of ${size.width}×${size.height} would be ${(total / MiB).toFixed(0)} MiB of PNGs; the limit is ${FRAME_MASK_FILES_LIMIT_BYTES / MiB} MiB (turn it off and decode frames[].rle downstream)`,
				'file_too_large',
			);
		}
	}
	const frameCount = output.num_frames ?? output.frames.length;
	// Said in the cost's basis, as Segment Video does, so a user can check the count the estimate used.
	const framesFrom = output.num_frames !== undefined ? "the answer's num_frames" : "the answer's per-frame results";
	const common = (json: IDataObject, items: number): IDataObject => ({
		...json,
		provider: adapter.label,
		requestId: submission.requestId,
		status: 'COMPLETED',
		model: TRACKS_ENDPOINT.id,
		trackCount: tracks.length,
		frameCount,
		width: size.width,
		height: size.height,
		timing: { ...timing, ...(result.timing ?? {}) },
		cost: itemCost(job, { reportedUsd: result.cost, learned: { frames: frameCount, framesFrom }, outputItems: items }),
	});
	const pairedItem = { item: ctx.getItemIndex() };
	const raw = settings.output.includeRaw ? (result.raw as IDataObject) : undefined;
	if (!tracks.length) {
		const { json, binary } = keptInput(job);
		const note = `No object matching the prompt was tracked in the video's ${frameCount} frames.`;
		return [{ json: compact({ ...common(json, 1), frames: [], note, raw }), binary: Object.keys(binary).length ? binary : undefined, pairedItem }];
	}
	const items: INodeExecutionData[] = [];
	for (const [position, track] of tracks.entries()) {
		const { json, binary } = keptInput(job);
		const frames = track.frames.map((frame) => frameJson(track, frame, size, failure));
		const masks = download ? await maskFiles(job, track, size, stem, failure) : {};
		const allBinary = { ...binary, ...masks };
		items.push({
			json: compact({
				...common(json, tracks.length),
				trackId: track.trackId,
				framesWithObject: frames.length,
				firstFrame: frames[0]?.frameIndex,
				lastFrame: frames[frames.length - 1]?.frameIndex,
				frames,
				rleFormat: { ...RLE_FORMAT, ...size },
				// The answer once per job, on its first item.
				raw: position === 0 ? raw : undefined,
			}),
			binary: Object.keys(allBinary).length ? allBinary : undefined,
			pairedItem,
		});
	}
	return items;
}

function frameJson(track: Track, frame: Track['frames'][number], size: { width: number; height: number }, failure: (message: string, type: string) => Error): IDataObject {
	try {
		const extent = rleExtent(frame.rle, size);
		return compact({ frameIndex: frame.frameIndex, rle: frame.rle, box: extent?.box, area: extent?.area ?? 0 });
	} catch (error) {
		throw failure(`track ${track.trackId}'s mask on frame ${frame.frameIndex} (rle) is not valid for ${size.width}×${size.height}: ${(error as Error).message}`, 'malformed_rle');
	}
}

async function maskFiles(
	job: ItemJob,
	track: Track,
	size: { width: number; height: number },
	stem: string,
	failure: (message: string, type: string) => Error,
): Promise<Record<string, IBinaryData>> {
	const files: Record<string, IBinaryData> = {};
	for (const frame of track.frames) {
		let scanlines: Buffer;
		try {
			scanlines = decodeRleScanlines(frame.rle, size);
		} catch (error) {
			throw failure(`track ${track.trackId}'s mask on frame ${frame.frameIndex} (rle) is not valid: ${(error as Error).message}`, 'malformed_rle');
		}
		const png = encodeBilevelPng(size.width, size.height, scanlines);
		files[frameField(frame.frameIndex)] = await job.ctx.helpers.prepareBinaryData(png, `${stem}-object-${track.trackId}-frame-${frame.frameIndex}.png`, 'image/png');
	}
	return files;
}
