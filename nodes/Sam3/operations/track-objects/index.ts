import type { Operation } from '../operation';
import { runTrackObjects } from './run';
import { trackObjectsProperties } from './tracks.description';

/**
 * Track Objects in a Video (fal.ai only, fal-ai/sam-3/video-rle-objects): a video and a concept in, one item per
 * tracked object out, with its stable id and its mask and box on each frame.
 */
export const trackObjects: Operation = {
	value: 'trackObjects',
	name: 'Track Objects in a Video',
	action: 'Track objects in a video',
	description: 'Follow every object matching a prompt through a video: one item per object, with its mask and box per frame (fal.ai only)',
	properties: trackObjectsProperties,
	run: runTrackObjects,
};
