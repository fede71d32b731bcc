import type { INodeProperties } from 'n8n-workflow';

import { modelField } from '../../contract/fields';
import { NOT_FOR_RLE } from '../../contract/image-targets';
import { MODEL_OPTION_FIELDS, MODEL_OPTIONS, type ModelOption } from '../../contract/model-options';

/**
 * Every optional SAM 3 model field, from contract/model-options.ts. Unset options are not sent: the provider's
 * defaults apply. `maskDelivery`: where the Mask Delivery parameter is, seen from these options (the first panel:
 * at the root, '/maskDelivery'; the current one: beside them in Options).
 */
export function modelOptions(maskDelivery: string): INodeProperties[] {
	return MODEL_OPTION_FIELDS.map((field) => {
		const { displayName, overrides }: ModelOption = MODEL_OPTIONS[field];
		// Nothing to act on in an RLE answer (no preview, no files): hidden then, and not sent.
		const rleHidden = NOT_FOR_RLE.includes(field) ? { displayOptions: { hide: { [maskDelivery]: ['rle'] } } } : {};
		return modelField(field, displayName, { ...overrides, ...rleHidden });
	});
}

/** The first panel's (node version 1) Model Options collection. */
export const modelOptionsFields: INodeProperties[] = [
	{
		displayName: 'Model Options',
		name: 'modelOptions',
		type: 'collection',
		placeholder: 'Add Model Option',
		default: {},
		options: modelOptions('/maskDelivery'),
	},
];
