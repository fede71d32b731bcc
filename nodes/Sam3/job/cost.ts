import type { IDataObject } from 'n8n-workflow';

import type { ProviderId } from '../providers/provider';

/**
 * What a job costs, from the providers' list prices: fal bills per request, per 16 video frames or per 3D "unit";
 * Runflow per image, and reports a run's cost itself. The node never sees an invoice, so every figure it shows is
 * an estimate and says so, with its basis. One table, one line per endpoint, each with where its price comes from
 * (sam3-family.md §1, §8, §10; the seeds). `verified: false` marks a price no provider page states.
 */
export interface Price {
	usd: number;
	/** What the price is per: one request, 16 frames of the input video, one 3D unit. */
	per: 'request' | '16 frames' | 'unit';
	source: string;
	verified: boolean;
}

const FAL_IMAGE: Price = { usd: 0.005, per: 'request', source: 'fal.ai/models/fal-ai/sam-3/image (llms.txt): "$0.005 per request"', verified: true };
const FAL_3D: Price = { usd: 0.02, per: 'unit', source: 'fal.ai SAM 3D pages (llms.txt): "$0.02 per unit"', verified: true };

export const PRICES: Record<string, Price> = {
	'fal-ai/sam-3/image': FAL_IMAGE,
	'fal-ai/sam-3/image-rle': { ...FAL_IMAGE, source: 'assumed as fal-ai/sam-3/image (no fal page states it; resellers list $0.005)', verified: false },
	'fal-ai/sam-3-1/image': { usd: 0.01, per: 'request', source: 'assumed: no fal page found; one third-party cost table lists $0.01', verified: false },
	'fal-ai/sam-3-1/image-rle': { usd: 0.01, per: 'request', source: 'assumed as fal-ai/sam-3-1/image', verified: false },
	'fal-ai/sam-3/video': { usd: 0.005, per: '16 frames', source: 'fal.ai/models/fal-ai/sam-3/video (llms.txt): "$0.005 per 16 frames of video input"', verified: true },
	'fal-ai/sam-3/video-rle': { usd: 0.005, per: '16 frames', source: 'fal.ai/models/fal-ai/sam-3/video-rle/llms.txt', verified: true },
	'fal-ai/sam-3-1/video': { usd: 0.01, per: '16 frames', source: 'assumed as fal-ai/sam-3-1/video-rle (two third-party repos list $0.01; a third $0.005)', verified: false },
	'fal-ai/sam-3-1/video-rle': { usd: 0.01, per: '16 frames', source: 'fal.ai/models/fal-ai/sam-3-1/video-rle/llms.txt', verified: true },
	'fal-ai/sam-3/video-rle-objects': {
		usd: 0.005,
		per: '16 frames',
		source: 'assumed as fal-ai/sam-3/video-rle (same app; no fal page states its price)',
		verified: false,
	},
	'fal-ai/sam-3/3d-objects': FAL_3D,
	'fal-ai/sam-3/3d-body': FAL_3D,
	'fal-ai/sam-3/3d-align': FAL_3D,
	'runflow:meta/sam-3/image': { usd: 0.005, per: 'request', source: 'docs.runflow.io/models/meta/sam-3/image: "$0.005/image"', verified: true },
};

/** The table's key for a provider's endpoint: fal's endpoint id; Runflow's model, prefixed. */
export function priceKey(provider: ProviderId, endpointId: string): string {
	return provider === 'runflowApi' ? `runflow:${endpointId === 'fal-ai/sam-3/image' ? 'meta/sam-3/image' : endpointId}` : endpointId;
}

/** What the item's job is made of, as far as the node knows it: the video's frames, the 3D units asked for. */
export interface CostQuantity {
	frames?: number;
	units?: number;
	/** Where the frame count was read ("the result video's container"): the basis says it, so a user can check it. */
	framesFrom?: string;
}

/** The cost an output item carries (`cost`), and what Max Spend per Run reserves before a job starts. */
export interface CostEstimate {
	/** The list-price estimate in US dollars; absent when what it depends on (a URL video's length) is unknown. */
	estimatedUsd?: number;
	/** How it was worked out, in words, so a user can check it against the price page. */
	basis: string;
	/** Always true: the node never sees the provider's invoice. */
	estimate: true;
	/** What the provider itself reported the job cost (Runflow's run.cost), when it did. */
	reportedUsd?: number;
	/** What the estimate counted (not part of the item's JSON). */
	quantity?: CostQuantity;
}

/** Dollars without float noise (0.1 + 0.2): to a hundredth of a cent, far below any price here. */
export const roundUsd = (usd: number) => Math.round(usd * 1e6) / 1e6;

const usd = (value: number) => `$${value < 0.01 ? value.toFixed(3) : value.toFixed(2)}`;

