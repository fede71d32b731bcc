/**
 * The emulator's stand-in for SAM 3: deterministic object regions from the prompts.
 * - a box (or boxes sharing an object_id) -> an ellipse inscribed in the box (their union box);
 * - foreground points sharing an object_id (each point alone without one) -> an ellipse around them;
 *   points whose object_id matches a box group refine that box's object and add nothing;
 *   background points (label 0) never create a region;
 * - a text prompt -> 1..5 seeded ellipses from a hash of the prompt (same prompt, same regions); on a product
 *   photo (an object on a plain backdrop, product-scene.ts) -> the objects themselves, none on an empty backdrop.
 * Scores are deterministic too. Results are sorted best first.
 */
import { createHash } from 'node:crypto';
import type { Bitmap, ProductScene } from './product-scene';
import { effectivePrompt, type BoxPrompt, type PointPrompt, type Sam3Input } from './schema';

/** An axis-aligned ellipse in pixel coordinates (center and radii). */
export interface Region {
	cx: number;
	cy: number;
	rx: number;
	ry: number;
	score: number;
	source: 'box' | 'point' | 'text';
	/** The object's exact pixels (product photos); the ellipse is then only its bounding ellipse. */
	bitmap?: Bitmap;
}

function seededRandom(seed: string): () => number {
	const digest = createHash('sha256').update(seed).digest();
	let state = digest.readUInt32LE(0);
	return () => {
		// mulberry32
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function groupBy<T extends { object_id?: number | null }>(items: T[]): T[][] {
	const groups = new Map<string, T[]>();
	items.forEach((item, i) => {
		const key = item.object_id === undefined || item.object_id === null ? `solo-${i}` : `id-${item.object_id}`;
		groups.set(key, [...(groups.get(key) ?? []), item]);
	});
	return [...groups.values()];
}

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

function boxRegions(boxes: BoxPrompt[], width: number, height: number): Region[] {
	return groupBy(boxes).flatMap((group) => {
		const x0 = Math.max(0, Math.min(...group.map((b) => Math.min(b.x_min, b.x_max))));
		const y0 = Math.max(0, Math.min(...group.map((b) => Math.min(b.y_min, b.y_max))));
		const x1 = Math.min(width, Math.max(...group.map((b) => Math.max(b.x_min, b.x_max))));
		const y1 = Math.min(height, Math.max(...group.map((b) => Math.max(b.y_min, b.y_max))));
		if (x1 - x0 < 1 || y1 - y0 < 1) return [];
		const random = seededRandom(`box:${x0},${y0},${x1},${y1}`);
		return [{ cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, rx: (x1 - x0) / 2, ry: (y1 - y0) / 2, score: round4(0.9 + random() * 0.09), source: 'box' as const }];
	});
}

function pointRegions(points: PointPrompt[], boxObjectIds: Set<number>, width: number, height: number): Region[] {
	const free = points.filter((p) => p.object_id === undefined || p.object_id === null || !boxObjectIds.has(p.object_id));
	return groupBy(free).flatMap((group) => {
		const fg = group.filter((p) => p.label === 1);
		if (fg.length === 0) return [];
		const cx = fg.reduce((s, p) => s + p.x, 0) / fg.length;
		const cy = fg.reduce((s, p) => s + p.y, 0) / fg.length;
		if (cx < 0 || cy < 0 || cx >= width || cy >= height) return [];
		const base = Math.max(2, 0.12 * Math.min(width, height));
		const rx = base + Math.max(...fg.map((p) => Math.abs(p.x - cx)));
		const ry = base + Math.max(...fg.map((p) => Math.abs(p.y - cy)));
		const random = seededRandom(`point:${fg.map((p) => `${p.x},${p.y}`).join(';')}`);
		return [{ cx, cy, rx, ry, score: round4(0.8 + random() * 0.15), source: 'point' as const }];
	});
}

function textRegions(prompt: string, width: number, height: number): Region[] {
	const random = seededRandom(`text:${prompt.toLowerCase()}`);
	const count = 1 + Math.floor(random() * 5);
	return Array.from({ length: count }, () => ({
		cx: (0.15 + random() * 0.7) * width,
		cy: (0.15 + random() * 0.7) * height,
		rx: Math.max(1, (0.05 + random() * 0.12) * width),
		ry: Math.max(1, (0.05 + random() * 0.12) * height),
		score: round4(0.3 + random() * 0.67),
		source: 'text' as const,
	}));
}

/** Every region the prompts produce, best score first; a text prompt on a product photo finds its objects. */
export function segment(input: Sam3Input, width: number, height: number, scene?: ProductScene): Region[] {
	const boxObjectIds = new Set(input.box_prompts.map((b) => b.object_id).filter((id): id is number => typeof id === 'number'));
	const prompt = effectivePrompt(input);
	const regions = [
		...boxRegions(input.box_prompts, width, height),
		...pointRegions(input.point_prompts, boxObjectIds, width, height),
		...(prompt ? (scene?.objects ?? textRegions(prompt, width, height)) : []),
	];
	return regions.sort((a, b) => b.score - a.score);
}

/** How many masks the answer carries: exactly 1 unless return_multiple_masks (then up to max_masks). */
export function selectRegions(regions: Region[], input: Sam3Input): Region[] {
	return regions.slice(0, input.return_multiple_masks ? input.max_masks : 1);
}

/** The region in an image scaled by (sx, sy): masks may be drawn at another resolution than the input's. */
export function scaleRegion(region: Region, sx: number, sy: number): Region {
	if (sx === 1 && sy === 1) return region;
	return { ...region, cx: region.cx * sx, cy: region.cy * sy, rx: region.rx * sx, ry: region.ry * sy };
}
