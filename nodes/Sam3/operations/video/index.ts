import { normalizeVideoOutput } from '../../contract/normalize-video';
import { promptFields } from '../../descriptions/prompts.description';
import type { Operation } from '../operation';
import { videoFields, videoOptionsFields } from './video.description';
import { VIDEO_KIND } from './video-bytes';
import { VIDEO_OUTPUT, videoResultItems } from './output-items';
import { readVideoRequest } from './video-settings';

/**
 * Segment Video (fal.ai only; SAM 3 and 3.1): a video in, the objects tracked through it out — the result video
 * and the per-frame boxes zip as files, or per-frame RLE masks with their boxes as JSON. The job (upload, queue,
 * status stream, Max Wait, cancel, webhook, Wait for Result off) is the shared machinery of job/.
 */
export const segmentVideo: Operation = {
	value: 'segmentVideo',
	name: 'Segment Video',
	action: 'Segment a video',
	description: 'Track the objects matching your prompts through a video (fal.ai only)',
	properties: [...videoFields, ...promptFields, ...videoOptionsFields],
	mediaField: 'video_url',
	mediaKind: VIDEO_KIND,
	ownOutput: VIDEO_OUTPUT,
	read: readVideoRequest,
	readResult(result) {
		const { output, ...provided } = result;
		const normalized = { ...provided, ...normalizeVideoOutput(output) };
		return {
			items: async (job, submission, timing) => {
				const { model, endpoint } = submission.target;
				return await videoResultItems(job, submission, `fal-ai/${model}/${endpoint}`, normalized, timing);
			},
		};
	},
};
