import { normalizeSam3Output } from '../../contract/normalize';
import { promptFields } from '../../descriptions/prompts.description';
import type { Operation } from '../operation';
import { IMAGE_KIND } from './image-bytes';
import { readImageRequest } from './image-settings';
import { imageFields } from './image.description';
import { modelOptionsFields } from './model-options.description';
import { IMAGE_OUTPUT, resultItems } from './output-items';

/** Segment Image: one image in, its masks out as PNG files with scores, boxes and crops. */
export const segmentImage: Operation = {
	// "segment": the value saved workflows carry since 0.1 (the only operation then; the default still).
	value: 'segment',
	name: 'Segment Image',
	action: 'Segment an image',
	description: 'Find the objects matching your prompts and return their masks as files',
	properties: [...imageFields, ...promptFields, ...modelOptionsFields],
	mediaField: 'image_url',
	mediaKind: IMAGE_KIND,
	ownOutput: IMAGE_OUTPUT,
	read: readImageRequest,
	readResult(result) {
		const { output, ...provided } = result;
		const normalized = { ...provided, ...normalizeSam3Output(output) };
		return { items: async (job, submission, timing) => await resultItems(job, submission, normalized, timing) };
	},
};
