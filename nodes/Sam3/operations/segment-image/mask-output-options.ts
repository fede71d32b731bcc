import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

/** Segment Image's own Options: how its mask files are named and whether each mask gets its own item. */
export function maskOutputOptions(ctx: IExecuteSingleFunctions): { binaryPrefix: string; split: boolean } {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return { binaryPrefix: String(options.binaryPropertyPrefix ?? 'mask_') || 'mask_', split: options.splitMasks === true };
}
