import type { IDataObject } from 'n8n-workflow';

import { type ImageFile, type Sam3Output, Sam3OutputSchema } from './sam3.schema';

/** The provider's answer in the node's one shape, before any file is downloaded. */
export interface NormalizedResult {
	masks: Array<ImageFile & { score?: number; box?: number[] }>;
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
	if (!parsed.success) {
		const problem = parsed.error.issues[0];
		throw new Error(`unexpected SAM 3 output: ${problem.path.join('.') || 'the result'} ${problem.message}`);
	}
	const result: Sam3Output = parsed.data;
	const metadataByIndex = new Map((result.metadata ?? []).map((entry, position) => [entry?.index ?? position, entry]));
	const masks = result.masks.map((mask, index) => {
		const metadata = metadataByIndex.get(index);
		const score = metadata?.score ?? result.scores?.[index] ?? undefined;
		const box = metadata?.box ?? result.boxes?.[index] ?? undefined;
		return { ...mask, score: score ?? undefined, box: box ?? undefined };
	});
	return { masks, image: result.image ?? undefined };
}
