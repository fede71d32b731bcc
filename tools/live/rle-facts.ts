/**
 * What an RLE answer says about its encoding, so the live one and the emulator's can be compared beyond types:
 * (start, length) pairs or something else, the index base (a start of 0 only occurs 0-based), runs in order, the
 * last pixel within the input's W×H, and the pixel order, found by laying the runs out row-major and column-major
 * and seeing which lands on the answer's own box for that mask (normalized [cx, cy, w, h]).
 */

export interface RleFacts {
	format: 'start-length pairs' | 'odd token count' | 'not integers' | 'empty';
	/** 0 when a start of 0 occurs; 1 when none does ("Kaggle" order): a guess only when both would fit. */
	base: 0 | 1 | 'unknown';
	ascending: boolean;
	fitsInput: boolean;
	order: 'row-major' | 'column-major' | 'unknown';
}

type Box = [number, number, number, number];

function runsOf(rle: string): number[] | undefined {
	const tokens = rle.trim().split(/\s+/).filter(Boolean);
	if (!tokens.every((token) => /^\d+$/.test(token))) return undefined;
	return tokens.map(Number);
}

/** Bounding box (normalized cx, cy, w, h) of runs laid out along `major` lines of `length` pixels. */
function boxOf(runs: number[], base: number, width: number, height: number, rowMajor: boolean): Box | undefined {
	const line = rowMajor ? width : height;
	let minA = Infinity;
	let maxA = -Infinity;
	let minB = Infinity;
	let maxB = -Infinity;
	for (let i = 0; i + 1 < runs.length; i += 2) {
		const first = runs[i] - base;
		const last = first + runs[i + 1] - 1;
		const [lineFirst, lineLast] = [Math.floor(first / line), Math.floor(last / line)];
		minB = Math.min(minB, lineFirst);
		maxB = Math.max(maxB, lineLast);
		minA = Math.min(minA, lineFirst === lineLast ? first % line : 0);
		maxA = Math.max(maxA, lineFirst === lineLast ? last % line : line - 1);
	}
	if (!Number.isFinite(minA)) return undefined;
	const [x0, x1, y0, y1] = rowMajor ? [minA, maxA + 1, minB, maxB + 1] : [minB, maxB + 1, minA, maxA + 1];
	return [(x0 + x1) / 2 / width, (y0 + y1) / 2 / height, (x1 - x0) / width, (y1 - y0) / height];
}

const distance = (a: Box, b: Box) => a.reduce((sum, value, index) => sum + Math.abs(value - b[index]), 0);

export function rleFacts(rle: string, width: number, height: number, box?: unknown): RleFacts {
	const runs = runsOf(rle);
	if (!runs) return { format: 'not integers', base: 'unknown', ascending: false, fitsInput: false, order: 'unknown' };
	if (!runs.length) return { format: 'empty', base: 'unknown', ascending: true, fitsInput: true, order: 'unknown' };
	if (runs.length % 2) return { format: 'odd token count', base: 'unknown', ascending: false, fitsInput: false, order: 'unknown' };
	const starts = runs.filter((_, index) => index % 2 === 0);
	const base = starts.some((start) => start === 0) ? 0 : 1;
	let ascending = true;
	let end = 0;
	for (let i = 0; i < runs.length; i += 2) {
		if (runs[i] < end) ascending = false;
		end = runs[i] + runs[i + 1];
	}
	const fitsInput = end - base <= width * height;
	let order: RleFacts['order'] = 'unknown';
	if (Array.isArray(box) && box.length === 4 && box.every((value) => typeof value === 'number')) {
		const rowMajor = boxOf(runs, base, width, height, true);
		const columnMajor = boxOf(runs, base, width, height, false);
		if (rowMajor && columnMajor) {
			const [row, column] = [distance(rowMajor, box as Box), distance(columnMajor, box as Box)];
			if (Math.abs(row - column) > 0.02) order = row < column ? 'row-major' : 'column-major';
		}
	}
	return { format: 'start-length pairs', base, ascending, fitsInput, order };
}

/** The facts of every RLE string of an answer: image-rle's `rle` (one or a list) against `boxes`/`metadata[].box`, video-rle's per frame. */
export function answerRleFacts(answer: unknown, width: number, height: number): RleFacts[] {
	if (!answer || typeof answer !== 'object') return [];
	const { rle, boxes, metadata, frames } = answer as Record<string, unknown>;
	const boxAt = (index: number) => (Array.isArray(boxes) ? boxes[index] : undefined) ?? (Array.isArray(metadata) ? (metadata[index] as { box?: unknown } | null)?.box : undefined);
	const facts: RleFacts[] = [];
	const strings = typeof rle === 'string' ? [rle] : Array.isArray(rle) ? rle : [];
	strings.forEach((entry, index) => {
		if (typeof entry === 'string') facts.push(rleFacts(entry, width, height, boxAt(index)));
	});
	// video-rle-objects: frames[].objects[].rle at the answer's own width × height.
	const frameWidth = Number((answer as Record<string, unknown>).width) || width;
	const frameHeight = Number((answer as Record<string, unknown>).height) || height;
	if (Array.isArray(frames)) {
		for (const frame of frames) {
			for (const object of ((frame as { objects?: unknown[] })?.objects ?? []) as Array<{ rle?: unknown }>) {
				if (typeof object?.rle === 'string') facts.push(rleFacts(object.rle, frameWidth, frameHeight));
			}
		}
	}
	return facts;
}

/** All RLE strings of one answer, summed up: what both sides must agree on. */
export interface RleSummary {
	count: number;
	formats: string[];
	/** 0 as soon as one start is 0. */
	base: 0 | 1 | 'unknown';
	ascending: boolean;
	fitsInput: boolean;
	/** The orders the boxes told, or 'unknown' when no box did. */
	order: string;
}

export function summarizeRle(facts: RleFacts[]): RleSummary | undefined {
	if (!facts.length) return undefined;
	const pairs = facts.filter((fact) => fact.format === 'start-length pairs');
	const orders = [...new Set(facts.map((fact) => fact.order).filter((order) => order !== 'unknown'))].sort();
	return {
		count: facts.length,
		formats: [...new Set(facts.map((fact) => fact.format))].sort(),
		base: pairs.length ? (pairs.some((fact) => fact.base === 0) ? 0 : 1) : 'unknown',
		ascending: facts.every((fact) => fact.ascending),
		fitsInput: facts.every((fact) => fact.fitsInput),
		order: orders.length ? orders.join(' and ') : 'unknown',
	};
}
