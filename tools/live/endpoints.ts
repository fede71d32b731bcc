/**
 * Every endpoint the live check runs, as data: one entry per endpoint, with the node parameters that run it, the
 * sample it runs on and what it costs. Adding an endpoint is adding one entry. The parameters ask for every
 * output field at the least cost (scores, boxes, the preview, two masks at most; the shortest clip).
 *
 * Prices are fal's and Runflow's list prices (docs/live-contract-check.md, /work reference sam3-family.md §1);
 * where no page states one, the highest figure anyone reports is used, so the estimate errs high.
 */
import type { INodeParameters } from 'n8n-workflow';

export type LiveProvider = 'fal' | 'runflow';

export interface ImageSample {
	kind: 'image';
	name: string;
	url: string;
	/** Where the URL comes from. */
	source: string;
}

export interface ClipSample {
	kind: 'clip';
	name: string;
	/** A file in this repository, sent to the node as a binary input (inline, as a data: URI). */
	path: string;
	source: string;
}

export type Sample = ImageSample | ClipSample;

export const SAMPLES = {
	/** The photo on fal's own fal-ai/sam-3/image page (1800×1200 JPEG). */
	truck: {
		kind: 'image',
		name: 'truck',
		url: 'https://raw.githubusercontent.com/facebookresearch/segment-anything-2/main/notebooks/images/truck.jpg',
		source: "fal's fal-ai/sam-3/image page (its example input)",
	},
	/** A person for 3D Body: Meta's SAM 3D Body demo photo (A: check the URL on the first 3D run). */
	person: {
		kind: 'image',
		name: 'person',
		url: 'https://raw.githubusercontent.com/facebookresearch/sam-3d-body/main/notebook/images/dancing.jpg',
		source: "Meta's sam-3d-body demo notebook (notebook/images/dancing.jpg)",
	},
	/**
	 * Three frames of ffmpeg's testsrc, H.264 in MP4, 96×64 (test/node/fixtures/videos/README.md): public with
	 * this repository, real-encoder, and one 16-frame billing block, so every video endpoint costs its minimum.
	 */
	clip: {
		kind: 'clip',
		name: 'clip',
		path: 'test/node/fixtures/videos/h264-96x64.mp4',
		source: "this repository's 3-frame H.264 test clip (ffmpeg testsrc)",
	},
} satisfies Record<string, Sample>;

export type SampleName = keyof typeof SAMPLES;

/** What a sample measured, for the estimate and the mask-size checks. */
export interface MeasuredSample {
	name: SampleName;
	width: number;
	height: number;
	/** Video frames (1 for a photo). */
	frames: number;
	bytes: number;
}

export interface LiveEndpoint {
	/** The provider's endpoint id (fal) or model (Runflow). */
	id: string;
	provider: LiveProvider;
	/** The node's parameters for one run (the media parameters are filled in from the sample). */
	parameters: INodeParameters;
	sample: SampleName;
	/** Estimated list price of the one run, USD. */
	estimateUsd(sample: MeasuredSample): number;
	/** How the estimate is made, for the plan. */
	price: string;
}

const perImage = (usd: number) => () => usd;
/** fal bills video per 16 frames of the input, a started block in full (A: rounding up is the cautious reading). */
const perSixteenFrames = (usd: number) => (sample: MeasuredSample) => usd * Math.max(1, Math.ceil(sample.frames / 16));

/** Every output field of Segment Image: the preview, scores, boxes, several masks (two keep the downloads small). */
const everyImageOutput = {
	prompt: 'wheel',
	modelOptions: { applyMask: true, includeBoxes: true, includeScores: true, returnMultipleMasks: true, maxMasks: 2 },
};
/** One box around the middle of the 96×64 clip: a visual prompt always gives a track to follow. */
const clipBox = { boxPromptsInput: 'fields', boxPrompts: { boxes: [{ xMin: 24, yMin: 16, xMax: 72, yMax: 48 }] } };

const image = (id: string, model: string, maskDelivery: string, usd: number, price: string): LiveEndpoint => ({
	id,
	provider: 'fal',
	parameters: { operation: 'segment', model, maskDelivery, ...everyImageOutput },
	sample: 'truck',
	estimateUsd: perImage(usd),
	price,
});

const video = (id: string, model: string, videoOutput: string, usd: number, price: string): LiveEndpoint => ({
	id,
	provider: 'fal',
	parameters: {
		operation: 'segmentVideo',
		model,
		videoOutput,
		...clipBox,
		...(videoOutput === 'rle'
			? { frameMaskFiles: true, videoOptions: { boundingBoxZip: true, applyMaskToVideo: true } }
			: { videoOptions: {} }),
	},
	sample: 'clip',
	estimateUsd: perSixteenFrames(usd),
	price,
});

export const LIVE_ENDPOINTS: LiveEndpoint[] = [
	image('fal-ai/sam-3/image', 'sam-3', 'urls', 0.005, '$0.005 per image (fal page)'),
	image('fal-ai/sam-3/image-rle', 'sam-3', 'rle', 0.005, '$0.005 per image (A: as /image)'),
	image('fal-ai/sam-3-1/image', 'sam-3-1', 'urls', 0.01, '$0.01 per image (A: third-party table)'),
	image('fal-ai/sam-3-1/image-rle', 'sam-3-1', 'rle', 0.01, '$0.01 per image (A: third-party table)'),
	video('fal-ai/sam-3/video', 'sam-3', 'video', 0.005, '$0.005 per 16 frames (fal page)'),
	video('fal-ai/sam-3/video-rle', 'sam-3', 'rle', 0.005, '$0.005 per 16 frames (fal page)'),
	video('fal-ai/sam-3-1/video', 'sam-3-1', 'video', 0.01, '$0.01 per 16 frames (A: third-party)'),
	video('fal-ai/sam-3-1/video-rle', 'sam-3-1', 'rle', 0.01, '$0.01 per 16 frames (fal page)'),
	{
		id: 'meta/sam-3/image',
		provider: 'runflow',
		parameters: { operation: 'segment', ...everyImageOutput },
		sample: 'truck',
		estimateUsd: perImage(0.005),
		price: '$0.005 per image (Runflow docs)',
	},
	// Issue 31's operations: run as soon as the node offers them (the operation values are the node's to choose:
	// keep these in step with nodes/Sam3/operations/).
	{
		id: 'fal-ai/sam-3/video-rle-objects',
		provider: 'fal',
		parameters: { operation: 'trackObjects', prompt: 'square' },
		sample: 'clip',
		estimateUsd: perSixteenFrames(0.01),
		price: 'no list price (A: $0.01 per 16 frames, the family\'s highest)',
	},
	{
		id: 'fal-ai/sam-3/3d-objects',
		provider: 'fal',
		parameters: { operation: 'reconstruct3dObject', prompt: 'truck' },
		sample: 'truck',
		estimateUsd: perImage(0.02),
		price: '$0.02 per unit, one object = 1 unit (fal page)',
	},
	{
		id: 'fal-ai/sam-3/3d-body',
		provider: 'fal',
		parameters: { operation: 'reconstruct3dBody' },
		sample: 'person',
		estimateUsd: perImage(0.02),
		price: '$0.02 per unit (fal page)',
	},
];

/** The whole family's run must stay under this (USD); the tool refuses to start a plan that would not. */
export const BUDGET_USD = 0.25;

/** `fal-ai/sam-3/image` -> `fal-ai--sam-3--image`: the recording's file name. */
export const fileStem = (endpoint: LiveEndpoint) => endpoint.id.replace(/\//g, '--');
