import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { NormalizedVideoResult, VideoFrame } from '../../contract/normalize-video';
import type { VideoFile } from '../../contract/video.schema';
import type { ItemJob } from '../../job/item-job';
import type { MediaKind } from '../../job/media-input';
import { type JobTiming, type OwnOutput, compact, fileSizeOf, keptInput, mediaStem, providerFileJson } from '../../job/output-item';
import { type DownloadBounds, type StoredFile, storeProviderFiles } from '../../job/provider-files';
import { ExecutionCancelledError } from '../../transport/errors';
import { withoutUserInfo } from '../../transport/redact';
import { settle } from '../../transport/settle';
import type { Submission } from '../../providers/provider';
import { checkFrameRle, frameMaskField, frameMaskFiles, wantsFrameMasks } from './frame-masks';
import { videoItemCost } from './item-cost';
import { RLE_FILE_KIND, VIDEO_KIND, ZIP_KIND } from '../shared/video-bytes';
import type { VideoFrameSize } from '../shared/video-dimensions';

/** The binary fields Segment Video writes. */
const BINARY = { video: 'video', boundingBoxes: 'boundingBoxes', rle: 'rle' } as const;

/** How fal's per-frame RLE reads (sam3-family.md §6: as real runs show it; fal documents no more than "RLE"). */
const RLE_FORMAT = { pairs: 'start length', base: 1, order: 'row-major' };

/**
 * What Segment Video writes on an item; an earlier Segment Video's fields and files are dropped from a kept input
 * (only from an item such a run wrote: a user's own "video" field stays), never left beside the new ones.
 */
export const VIDEO_OUTPUT: OwnOutput = {
	jsonFields: ['provider', 'requestId', 'status', 'model', 'video', 'boundingBoxes', 'frameCount', 'frames', 'rleFormat', 'rleFile', 'warnings', 'timing', 'cost', 'raw'],
	isEarlierResult: (json) => typeof json.model === 'string' && /^fal-ai\/sam-3(-1)?\/video(-rle)?$/.test(json.model) && typeof json.requestId === 'string',
	isOwnBinary(name, { settings }, earlier) {
		const source = settings.media.kind === 'binary' ? settings.media.property : undefined;
		return earlier && name !== source && ((Object.values(BINARY) as string[]).includes(name) || /^frame_\d+$/.test(name));
	},
};

function fileJson(file: VideoFile, binaryProperty: string, stored?: StoredFile): IDataObject {
	return compact({ ...providerFileJson(file, binaryProperty, stored?.binary), fileSize: fileSizeOf(file, stored) });
}

/** The size the masks were decoded at; a quarter-turned phone video's turn, when its container declares one. */
const frameSizeJson = (size: VideoFrameSize | undefined) => size && compact({ width: size.width, height: size.height, rotation: size.rotation || undefined });

function frameJson(frame: VideoFrame, mask: IBinaryData | undefined): IDataObject {
	return compact({ frameIndex: frame.frameIndex, rle: frame.rle, box: frame.box, score: frame.score, binaryProperty: mask ? frameMaskField(frame.frameIndex) : undefined });
}

type WantedFile = { key: keyof typeof BINARY; file: VideoFile; baseName: string; kind: MediaKind; field: string };

/**
 * The answer's files as n8n binaries, by key. The boxes zip is an extra: when it cannot be had (not a zip, gone,
 * too large) it is dropped and named in `warnings`, the video and masks kept; any other file failing fails the item.
 */
async function storeVideoFiles(job: ItemJob, wanted: WantedFile[], bounds: DownloadBounds, warnings: string[]): Promise<Map<string, StoredFile>> {
	const { ctx, http } = job;
	const extra = wanted.filter((entry) => entry.key === 'boundingBoxes');
	const needed = wanted.filter((entry) => entry.key !== 'boundingBoxes');
	const [main, zip] = await Promise.all([
		settle(async () => await storeProviderFiles(ctx, http, needed, bounds)),
		settle(async () => await storeProviderFiles(ctx, http, extra, bounds)),
	]);
	if (!main.ok) throw main.error;
	if (!zip.ok && zip.error instanceof ExecutionCancelledError) throw zip.error;
	if (!zip.ok) warnings.push(`boundingbox_frames_zip dropped: ${withoutUserInfo((zip.error as Error).message)}`);
	const stored = [...needed.map((entry, index) => [entry.key, main.value[index]] as const), ...(zip.ok ? extra.map((entry, index) => [entry.key, zip.value[index]] as const) : [])];
	return new Map(stored);
}

