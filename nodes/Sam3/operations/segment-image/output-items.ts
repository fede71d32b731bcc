import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { NormalizedMask, NormalizedResult } from '../../contract/normalize';
import type { ImageFile } from '../../contract/sam3.schema';
import { itemCost } from '../../job/cost';
import type { ItemJob } from '../../job/item-job';
import { type JobTiming, type OwnOutput, compact, fileSizeOf, keptInput, mediaStem, providerFileJson } from '../../job/output-item';
import { type StoredFile, storeProviderFiles } from '../../job/provider-files';
import type { ProviderArtifact, Submission } from '../../providers/provider';
import { IMAGE_KIND, REPORTED_FILE_KIND } from '../shared/image-bytes';
import { maskOutputOptions } from './mask-output-options';
import type { ImageSize } from './image-dimensions';
import { imageFileSize, inputImageSize } from './image-sizes';
import { maskBoxes } from './mask-geometry';
import type { ResultParts } from './result-parts';
import { checkRleMasks, storeRleMasks } from './rle-masks';

/** The same JSON for both providers: what a workflow builder maps from, whichever provider ran the job. */
function fileJson(file: ImageFile, binaryProperty: string | undefined, binary?: IBinaryData): IDataObject {
	return compact({ ...providerFileJson(file, binaryProperty, binary), width: file.width ?? undefined, height: file.height ?? undefined });
}

/** A result as this operation reads it: masks and preview, and the provider's other files and model fields. */
export type ImageResult = NormalizedResult & Pick<ResultParts, 'files' | 'modelData'>;

/** Binary field of the provider's other files: file_0, file_1 … (never the masks' prefix, never "image"). */
const FILE_PREFIX = 'file_';

/** Another file the provider reported: its type as the provider names it, its size, URL and binary field. */
function reportedFileJson(file: ProviderArtifact, index: number, stored: StoredFile | undefined): IDataObject {
	return compact({
		index,
		type: file.type,
		...providerFileJson(file, `${FILE_PREFIX}${index}`, stored?.binary),
		fileSize: fileSizeOf(file, stored),
		width: file.width,
		height: file.height,
	});
}

function maskJson(
	mask: NormalizedMask,
	index: number,
	binaryProperty: string,
	binary: IBinaryData | undefined,
	sizes: { mask?: ImageSize; input?: ImageSize },
): IDataObject {
	const { box, pixelBox, crop } = maskBoxes(mask.box, sizes);
	const file =
		'rle' in mask
			? compact({
					binaryProperty: binary ? binaryProperty : undefined,
					mimeType: binary?.mimeType,
					fileName: binary?.fileName,
					// Not decoded (Download Masks off): the string as fal sent it, with what reading it takes.
					rle: binary ? undefined : { counts: mask.rle, ...sizes.mask, order: 'row-major', base: 1 },
				})
			: fileJson(mask, binaryProperty, binary);
	return compact({ index, score: mask.score, box, pixelBox, crop, ...file, width: sizes.mask?.width, height: sizes.mask?.height });
}

/**
 * What Segment Image writes on an item. Its prefix's numbered fields (mask_0, mask_1 …) are this run's masks:
 * whatever a kept input holds there is dropped, so the output holds exactly this run's masks (a second SAM 3 node
 * that finds fewer masks leaves no stale mask_2), even when a node in between rewrote the JSON. An item an earlier
 * SAM 3 node wrote (known by its JSON) also loses that node's fields, preview, other files (file_0 …) and split
 * field; a user's own "image" or "status" field on any other item stays. The image being segmented is never dropped.
 */
export const IMAGE_OUTPUT: OwnOutput = {
	jsonFields: [
		...['provider', 'requestId', 'status', 'maskCount', 'masks', 'mask', 'maskIndex', 'image', 'files', 'modelData'],
		...['timing', 'cost', 'nsfwDetected', 'seed', 'raw', 'width', 'height'],
	],
	isEarlierResult: (json) => typeof json.maskCount === 'number' && (Array.isArray(json.masks) || json.mask !== undefined),
	isOwnBinary(name, { ctx, settings }, earlier) {
		const prefix = maskOutputOptions(ctx).binaryPrefix;
		if (settings.media.kind === 'binary' && name === settings.media.property) return false;
		const numbered = (start: string) => name.startsWith(start) && /^\d+$/.test(name.slice(start.length));
		if (numbered(prefix)) return true;
		if (!earlier) return false;
		const splitName = prefix.replace(/_$/, '') || 'mask';
		return name === 'image' || name === splitName || numbered('mask_') || numbered(FILE_PREFIX);
	},
};

