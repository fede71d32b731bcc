import { z } from 'zod';

import { MAX_TRACKED_OBJECTS, MAX_VIDEO_FRAMES, MAX_VIDEO_PIXELS } from '../limits';
import { fileUrl, lenientNumber } from './result-file';

/**
 * fal-ai/sam-3/video-rle-objects: one track per detected instance, per-frame RLE (sam3-family.md §4–5). fal's
 * client (@fal-ai/client 1.10) has no entry and no types for it; the input is what a third-party repo quotes
 * from fal's schema, the output what fal-js HEAD's generated types declare and real runs returned (every frame
 * listed, a stable track_id, width/height equal to the source). The contract comes from real runs, not from
 * fal's client map. Runflow has no video model.
 */

export const TRACKS_ENDPOINT = { id: 'fal-ai/sam-3/video-rle-objects', app: 'fal-ai/sam-3', path: 'video-rle-objects' } as const;

export const TracksInputSchema = z
	.object({
		video_url: fileUrl('video').describe('URL of the video to track objects in'),
		prompt: z
			.string()
			.trim()
			.min(1, 'give what to track, e.g. "person"')
			.describe('What to track, as one concept: every instance SAM 3 detects is tracked with its own stable ID'),
		detection_threshold: z
			.number({ invalid_type_error: 'must be a number between 0.01 and 1' })
			.min(0.01, 'must be between 0.01 and 1')
			.max(1, 'must be between 0.01 and 1')
			.default(0.5)
			.describe('Confidence needed to track an object; try 0.2–0.3 if nothing is found'),
	})
	.strict();

export type TracksInput = z.input<typeof TracksInputSchema>;

// ---- output -------------------------------------------------------------------------------------

const size = (what: string) =>
	z.preprocess(
		(value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
		z.number({ required_error: 'is missing', invalid_type_error: `is not a ${what}` }).int(`is not a whole ${what}`).positive(`is not a ${what}`),
	);

/** One object in one frame: its track id and its mask (RLE). An entry without both cannot be placed: dropped. */
const ObjectMaskSchema = z
	.object({ track_id: z.number().int().min(0), rle: z.string() })
	.passthrough()
	.nullable()
	.catch(null);

export const TracksOutputSchema = z
	.object({
		frames: z
			.array(
				z
					.object({
						frame_index: z.number({ invalid_type_error: 'is not a frame index' }).int().min(0),
						objects: z.array(ObjectMaskSchema).max(MAX_TRACKED_OBJECTS).optional().catch(undefined),
					})
					.passthrough(),
				{ required_error: 'is missing', invalid_type_error: 'is not a list of frames' },
			)
			.max(MAX_VIDEO_FRAMES, `has more than ${MAX_VIDEO_FRAMES} frames`),
		width: size('width'),
		height: size('height'),
		num_frames: lenientNumber,
	})
	.passthrough()
	.refine((output) => output.width * output.height <= MAX_VIDEO_PIXELS, { message: `frame is larger than ${MAX_VIDEO_PIXELS} pixels`, path: ['width'] });

export type TracksOutput = z.infer<typeof TracksOutputSchema>;

/** One tracked object: its id and, in frame order, the frames it appears in with its mask there. */
export interface Track {
	trackId: number;
	frames: Array<{ frameIndex: number; rle: string }>;
}

/**
 * Regroups fal's frame-major answer into one track per object (object-major), the shape the node outputs: one
 * item per tracked object. Frames are taken in frame order; an object absent from a frame is simply not in it.
 */
export function tracksOf(output: TracksOutput): Track[] {
	const byId = new Map<number, Track>();
	const frames = [...output.frames].sort((a, b) => a.frame_index - b.frame_index);
	for (const frame of frames) {
		for (const object of frame.objects ?? []) {
			if (!object) continue;
			let track = byId.get(object.track_id);
			if (!track) {
				if (byId.size >= MAX_TRACKED_OBJECTS) throw new Error(`unexpected SAM 3 tracks output: more than ${MAX_TRACKED_OBJECTS} tracked objects`);
				track = { trackId: object.track_id, frames: [] };
				byId.set(object.track_id, track);
			}
			track.frames.push({ frameIndex: frame.frame_index, rle: object.rle });
		}
	}
	return [...byId.values()].sort((a, b) => a.trackId - b.trackId);
}
