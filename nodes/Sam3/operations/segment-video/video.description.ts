import type { INodeProperties } from 'n8n-workflow';

import { VIDEO_OPTIONS, videoOptionField } from '../../contract/video-options';
import { currentOptionsField } from '../../descriptions/job-options.description';
import { firstPanelOnly } from '../../descriptions/panel-version';
import { promptFields } from '../../descriptions/prompts.description';
import { DEFAULT_VIDEO_MAX_WAIT_SECONDS } from '../../limits';
import { falOnlyPanel } from '../shared/fal-only';
import { videoSourceFields as sharedVideoSourceFields } from '../shared/video-source.description';

/** The model and what comes back (operations/index.ts shows them only for this operation). */
const videoTargetFields: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'SAM 3', value: 'sam-3', description: 'Meta SAM 3 (fal-ai/sam-3)' },
			{ name: 'SAM 3.1', value: 'sam-3-1', description: 'Faster with many objects, and takes Max Objects (fal-ai/sam-3-1)' },
		],
		default: 'sam-3',
	},
	{
		displayName: 'Output',
		name: 'videoOutput',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Video With Masks',
				value: 'video',
				description: 'The video with the tracked objects drawn on it, plus a zip of per-frame box images (…/video)',
			},
			{
				name: 'Per-Frame Masks (RLE)',
				value: 'rle',
				description: 'One mask per frame as run-length encoding, with its box; prompts may name their frame (…/video-rle)',
			},
		],
		default: 'video',
	},
];

/** The video and how its masks are kept. */
const videoSourceFields: INodeProperties[] = [
	...sharedVideoSourceFields('the video to segment'),
	{
		displayName: 'Mask Files per Frame',
		name: 'frameMaskFiles',
		type: 'boolean',
		default: false,
		description:
			'Whether to decode each frame\'s mask into a PNG file (binary fields frame_0, frame_1, …). Needs the frame size, read from a binary video (Video Source: Binary File).',
		displayOptions: { show: { videoOutput: ['rle'] } },
	},
];

/** Every optional field of the chosen endpoint, from contract/video-options.ts; unset options are not sent (the first panel's). */
export const videoOptionsFields: INodeProperties[] = [
	{
		displayName: 'Video Options',
		name: 'videoOptions',
		type: 'collection',
		placeholder: 'Add Video Option',
		default: {},
		options: VIDEO_OPTIONS.map(videoOptionField),
	},
];

/**
 * Segment Video's panel: the video and the prompts first, then the model, the output and the Options (the
 * endpoint's optional fields among them; the first panel, node version 1, had them as Video Options). On Runflow,
 * only the notice: the operation cannot run there.
 */
export const segmentVideoProperties: INodeProperties[] = falOnlyPanel(
	{ displayName: 'Segment Video runs on fal.ai only (Runflow has no SAM 3 video model): choose a fal.ai credential above.', name: 'videoRunflowNotice' },
	[
		...videoSourceFields.slice(0, 3),
		...promptFields,
		...videoTargetFields,
		...videoSourceFields.slice(3),
		...videoOptionsFields.map(firstPanelOnly),
		currentOptionsField(VIDEO_OPTIONS.map(videoOptionField), { maxWaitSeconds: DEFAULT_VIDEO_MAX_WAIT_SECONDS }),
	],
);
