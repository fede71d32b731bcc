import type { Operation } from '../operation';
import { segmentImageProperties } from './image.description';
import { runSegmentImage } from './run';

/** Segment Image: one image in, its masks out as PNG files with scores, boxes and crops. */
export const segmentImage: Operation = {
	// "segment": the value saved workflows carry since 0.1 (the only operation then; the default still).
	value: 'segment',
	name: 'Segment Image',
	action: 'Segment an image',
	description: 'Find the objects matching your prompts and return their masks as files',
	properties: segmentImageProperties,
	run: runSegmentImage,
};
