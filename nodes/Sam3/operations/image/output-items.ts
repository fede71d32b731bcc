import type { IBinaryData, IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import type { NormalizedResult } from '../../contract/normalize';
import type { ImageFile } from '../../contract/sam3.schema';
import type { ItemJob } from '../../job/item-job';
import type { JobSettings } from '../../job/job-settings';
import { type JobTiming, compact, keptInput } from '../../job/output-item';
import { storeProviderFiles } from '../../job/provider-files';
import type { Submission } from '../../providers/provider';
import { withoutUserInfoIn } from '../../transport/redact';
import type { OwnOutput } from '../operation';
import { IMAGE_KIND } from './image-bytes';
import type { ImageSize } from './image-dimensions';
import { imageFileSize, inputImageSize } from './image-sizes';
import { maskBoxes } from './mask-geometry';

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

/**
 * What Segment Image writes on an item: an earlier SAM 3 node's fields and files are dropped from a kept input,
 * not left beside the new ones. Only an item an earlier SAM 3 node wrote is cleaned: a user's own "image" or
 * "status" field stays.
 */
export const IMAGE_OUTPUT: OwnOutput = {
	jsonFields: ['provider', 'requestId', 'status', 'maskCount', 'masks', 'mask', 'maskIndex', 'image', 'timing', 'cost', 'nsfwDetected', 'seed', 'raw', 'width', 'height'],
	isEarlierResult: (json) => typeof json.maskCount === 'number' && (Array.isArray(json.masks) || json.mask !== undefined),
	isOwnBinary(name, { settings }, earlier) {
		if (!earlier) return false;
		// Mask files (prefix + index, or the split field) and the preview: the new result's replace them all.
		const prefix = settings.output.binaryPrefix;
		const splitName = prefix.replace(/_$/, '') || 'mask';
		const source = settings.media.kind === 'binary' ? settings.media.property : undefined;
		return (
			name !== source &&
			(name === 'image' || name === splitName || [prefix, 'mask_'].some((start) => name.startsWith(start) && /^\d+$/.test(name.slice(start.length))))
		);
	},
};

/** The input image's name without extension (from the binary file or the URL path), to name its masks after. */
function inputStem(ctx: IExecuteSingleFunctions, settings: JobSettings): string {
	const { media } = settings;
	let name = '';
	if (media.kind === 'binary') name = ctx.getInputData().binary?.[media.property]?.fileName ?? '';
	else if (/^https?:/i.test(media.url)) name = lastPathSegment(media.url);
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

export async function resultItems(
	job: ItemJob,
	submission: Submission,
	result: NormalizedResult,
	timing: JobTiming,
): Promise<INodeExecutionData[]> {
	const { ctx, http, settings, adapter, batch, signal, deadline } = job;
	const { output } = settings;
	const itemIndex = ctx.getItemIndex();
	const stem = inputStem(ctx, settings);
	const bounds = { slots: batch.downloads(settings.maxConcurrency), signal, deadline };
	const maskNames = result.masks.map((_, index) => (output.split ? output.binaryPrefix.replace(/_$/, '') || 'mask' : `${output.binaryPrefix}${index}`));
	const files = result.masks.map((mask, index) => ({ file: mask, baseName: `${stem}-mask-${index}`, kind: IMAGE_KIND }));
	if (result.image) files.push({ file: result.image, baseName: `${stem}-preview`, kind: IMAGE_KIND });
	const stored = output.download ? await storeProviderFiles(ctx, http, files, bounds) : [];
	const maskFiles = stored.slice(0, result.masks.length);
	const preview = result.image ? stored[result.masks.length] : undefined;
	const [inputSize, maskSizes] = await Promise.all([
		inputImageSize(ctx, settings),
		Promise.all(result.masks.map(async (mask, index) => await imageFileSize(ctx, mask, maskFiles[index]))),
	]);
	const masks = result.masks.map((mask, index) =>
		maskJson(mask, index, maskNames[index], maskFiles[index], { mask: maskSizes[index], input: inputSize }),
	);

	const { json, binary } = keptInput(job);
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
