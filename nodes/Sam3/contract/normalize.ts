import type { IDataObject } from 'n8n-workflow';

import type { ZodError } from 'zod';

import { type ImageFile, type Sam3Output, Sam3OutputSchema, Sam3RleOutputSchema } from './sam3.schema';

interface MaskExtras {
	score?: number;
	box?: number[];
}

/** A mask as a file behind a URL (or a data: URI), or inline as RLE (the RLE endpoints). */
export type NormalizedMask = (ImageFile & MaskExtras) | ({ rle: string } & MaskExtras);

/** The provider's answer in the node's one shape, before any file is downloaded. */
export interface NormalizedResult {
	masks: NormalizedMask[];
	image?: ImageFile;
	timing?: IDataObject;
	cost?: number;
	nsfwDetected?: boolean;
	seed?: number;
	raw: unknown;
}

/**
 * Reads a fal-shaped SAM 3 output ({image, masks, metadata, scores, boxes}) — fal's result and Runflow's
 * model_data alike — and joins each mask with its score and box, wherever the provider put them.
 */
export function normalizeSam3Output(output: unknown): Pick<NormalizedResult, 'masks' | 'image'> {
	const parsed = Sam3OutputSchema.safeParse(output);
	if (!parsed.success) throw unexpected(parsed.error);
	const result: Sam3Output = parsed.data;
	const extras = extrasOf(result);
	return { masks: result.masks.map((mask, index) => ({ ...mask, ...extras(index) })), image: result.image ?? undefined };
}

/** The RLE endpoints' answer in the same shape: one mask per RLE string, with its score and box. */
export function normalizeSam3RleOutput(output: unknown): Pick<NormalizedResult, 'masks'> {
	const parsed = Sam3RleOutputSchema.safeParse(output);
	if (!parsed.success) throw unexpected(parsed.error);
	const list = typeof parsed.data.rle === 'string' ? [parsed.data.rle] : parsed.data.rle;
	const extras = extrasOf(parsed.data);
	return { masks: list.map((rle, index) => ({ rle, ...extras(index) })) };
}

function unexpected(error: ZodError): Error {
	const problem = error.issues[0];
	return new Error(`unexpected SAM 3 output: ${problem.path.join('.') || 'the result'} ${problem.message}`);
}

/** A mask's score and box, wherever the provider put them (its metadata entry, or the top-level lists). */
function extrasOf(result: Pick<Sam3Output, 'metadata' | 'scores' | 'boxes'>): (index: number) => MaskExtras {
	const metadataByIndex = new Map((result.metadata ?? []).map((entry, position) => [entry?.index ?? position, entry]));
	return (index) => {
		const metadata = metadataByIndex.get(index);
		const score = metadata?.score ?? result.scores?.[index] ?? undefined;
		const box = metadata?.box ?? result.boxes?.[index] ?? undefined;
		return { score: score ?? undefined, box: box ?? undefined };
	};
}
