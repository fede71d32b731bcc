import type { INodeProperties } from 'n8n-workflow';

import { modelField } from '../contract/fields';

/** Every optional SAM 3 model field. Unset options are not sent, so the provider's defaults apply. */
export const modelOptionsFields: INodeProperties[] = [
	{
		displayName: 'Model Options',
		name: 'modelOptions',
		type: 'collection',
		placeholder: 'Add Model Option',
		default: {},
		options: [
			modelField('apply_mask', 'Apply Mask (Preview Image)'),
			modelField('include_boxes', 'Include Boxes'),
			modelField('include_scores', 'Include Scores'),
			modelField('max_masks', 'Max Masks', {
				displayOptions: { show: { returnMultipleMasks: [true] } },
			}),
			modelField('output_format', 'Output Format'),
			modelField('return_multiple_masks', 'Return Multiple Masks'),
			modelField('sync_mode', 'Sync Mode (Data URIs)'),
		],
	},
];
