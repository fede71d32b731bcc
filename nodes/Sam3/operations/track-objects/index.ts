import type { Operation } from '../operation';
import { runTrackObjects } from './run';
import { trackFields } from './tracks.description';
import { currentOptionsField } from '../../descriptions/job-options.description';

/**
 * Track Objects in a Video (fal.ai only, fal-ai/sam-3/video-rle-objects): a video and a concept in, one item per
 * tracked object out, with its stable id and its mask and box on each frame.
 */
export const trackObjects: Operation = {
	value: 'trackObjects',
	name: 'Track Objects in a Video',
	action: 'Track objects in a video',
	description: 'Follow every object matching a prompt through a video: one item per object, with its mask and box per frame (fal.ai only)',
	// The current panel's (node version 2) Options: the job's options and waiting switches (operations/README.md).
	properties: [...trackFields, currentOptionsField([])],
	run: runTrackObjects,
};
