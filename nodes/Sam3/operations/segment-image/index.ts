import { promptFields } from '../../descriptions/prompts.description';
import type { Operation } from '../operation';
import { imageFields, imageTargetFields, maskDeliveryFields } from './image.description';
import { modelOptionsFields } from './model-options.description';
import { runSegmentImage } from './run';

/** Segment Image: one image in, its masks out as PNG files with scores, boxes and crops. */
export const segmentImage: Operation = {
	// "segment": the value saved workflows carry since 0.1 (the only operation then; the default still).
	value: 'segment',
	name: 'Segment Image',
	action: 'Segment an image',
	description: 'Find the objects matching your prompts and return their masks as files',
	properties: [...imageTargetFields, ...imageFields, ...promptFields, ...maskDeliveryFields, ...modelOptionsFields],
	run: runSegmentImage,
};
