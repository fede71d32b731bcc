import type { INodeProperties } from 'n8n-workflow';

import { schemaField } from '../../contract/fields';
import { TracksInputSchema } from '../../contract/tracks.schema';
import { currentOptionsField } from '../../descriptions/job-options.description';
import { DEFAULT_VIDEO_MAX_WAIT_SECONDS } from '../../limits';
import { falOnlyPanel } from '../shared/fal-only';
import { videoSourceFields } from '../shared/video-source.description';

/** What to track in which video. */
const trackFields: INodeProperties[] = [
	...videoSourceFields('the video'),
	{
		displayName: 'Text Prompt',
		name: 'prompt',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. person, car, ball',
		description:
			'What to track, as one concept: every instance found is tracked with its own ID and becomes its own output item (fal-ai/sam-3/video-rle-objects; its answer\'s shape is known from real runs; fal\'s client types do not list it)',
	},
];

/** The endpoint's optional field and how the masks come back, among the job's options. */
const trackOptions: INodeProperties[] = [
	schemaField(TracksInputSchema.shape.detection_threshold, { displayName: 'Detection Threshold', name: 'detectionThreshold' }),
	{
		displayName: 'Mask Files per Frame',
		name: 'frameMaskFiles',
		type: 'boolean',
		default: false,
		description: 'Whether to decode each object\'s mask on each frame into a PNG file (binary fields frame_0, frame_1, …) on its item',
	},
];

/**
 * Track Objects in a Video's panel (operations/index.ts shows it only for this operation): the video and the
 * prompt, then one Options collection (operations/README.md). On Runflow, only the notice: it cannot run there.
 */
export const trackObjectsProperties: INodeProperties[] = falOnlyPanel(
	{ displayName: 'Track Objects in a Video runs on fal.ai only (Runflow has no SAM 3 video model): choose a fal.ai credential above.', name: 'tracksRunflowNotice' },
	[...trackFields, currentOptionsField(trackOptions, { maxWaitSeconds: DEFAULT_VIDEO_MAX_WAIT_SECONDS })],
);
