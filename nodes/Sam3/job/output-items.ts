import type { IBinaryData, IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import type { NormalizedResult } from '../contract/normalize';
import type { ImageFile } from '../contract/sam3.schema';
import type { Submission } from '../providers/provider';
import { withoutUserInfoIn } from '../transport/redact';
import type { ItemJob } from './item-job';
import type { JobSettings } from './job-settings';
import type { ImageSize } from './image-dimensions';
import { imageFileSize, inputImageSize } from './image-sizes';
import { storeImageFiles } from './mask-files';
import { maskBoxes } from './mask-geometry';

export interface JobTiming {
	totalMs: number;
	queueMs?: number;
	polls?: number;
}

/** Leaves out what the provider did not report, so items show only real values. */
function compact(json: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(json).filter(([, value]) => value !== undefined));
}

/** The same JSON for both providers: what a workflow builder maps from, whichever provider ran the job. */
function fileJson(file: ImageFile, binaryProperty: string | undefined, binary?: IBinaryData): IDataObject {
	return compact({
		binaryProperty: binary ? binaryProperty : undefined,
		// A data: URI (Sync Mode) is the file itself: left out once it is stored as binary, the only copy otherwise.
		url: file.url.startsWith('data:') && binary ? undefined : withoutUserInfoIn(file.url),
		mimeType: binary?.mimeType ?? file.content_type ?? undefined,
		fileName: binary?.fileName ?? file.file_name ?? undefined,
		width: file.width ?? undefined,
		height: file.height ?? undefined,
	});
}

function maskJson(
	mask: NormalizedResult['masks'][number],
	index: number,
	binaryProperty: string,
	binary: IBinaryData | undefined,
	sizes: { mask?: ImageSize; input?: ImageSize },
): IDataObject {
	const { box, pixelBox, crop } = maskBoxes(mask.box, sizes);
	return compact({
		index,
		score: mask.score,
		box,
		pixelBox,
		crop,
		...fileJson(mask, binaryProperty, binary),
		width: sizes.mask?.width,
		height: sizes.mask?.height,
	});
}

/** The JSON fields this node writes: an earlier SAM 3 node's are dropped from a kept input, not left beside the new ones. */
const OWN_JSON_FIELDS = ['provider', 'requestId', 'status', 'maskCount', 'masks', 'mask', 'maskIndex', 'image', 'timing', 'cost', 'nsfwDetected', 'seed', 'raw', 'width', 'height'];

function baseItem(ctx: IExecuteSingleFunctions, settings: JobSettings): { json: IDataObject; binary: Record<string, IBinaryData> } {
	const input = ctx.getInputData();
	if (!settings.output.keepInput) return { json: {}, binary: {} };
	const json = { ...input.json };
	// Only an item an earlier SAM 3 node wrote is cleaned: a user's own "image" or "status" field stays.
	const earlierResult = typeof json.maskCount === 'number' && (Array.isArray(json.masks) || json.mask !== undefined);
	if (!earlierResult) return { json, binary: { ...(input.binary ?? {}) } };
	for (const field of OWN_JSON_FIELDS) delete json[field];
	// Mask files (prefix + index, or the split field) and the preview: the new result's replace them all.
	const prefix = settings.output.binaryPrefix;
	const splitName = prefix.replace(/_$/, '') || 'mask';
	const source = settings.image.kind === 'binary' ? settings.image.property : undefined;
	const isOwn = (name: string) =>
		name !== source &&
		(name === 'image' || name === splitName || [prefix, 'mask_'].some((start) => name.startsWith(start) && /^\d+$/.test(name.slice(start.length))));
	const binary = Object.fromEntries(Object.entries(input.binary ?? {}).filter(([name]) => !isOwn(name)));
	return { json, binary };
}

/** The input image's name without extension (from the binary file or the URL path), to name its masks after. */
function inputStem(ctx: IExecuteSingleFunctions, settings: JobSettings): string {
	const { image } = settings;
	let name = '';
	if (image.kind === 'binary') name = ctx.getInputData().binary?.[image.property]?.fileName ?? '';
	else if (/^https?:/i.test(image.url)) name = lastPathSegment(image.url);
	const stem = name.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_').slice(0, 80);
	return stem || 'image';
}

function lastPathSegment(url: string): string {
	try {
		return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
	} catch {
		return '';
	}
}

export function submissionItem({ ctx, settings, adapter }: ItemJob, submission: Submission): INodeExecutionData {
	const { json, binary } = baseItem(ctx, settings);
	return {
		json: { ...json, provider: adapter.label, requestId: submission.requestId, status: submission.status, ...submission.links },
		binary: Object.keys(binary).length ? binary : undefined,
		pairedItem: { item: ctx.getItemIndex() },
	};
}

export async function resultItems(
	{ ctx, http, settings, adapter, batch, signal, deadline }: ItemJob,
	submission: Submission,
	result: NormalizedResult,
	timing: JobTiming,
): Promise<INodeExecutionData[]> {
	const { output } = settings;
	const itemIndex = ctx.getItemIndex();
	const stem = inputStem(ctx, settings);
	const bounds = { slots: batch.downloads(settings.maxConcurrency), signal, deadline };
	const maskNames = result.masks.map((_, index) => (output.split ? output.binaryPrefix.replace(/_$/, '') || 'mask' : `${output.binaryPrefix}${index}`));
	const files = result.masks.map((mask, index) => ({ file: mask, baseName: `${stem}-mask-${index}` }));
	if (result.image) files.push({ file: result.image, baseName: `${stem}-preview` });
	const stored = output.download ? await storeImageFiles(ctx, http, files, bounds) : [];
	const maskFiles = stored.slice(0, result.masks.length);
	const preview = result.image ? stored[result.masks.length] : undefined;
	const [inputSize, maskSizes] = await Promise.all([
		inputImageSize(ctx, settings),
		Promise.all(result.masks.map(async (mask, index) => await imageFileSize(ctx, mask, maskFiles[index]))),
	]);
	const masks = result.masks.map((mask, index) =>
		maskJson(mask, index, maskNames[index], maskFiles[index], { mask: maskSizes[index], input: inputSize }),
	);

	const { json, binary } = baseItem(ctx, settings);
	const common: IDataObject = compact({
		...json,
		provider: adapter.label,
		requestId: submission.requestId,
		status: 'COMPLETED',
		maskCount: masks.length,
		// The input image's size, which every mask's `crop` is in (unknown for image URLs: see image-sizes.ts).
		...(inputSize ? { width: inputSize.width, height: inputSize.height } : {}),
		image: result.image ? fileJson(result.image, 'image', preview) : undefined,
		timing: { ...timing, ...(result.timing ?? {}) },
		cost: result.cost,
		nsfwDetected: result.nsfwDetected,
		seed: result.seed,
		raw: output.includeRaw ? (result.raw as IDataObject) : undefined,
	});
	const previewBinary: Record<string, IBinaryData> = preview ? { image: preview } : {};
	const pairedItem = { item: itemIndex };

	if (output.split && masks.length) {
		return masks.map((mask, index) => ({
			json: { ...common, maskIndex: index, mask },
			binary: { ...binary, ...previewBinary, ...(maskFiles[index] ? { [maskNames[index]]: maskFiles[index] } : {}) },
			pairedItem,
		}));
	}
	const maskBinary = Object.fromEntries(maskFiles.map((file, index) => [maskNames[index], file]));
	const allBinary = { ...binary, ...previewBinary, ...maskBinary };
	return [{ json: { ...common, masks }, binary: Object.keys(allBinary).length ? allBinary : undefined, pairedItem }];
}
