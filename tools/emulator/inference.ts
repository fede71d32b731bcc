/** One SAM 3 "inference": input image + prompts -> fal's output object, files stored on the file host. */
import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import type { FileStore } from './files';
import { ImageLoadError, loadInputImage } from './image-input';
import { CONTENT_TYPES, encodeMask, normalizedBox, rasterize, renderPreview } from './masks';
import { productScene } from './product-scene';
import { encodeRle, rleField } from './rle';
import { effectivePrompt, type Sam3Input } from './schema';
import { scaleRegion, segment, selectRegions } from './segmentation';
import type { RunflowOutputOptions } from './runflow-routes';
import type { Large3dOutputs } from './three-d-shared';

export interface ImageFile {
	url: string;
	content_type: string;
	file_name: string;
	file_size?: number;
	width: number;
	height: number;
}

export interface MaskMetadata {
	index: number;
	score?: number;
	box?: number[];
}

/** fal's documented output of `fal-ai/sam-3/image`. */
export interface Sam3Output {
	image?: ImageFile;
	masks: ImageFile[];
	metadata: MaskMetadata[];
	scores?: number[];
	boxes?: number[][];
}

/** fal's documented output of the RLE endpoints (`fal-ai/sam-3/image-rle`, `fal-ai/sam-3-1/image-rle`): no files. */
export interface Sam3RleOutput {
	rle: string | string[];
	metadata: MaskMetadata[];
	scores?: number[];
	boxes?: number[][];
}

export type ModelOutput = Sam3Output | Sam3RleOutput;

/** How many masks an output holds, whichever endpoint answered it. */
export const maskCountOf = (output: ModelOutput) => ('masks' in output ? output.masks.length : typeof output.rle === 'string' ? 1 : output.rle.length);

export type InferenceResult =
	| { ok: true; output: ModelOutput; inferenceMs: number }
	| { ok: false; message: string; errorType: string };

/** Raw masks are width*height bytes each: render a few at a time so hundreds of 2048² jobs stay small. */
const renderSlots = pLimit(4);

const fileName = (ext: string) => `${randomBytes(9).toString('base64url')}.${ext}`;

function dataUri(bytes: Buffer, contentType: string): string {
	return `data:${contentType};base64,${bytes.toString('base64')}`;
}

export interface RenderOptions {
	/** Draw masks and preview at this size instead of the input's (fal's page shows 1024×1024 masks). */
	maskSize?: { width: number; height: number };
	/** The 3D endpoints' large-file switches (three-d-shared.ts). */
	large3d?: Large3dOutputs;
	/** How Runflow lays out a run's output (runflow-routes.ts); undefined: 'masks-in-outputs'. */
	runflowOutput?: RunflowOutputOptions;
}

/**
 * One inference. `rle`: the RLE endpoints' answer, the run-length encoding of exactly the masks the URL endpoint
 * would serve as files (same regions, same size), with the same metadata, scores and boxes, and no preview.
 */
export async function runSam3(input: Sam3Input, files: FileStore, render: RenderOptions = {}, rle = false): Promise<InferenceResult> {
	const started = Date.now();
	let image;
	try {
		image = await loadInputImage(input.image_url);
	} catch (error) {
		if (error instanceof ImageLoadError) return { ok: false, message: error.message, errorType: error.errorType };
		throw error;
	}
	const format = input.output_format;
	const contentType = CONTENT_TYPES[format];
	// Only a text prompt looks at the picture (a product photo's objects); boxes and points stay geometric.
	const scene = effectivePrompt(input) ? await productScene(image.bytes) : undefined;
	const found = selectRegions(segment(input, image.width, image.height, scene), input);
	const width = render.maskSize?.width ?? image.width;
	const height = render.maskSize?.height ?? image.height;
	const regions = found.map((region) => scaleRegion(region, width / image.width, height / image.height));

	const masks: ImageFile[] = [];
	const runs: string[] = [];
	const metadata: MaskMetadata[] = [];
	const scores: number[] = [];
	const boxes: number[][] = [];
	for (const [index, region] of regions.entries()) {
		const { bytes, box } = await renderSlots(async () => {
			const raster = rasterize(region, width, height);
			if (rle) return { bytes: Buffer.from(encodeRle(raster.pixels, width, height)), box: raster.box };
			return { bytes: await encodeMask(raster.pixels, width, height, format), box: raster.box };
		});
		if (rle) runs.push(bytes.toString());
		else {
			const name = fileName(format);
			const url = input.sync_mode ? dataUri(bytes, contentType) : files.put(bytes, contentType, name);
			masks.push({ url, content_type: contentType, file_name: name, file_size: bytes.length, width, height });
		}
		const normalized = box ? normalizedBox(box, width, height) : [0, 0, 0, 0];
		metadata.push({ index, ...(input.include_scores && { score: region.score }), ...(input.include_boxes && { box: normalized }) });
		scores.push(region.score);
		boxes.push(normalized);
	}

	if (rle) {
		const answer: Sam3RleOutput = { rle: rleField(runs), metadata };
		if (input.include_scores) answer.scores = scores;
		if (input.include_boxes) answer.boxes = boxes;
		return { ok: true, output: answer, inferenceMs: Date.now() - started };
	}
	const output: Sam3Output = { masks, metadata };
	if (input.apply_mask) {
		const name = fileName(format);
		const render = () => renderPreview(image.bytes, regions, width, height, format);
		if (input.sync_mode) {
			const bytes = await render();
			output.image = { url: dataUri(bytes, contentType), content_type: contentType, file_name: name, file_size: bytes.length, width, height };
		} else {
			// Rendered on first download: benchmarks push hundreds of large jobs and rarely fetch previews.
			output.image = { url: files.putLazy(render, contentType, name), content_type: contentType, file_name: name, width, height };
		}
	}
	if (input.include_scores) output.scores = scores;
	if (input.include_boxes) output.boxes = boxes;
	return { ok: true, output, inferenceMs: Date.now() - started };
}
