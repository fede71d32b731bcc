import type { Operation } from '../operation';
import { runSegmentVideo } from './run';
import { segmentVideoProperties } from './video.description';

/**
 * Segment Video (fal.ai only; SAM 3 and 3.1): a video in, the objects tracked through it out — the result video
 * and the per-frame boxes zip as files, or per-frame RLE masks with their boxes as JSON.
 */
export const segmentVideo: Operation = {
	value: 'segmentVideo',
	name: 'Segment Video',
	action: 'Segment a video',
	description: 'Track the objects matching your prompts through a video (fal.ai only)',
	properties: segmentVideoProperties,
	run: runSegmentVideo,
};