/**
 * Segment Video's item: the result video, the per-frame boxes zip and (when fal answers it as a file) the masks
 * file as n8n binaries, downloaded through the job's bounded download path (no credential to the CDN); the JSON
 * a user maps from: model, files, and per frame its RLE mask, normalized [cx, cy, w, h] box and score.
 */
export async function videoResultItems(
	job: ItemJob,
	submission: Submission,
	endpointId: string,
	result: NormalizedVideoResult & { timing?: IDataObject },
	timing: JobTiming,
): Promise<INodeExecutionData[]> {
	const { ctx, settings, adapter, batch, signal, deadline } = job;
	const { output } = settings;
	const stem = mediaStem(ctx, settings, 'video');
	const wanted: WantedFile[] = [];
	if (result.video) wanted.push({ key: 'video', file: result.video, baseName: `${stem}-segmented`, kind: VIDEO_KIND, field: 'video' });
	if (result.boxesZip) wanted.push({ key: 'boundingBoxes', file: result.boxesZip, baseName: `${stem}-boxes`, kind: ZIP_KIND, field: 'boundingbox_frames_zip' });
	if (result.rleFile) wanted.push({ key: 'rle', file: result.rleFile, baseName: `${stem}-rle`, kind: RLE_FILE_KIND, field: 'rle' });
	const bounds = { slots: batch.downloads(settings.maxConcurrency), signal, deadline };
	const warnings = [...(result.warnings ?? [])];
	const stored = output.download ? await storeVideoFiles(job, wanted, bounds, warnings) : new Map<string, StoredFile>();
	const kept = wanted.filter((entry) => !output.download || stored.has(entry.key));
	const files = Object.fromEntries(kept.map((entry) => [entry.key, { file: entry.file, stored: stored.get(entry.key) }]));
	const describe = (key: keyof typeof BINARY) => (files[key] ? fileJson(files[key].file, BINARY[key], files[key].stored) : undefined);

	const decoded = output.download && result.frames && wantsFrameMasks(job) ? await frameMaskFiles(job, result.frames, stem) : undefined;
	if (result.frames && !decoded) checkFrameRle(job, result.frames);
	const masks = decoded?.files ?? [];
	const { json, binary } = keptInput(job);
	const frames = result.frames?.map((frame, index) => frameJson(frame, masks[index]));
	const priced = await videoItemCost(job, frames?.length, stored.get('video'));
	const item: IDataObject = compact({
		...json,
		provider: adapter.label,
		requestId: submission.requestId,
		status: 'COMPLETED',
		model: endpointId,
		video: describe('video'),
		boundingBoxes: describe('boundingBoxes'),
		rleFile: describe('rle'),
		frameCount: priced.frameCount,
		rleFormat: frames?.some((frame) => frame.rle !== undefined) || result.rleFile ? { ...RLE_FORMAT, ...frameSizeJson(decoded?.size) } : undefined,
		frames,
		warnings: warnings.length ? warnings : undefined,
		timing: { ...timing, ...(result.timing ?? {}) },
		cost: priced.cost,
		raw: output.includeRaw ? (result.raw as IDataObject) : undefined,
	});
	const ownBinary = Object.fromEntries(Object.entries(files).flatMap(([key, entry]) => (entry.stored ? [[BINARY[key as keyof typeof BINARY], entry.stored.binary]] : [])));
	const maskBinary = Object.fromEntries(masks.flatMap((mask, index) => (mask ? [[frameMaskField(result.frames![index].frameIndex), mask]] : [])));
	const allBinary = { ...binary, ...ownBinary, ...maskBinary };
	return [{ json: item, binary: Object.keys(allBinary).length ? allBinary : undefined, pairedItem: { item: ctx.getItemIndex() } }];
}