export async function resultItems(
	job: ItemJob,
	submission: Submission,
	result: ImageResult,
	timing: JobTiming,
): Promise<INodeExecutionData[]> {
	const { ctx, settings, adapter } = job;
	const output = { ...settings.output, ...maskOutputOptions(ctx) };
	const itemIndex = ctx.getItemIndex();
	const stem = mediaStem(ctx, settings, 'image');
	const maskNames = result.masks.map((_, index) => (output.split ? output.binaryPrefix.replace(/_$/, '') || 'mask' : `${output.binaryPrefix}${index}`));
	const { maskFiles, preview, reportedFiles, maskSizes, inputSize } = await storeMasks(job, result, stem);
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
		// The input image's size, which every mask's `crop` is in.
		...(inputSize ? { width: inputSize.width, height: inputSize.height } : {}),
		image: result.image ? fileJson(result.image, 'image', preview) : undefined,
		files: result.files.length ? result.files.map((file, index) => reportedFileJson(file, index, reportedFiles[index])) : undefined,
		modelData: result.modelData,
		timing: { ...timing, ...(result.timing ?? {}) },
		cost: itemCost(job, { reportedUsd: result.cost, outputItems: output.split ? masks.length : 1 }),
		nsfwDetected: result.nsfwDetected,
		seed: result.seed,
		raw: output.includeRaw ? (result.raw as IDataObject) : undefined,
	});
	const sharedBinary: Record<string, IBinaryData> = {
		...(preview ? { image: preview } : {}),
		...Object.fromEntries(reportedFiles.flatMap((file, index) => (file ? [[`${FILE_PREFIX}${index}`, file.binary]] : []))),
	};
	const pairedItem = { item: itemIndex };

	if (output.split && masks.length) {
		return masks.map((mask, index) => ({
			json: { ...common, maskIndex: index, mask },
			binary: { ...binary, ...sharedBinary, ...(maskFiles[index] ? { [maskNames[index]]: maskFiles[index] } : {}) },
			pairedItem,
		}));
	}
	const maskBinary = Object.fromEntries(maskFiles.map((file, index) => [maskNames[index], file]));
	const allBinary = { ...binary, ...sharedBinary, ...maskBinary };
	return [{ json: { ...common, masks }, binary: Object.keys(allBinary).length ? allBinary : undefined, pairedItem }];
}

interface StoredMasks {
	maskFiles: IBinaryData[];
	preview?: IBinaryData;
	/** The provider's other files, by their index in the result's `files` (none with Download Masks off). */
	reportedFiles: StoredFile[];
	maskSizes: Array<ImageSize | undefined>;
	/** The input image's size: from its file, or what the masks tell of it (see inputSizeOf). */
	inputSize?: ImageSize;
}

/**
 * The masks (and preview, and the provider's other files) as n8n files: downloaded (URL mode) or decoded (RLE),
 * and the sizes they tell.
 */
async function storeMasks(job: ItemJob, result: ImageResult, stem: string): Promise<StoredMasks> {
	const { ctx, http, settings, batch, signal, deadline } = job;
	const { output } = settings;
	const bounds = { slots: batch.downloads(settings.maxConcurrency), signal, deadline };
	const reported = result.files.map((file, index) => ({ file, baseName: `${stem}-file-${index}`, kind: REPORTED_FILE_KIND }));
	if (job.mediaSize) {
		// RLE: prepare() read the input's size before the job (the answer has none), and the masks are decoded at it.
		const size = job.mediaSize;
		const rle = result.masks.filter((mask): mask is Extract<NormalizedMask, { rle: string }> => 'rle' in mask);
		if (!output.download) checkRleMasks(http.provider, rle, size);
		const maskFiles = output.download ? await storeRleMasks(ctx, http.provider, rle, size, (index) => `${stem}-mask-${index}`) : [];
		const reportedFiles = output.download && reported.length ? await storeProviderFiles(ctx, http, reported, bounds) : [];
		return { maskFiles, reportedFiles, maskSizes: rle.map(() => size), inputSize: size };
	}
	const urlMasks = result.masks as ImageFile[];
	const files = urlMasks.map((mask, index) => ({ file: mask, baseName: `${stem}-mask-${index}`, kind: IMAGE_KIND, field: `masks[${index}]` }));
	if (result.image) files.push({ file: result.image, baseName: `${stem}-preview`, kind: IMAGE_KIND, field: 'image' });
	// One download set: the first failure stops the others, whichever file it is.
	const stored = output.download ? await storeProviderFiles(ctx, http, [...files, ...reported], bounds) : [];
	const maskFiles = stored.slice(0, urlMasks.length).map((file) => file.binary);
	const reportedFiles = stored.slice(files.length);
	const [binaryInputSize, maskSizes] = await Promise.all([
		inputImageSize(ctx, settings),
		Promise.all(urlMasks.map(async (mask, index) => await imageFileSize(ctx, mask, maskFiles[index]))),
	]);
	return {
		maskFiles,
		preview: result.image ? stored[urlMasks.length]?.binary : undefined,
		reportedFiles,
		maskSizes,
		inputSize: binaryInputSize ?? inputSizeOf(maskSizes),
	};
}

/**
 * An image URL's size, from its masks: fal and Runflow return masks at the input's size, so masks that agree on
 * one size carry it (the node never fetches the image for this). Masks of different sizes tell nothing.
 */
function inputSizeOf(maskSizes: Array<ImageSize | undefined>): ImageSize | undefined {
	const [first] = maskSizes;
	if (!first || !maskSizes.every((size) => size?.width === first.width && size.height === first.height)) return undefined;
	return first;
}
