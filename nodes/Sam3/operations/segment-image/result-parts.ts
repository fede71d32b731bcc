import type { IDataObject } from 'n8n-workflow';

import { MAX_EXTRA_FILES_PER_RESULT, MODEL_FIELD_LIMIT_BYTES } from '../../limits';
import type { ProviderArtifact } from '../../providers/provider';

/** The model output's fields the contract reads (masks, preview, per-mask extras, RLE): everything else is passed on. */
const CONTRACT_FIELDS = new Set(['masks', 'image', 'metadata', 'scores', 'boxes', 'rle']);

/** What of a provider's answer is a mask, the preview, another file, or another model field. */
export interface ResultParts {
	/** The model output, fal-shaped, with its masks and preview wherever the answer gave them. */
	output: unknown;
	/** The files the answer lists that are neither a mask nor the preview (an archive of the masks …). */
	files: ProviderArtifact[];
	/** The model's other fields (actual_prompt, description …), for the item's JSON. */
	modelData?: IDataObject;
}

const isObject = (value: unknown): value is IDataObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const isImage = (artifact: ProviderArtifact) => artifact.type === 'image' || /^image\//i.test(artifact.content_type ?? '');
const urlsOf = (list: unknown) => new Set((Array.isArray(list) ? list : []).map((entry) => (isObject(entry) ? entry.url : undefined)).filter(Boolean));

/**
 * Sorts a provider's answer into masks, preview, other files and other fields. fal puts all in its model output;
 * Runflow splits a run into artifacts (`outputs[]`) and model fields (`model_data`) and documents neither layout for
 * SAM 3 (docs/output.md says which is assumed):
 * - masks are the model's `masks`; a model output without any takes the image artifacts as its masks;
 * - the preview is the model's `image`; without one, and with Apply Mask on, the first image artifact that is no mask;
 * - every other artifact is a file of its own, at most MAX_EXTRA_FILES_PER_RESULT of them.
 */
export function sortResult(output: unknown, artifacts: ProviderArtifact[] = [], applyMask: boolean): ResultParts {
	if (!isObject(output)) return { output, files: [] };
	const model: IDataObject = { ...output };
	if (model.masks === undefined && artifacts.some(isImage)) model.masks = artifacts.filter(isImage) as unknown as IDataObject[];
	const maskUrls = urlsOf(model.masks);
	if (!isObject(model.image) && applyMask) {
		const preview = artifacts.find((artifact) => isImage(artifact) && !maskUrls.has(artifact.url));
		if (preview) model.image = preview as unknown as IDataObject;
	}
	const taken = new Set([...maskUrls, isObject(model.image) ? model.image.url : undefined]);
	const files: ProviderArtifact[] = [];
	for (const artifact of artifacts) {
		if (taken.has(artifact.url)) continue;
		taken.add(artifact.url);
		files.push(artifact);
	}
	if (files.length > MAX_EXTRA_FILES_PER_RESULT) {
		throw new Error(`unexpected SAM 3 output: it lists ${files.length} files besides the masks and preview; at most ${MAX_EXTRA_FILES_PER_RESULT} are read`);
	}
	return { output: model, files, modelData: modelFields(output) };
}

/** The model's fields the contract does not read, each bounded: a field too large to copy says so in its place. */
function modelFields(output: IDataObject): IDataObject | undefined {
	const fields = Object.entries(output)
		.filter(([key, value]) => !CONTRACT_FIELDS.has(key) && value !== undefined && value !== null)
		.map(([key, value]) => {
			const bytes = Buffer.byteLength(JSON.stringify(value) ?? '');
			return [key, bytes > MODEL_FIELD_LIMIT_BYTES ? `(left out: ${Math.ceil(bytes / 1024)} KiB, over ${MODEL_FIELD_LIMIT_BYTES / 1024} KiB)` : value];
		});
	return fields.length ? Object.fromEntries(fields) : undefined;
}
