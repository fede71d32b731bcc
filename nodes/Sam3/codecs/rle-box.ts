import { type MaskSize, RleError } from './rle-decode';

/** A mask's extent in pixels (edges inclusive, as the node's other pixel boxes) and how many pixels it covers. */
export interface RleExtent {
	box: { xMin: number; yMin: number; xMax: number; yMax: number };
	area: number;
}

/**
 * The box and area of a mask in fal's RLE ((start, length) pairs, 1-based, row-major; sam3-family.md §6) without
 * decoding it: a run within one row spans its own columns, a run across rows spans the whole width. As strict as
 * the decoder (codecs/rle-decode.ts): what is not such pairs inside the frame is named, never guessed. Undefined
 * for an empty mask.
 */
export function rleExtent(rle: string, size: MaskSize): RleExtent | undefined {
	const { width, height } = size;
	const pixels = width * height;
	const tokens = rle.trim() ? rle.trim().split(/\s+/) : [];
	if (tokens.length % 2) throw new RleError(`it holds an odd count of numbers (${tokens.length})`);
	let xMin = width;
	let yMin = height;
	let xMax = -1;
	let yMax = -1;
	let area = 0;
	let next = 0;
	for (let at = 0; at < tokens.length; at += 2) {
		const start = Number(tokens[at]);
		const length = Number(tokens[at + 1]);
		if (!/^\d+$/.test(tokens[at]) || !/^\d+$/.test(tokens[at + 1])) throw new RleError(`run ${at / 2} ("${tokens[at]} ${tokens[at + 1]}") is not two whole numbers`);
		if (start === 0) throw new RleError(`run ${at / 2} starts at pixel 0: fal's RLE counts pixels from 1`);
		if (length === 0) throw new RleError(`run ${at / 2} (start ${start}) has length 0`);
		const first = start - 1;
		if (first < next) throw new RleError(`run ${at / 2} (start ${start}) begins before the previous run ends`);
		if (first + length > pixels) throw new RleError(`run ${at / 2} (start ${start}, length ${length}) ends past the frame's ${width}×${height} pixels`);
		const last = first + length - 1;
		const y0 = Math.floor(first / width);
		const y1 = Math.floor(last / width);
		yMin = Math.min(yMin, y0);
		yMax = Math.max(yMax, y1);
		if (y0 === y1) {
			xMin = Math.min(xMin, first - y0 * width);
			xMax = Math.max(xMax, last - y1 * width);
		} else {
			// Its first row runs to the right edge, its last from the left edge.
			xMin = 0;
			xMax = width - 1;
		}
		area += length;
		next = first + length;
	}
	return area ? { box: { xMin, yMin, xMax, yMax }, area } : undefined;
}
