import type { INodeProperties } from 'n8n-workflow';

import { schemaField } from '../../contract/fields';
import { TracksInputSchema } from '../../contract/tracks.schema';
import { videoSourceFields } from '../shared/video-source.description';

/** Track Objects in a Video's own fields (operations/index.ts shows them only for this operation). */
export const trackFields: INodeProperties[] = [
	{
		displayName: 'Track Objects in a Video runs on fal.ai only: Runflow has no SAM 3 video model. Choose fal.ai as the provider.',
		name: 'tracksRunflowNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['runflowApi'] } },
	},
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
	{
		displayName: 'Tracking Options',
		name: 'trackingOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			schemaField(TracksInputSchema.shape.detection_threshold, { displayName: 'Detection Threshold', name: 'detectionThreshold' }),
			{
				displayName: 'Mask Files per Frame',
				name: 'frameMaskFiles',
				type: 'boolean',
				default: false,
				description: 'Whether to decode each object\'s mask on each frame into a PNG file (binary fields frame_0, frame_1, …) on its item',
			},
		],
	},
];
