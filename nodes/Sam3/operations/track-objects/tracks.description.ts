import type { INodeProperties } from 'n8n-workflow';

import { schemaField } from '../../contract/fields';
import { TracksInputSchema } from '../../contract/tracks.schema';
import { MiB, VIDEO_UPLOAD_LIMIT_BYTES } from '../../limits';

/** Track Objects in a Video's own fields (operations/index.ts shows them only for this operation). */
export const trackFields: INodeProperties[] = [
	{
		displayName: 'Track Objects in a Video runs on fal.ai only: Runflow has no SAM 3 video model. Choose fal.ai as the provider.',
		name: 'tracksRunflowNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['runflowApi'] } },
	},
	{
		displayName: 'Video Source',
		name: 'videoSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Video URL', value: 'url', description: 'A public http(s) URL (or a data: URI)' },
			{ name: 'Binary File', value: 'binary', description: 'A video file from a previous node' },
		],
		default: 'url',
	},
	{
		displayName: 'Video URL',
		name: 'videoUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/clip.mp4',
		description: 'Publicly reachable http(s) URL of the video (MP4, MOV or WebM); fal downloads it',
		displayOptions: { show: { videoSource: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'videoBinaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the video',
		description: `The video is uploaded to fal first (up to ${VIDEO_UPLOAD_LIMIT_BYTES / MiB} MiB)`,
		displayOptions: { show: { videoSource: ['binary'] } },
	},
	{
		displayName: 'Text Prompt',
		name: 'prompt',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. person, car, ball',
		description:
			'What to track, as one concept: every instance found is tracked with its own ID and becomes its own output item (fal-ai/sam-3/video-rle-objects; its answer\'s shape is known from real runs, fal documents it only in its client types)',
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
