import { normalizeSam3Output, normalizeSam3RleOutput } from '../../contract/normalize';
import { promptFields } from '../../descriptions/prompts.description';
import type { ItemJob } from '../../job/item-job';
import type { Operation } from '../operation';
import { IMAGE_KIND } from './image-bytes';
import { readImageRequest } from './image-settings';
import { imageFields, imageTargetFields, maskDeliveryFields } from './image.description';
import { modelOptionsFields } from './model-options.description';
import { IMAGE_OUTPUT, resultItems } from './output-items';
import { rleImageSize } from './rle-size';

const isRle = (job: ItemJob) => job.settings.request.target.endpoint === 'image-rle';

/** Segment Image: one image in, its masks out as PNG files with scores, boxes and crops. */
export const segmentImage: Operation = {
	// "segment": the value saved workflows carry since 0.1 (the only operation then; the default still).
	value: 'segment',
	name: 'Segment Image',
	action: 'Segment an image',
	description: 'Find the objects matching your prompts and return their masks as files',
	properties: [...imageTargetFields, ...imageFields, ...promptFields, ...maskDeliveryFields, ...modelOptionsFields],
	mediaField: 'image_url',
	mediaKind: IMAGE_KIND,
	ownOutput: IMAGE_OUTPUT,
	read: readImageRequest,
	async prepare(job) {
		if (isRle(job)) job.mediaSize = await rleImageSize(job);
	},
	readResult(result, job) {
		const { output, ...provided } = result;
		const normalized = { ...provided, ...(isRle(job) ? normalizeSam3RleOutput(output) : normalizeSam3Output(output)) };
		return { items: async (itemJob, submission, timing) => await resultItems(itemJob, submission, normalized, timing) };
	},
};