/**
 * The estimate for one job. Per-frame prices are charged per started block of 16 frames of the input video (fal
 * does not document a partial block; one integration assumes it rounds up, as here). A 3D "unit" is undefined by
 * fal; one single-object run was billed 1 unit, so the node counts one unit per object asked for (masks, boxes),
 * at least one: an estimate on the high side for several objects, never an under-reservation for one.
 */
export function estimateCost(provider: ProviderId, endpointId: string, quantity: CostQuantity = {}, framesUnknown?: string): CostEstimate {
	return { ...estimateFromPrice(provider, endpointId, quantity, framesUnknown), quantity };
}

function estimateFromPrice(provider: ProviderId, target: string, quantity: CostQuantity, framesUnknown?: string): CostEstimate {
	const key = priceKey(provider, target);
	const price = PRICES[key];
	// What the price is of, as its provider names it: fal's endpoint id, Runflow's model.
	const endpointId = key.startsWith('runflow:') ? `${key.slice('runflow:'.length)} on Runflow` : target;
	if (!price) return { basis: `no list price known for ${endpointId}`, estimate: true };
	const list = `${usd(price.usd)} per ${price.per}${price.verified ? '' : ' (assumed)'}`;
	if (price.per === 'request') return { estimatedUsd: price.usd, basis: `${list}, ${endpointId}`, estimate: true };
	if (price.per === 'unit') {
		const units = Math.max(1, Math.floor(quantity.units ?? 1));
		return { estimatedUsd: roundUsd(units * price.usd), basis: `${list} × ${units} unit${units === 1 ? '' : 's'} (fal does not define a unit: the node counts one per object reconstructed, one per body or alignment job), ${endpointId}`, estimate: true };
	}
	if (quantity.frames === undefined || !Number.isFinite(quantity.frames) || quantity.frames < 0) {
		const why = framesUnknown ? `: ${framesUnknown}` : '';
		return { basis: `${list} of input video, ${endpointId}; the video's frame count is not known${why}`, estimate: true };
	}
	const blocks = Math.ceil(quantity.frames / 16);
	const from = quantity.framesFrom ? `, read from ${quantity.framesFrom}` : '';
	return {
		estimatedUsd: roundUsd(blocks * price.usd),
		basis: `${list} of input video × ${blocks} (${quantity.frames} frames${from}, rounded up), ${endpointId}`,
		estimate: true,
	};
}

/**
 * The estimate with what the provider reported added (Runflow's run.cost), as the item's `cost` field. A job that
 * makes several output items (one per mask, one per tracked object) puts its whole cost on each, saying how many
 * items share it (`jobOutputItems`): a sum over items must count each requestId once.
 */
export function costJson(estimate: CostEstimate, reportedUsd?: number, jobOutputItems = 1): IDataObject {
	const { estimatedUsd, basis, estimate: isEstimate } = estimate;
	const json: IDataObject = { estimatedUsd, basis, estimate: isEstimate };
	if (typeof reportedUsd === 'number' && Number.isFinite(reportedUsd) && reportedUsd >= 0) json.reportedUsd = reportedUsd;
	if (json.estimatedUsd === undefined) delete json.estimatedUsd;
	if (jobOutputItems > 1) json.jobOutputItems = jobOutputItems;
	return json;
}

/** What an item's cost needs of its job: the provider, the endpoint and the estimate made before it started. */
export interface PricedJob {
	settings: { provider: ProviderId };
	spec: { cost: { endpointId: string; quantity?: CostQuantity } };
	cost?: CostEstimate;
}

/** What an item's cost learned from its result, and, when a video's frames stay unknown, what the user can do. */
export interface ItemCostOptions {
	reportedUsd?: number;
	learned?: CostQuantity;
	outputItems?: number;
	/** Said after "the video's frame count is not known": why, and how to get an estimate. */
	framesUnknown?: string;
}

/**
 * The item's `cost`: the estimate made before the job started, or a better one from what its result tells (the
 * frames a video had, the objects a 3D job made), plus what the provider reported.
 */
export function itemCost(job: PricedJob, options: ItemCostOptions = {}): IDataObject {
	const { learned, reportedUsd, outputItems, framesUnknown } = options;
	const known = learned && (learned.frames !== undefined || learned.units !== undefined);
	const before = job.cost?.quantity ?? job.spec.cost.quantity;
	// A count learned here replaces the earlier one with its source: never "20 frames" said to come from elsewhere.
	const source = learned?.frames !== undefined ? { framesFrom: learned.framesFrom } : {};
	const estimate = known
		? estimateCost(job.settings.provider, job.spec.cost.endpointId, { ...job.spec.cost.quantity, ...job.cost?.quantity, ...learned, ...source })
		: framesUnknown
			? estimateCost(job.settings.provider, job.spec.cost.endpointId, before, framesUnknown)
			: (job.cost ?? estimateCost(job.settings.provider, job.spec.cost.endpointId, job.spec.cost.quantity));
	return costJson(estimate, reportedUsd, outputItems);
}
