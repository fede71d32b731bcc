import { type VideoFile, describeValue, videoOutputSchema } from './video.schema';

/** One frame of a per-frame answer (video-rle): its mask as fal's RLE, its normalized box, its score. */
export interface VideoFrame {
	frameIndex: number;
	rle?: string;
	/** Normalized [cx, cy, w, h], as fal sends it. */
	box?: number[];
	score?: number;
}

/** A video endpoint's answer in the node's one shape, before any file is downloaded. */
export interface NormalizedVideoResult {
	video?: VideoFile;
	boxesZip?: VideoFile;
	/** Per-frame masks, when the answer carried them as a list (one entry per frame). */
	frames?: VideoFrame[];
	/** The masks as one file, when the answer carried `rle` as a File (a declared shape; its content is undocumented). */
	rleFile?: VideoFile;
	/** The odd optional fields dropped from the answer, each named (the item's `warnings`). */
	warnings?: string[];
	raw: unknown;
}

/**
 * Reads whichever of the shapes fal's video endpoints answer (sam3-family.md §5) and joins each frame's RLE with
 * its box and score, wherever the answer put them (boxes[i], scores[i], or metadata by index).
 */
export function normalizeVideoOutput(output: unknown): Omit<NormalizedVideoResult, 'raw'> {
	const warnings: string[] = [];
	const parsed = videoOutputSchema((field, value, why) => warnings.push(value === undefined ? `${field}: ${why}` : `${field} dropped: ${describeValue(value)} is ${why}`)).safeParse(output);
	if (!parsed.success) {
		const problem = parsed.error.issues[0];
		const dropped = warnings.length ? ` (${warnings.join('; ')})` : '';
		throw new Error(`unexpected SAM 3 video output: ${problem.path.join('.') || 'the result'} ${problem.message}${dropped}`);
	}
	const result = parsed.data;
	const rle = result.rle;
	const perFrame = Array.isArray(rle) ? rle : result.boxes;
	const metadataByIndex = new Map((result.metadata ?? []).map((entry, position) => [entry?.index ?? position, entry]));
	const frames = perFrame?.map((_, frameIndex): VideoFrame => {
		const metadata = metadataByIndex.get(frameIndex);
		const mask = Array.isArray(rle) ? rle[frameIndex] : undefined;
		return {
			frameIndex,
			rle: mask ?? undefined,
			box: metadata?.box ?? result.boxes?.[frameIndex] ?? undefined,
			score: metadata?.score ?? result.scores?.[frameIndex] ?? undefined,
		};
	});
	return {
		video: result.video ?? undefined,
		boxesZip: result.boundingbox_frames_zip ?? undefined,
		frames,
		rleFile: rle !== undefined && !Array.isArray(rle) ? rle : undefined,
		warnings: warnings.length ? warnings : undefined,
	};
}
