import { scanlineBytes } from './png-encode';

/**
 * fal's mask RLE (image-rle, video-rle): whitespace-separated integers read as (start, length) pairs, Kaggle
 * style: starts 1-based, pixels in row-major order, runs ascending and not overlapping (sam3-family.md §6; fal
 * documents only "Run Length Encoding of the mask", real answers show these pairs). The answer carries no size:
 * the caller gives the input image's. Decoding is strict: anything else is named, never guessed: a start of 0
 * would mean a 0-based encoding, which no answer has shown.
 */
export class RleError extends Error {}

export interface MaskSize {
	width: number;
	height: number;
}

const SPACE = 0x20;
const isWhitespace = (code: number) => code === SPACE || (code >= 0x09 && code <= 0x0d);
/** More digits than a pixel index of any image can have (and within what a double holds exactly). */
const MAX_DIGITS = 15;

/**
 * The mask as PNG scanlines (one filter byte, then 1 bit per pixel, high bit first; see png-encode.ts), set bits
 * where the runs are. Work and memory are bounded by the size given and the string's length, whatever it holds.
 */
export function decodeRleScanlines(rle: string, size: MaskSize): Buffer {
	const stride = scanlineBytes(size.width);
	const out = Buffer.alloc(size.height * stride);
	forEachRun(rle, size, (first, length) => fillRun(out, stride, size.width, first, length));
	return out;
}

/** Checks the RLE as strictly as decoding does, without making the bitmap: what a mask left undecoded must pass. */
export function checkRle(rle: string, size: MaskSize): void {
	forEachRun(rle, size, () => {});
}

/** Reads the runs in order, each checked (ascending, within the image), and hands each on: first pixel (0-based), length. */
function forEachRun(rle: string, size: MaskSize, onRun: (first: number, length: number) => void): void {
	const { width, height } = size;
	const pixels = width * height;
	let next = 0; // the first pixel (0-based) the next run may start at
	let run = 0;
	let start: number | undefined;
	let at = 0;
	while (at < rle.length) {
		const code = rle.charCodeAt(at);
		if (isWhitespace(code)) {
			at++;
			continue;
		}
		let value = 0;
		const from = at;
		for (; at < rle.length && !isWhitespace(rle.charCodeAt(at)); at++) {
			const digit = rle.charCodeAt(at) - 0x30;
			if (digit < 0 || digit > 9) throw new RleError(`"${rle.slice(from, from + 12)}" at character ${from} is not a whole number`);
			if (at - from >= MAX_DIGITS) throw new RleError(`the number at character ${from} is too large to be a pixel index`);
			value = value * 10 + digit;
		}
		if (start === undefined) {
			if (value === 0) {
				throw new RleError(`run ${run} starts at pixel 0: fal's RLE counts pixels from 1, so a 0 means another encoding (not decoded rather than guessed)`);
			}
			if (value - 1 < next) throw new RleError(`run ${run} (start ${value}) begins before the previous run ends: runs must ascend without overlapping`);
			start = value;
			continue;
		}
		if (value === 0) throw new RleError(`run ${run} (start ${start}) has length 0`);
		const first = start - 1;
		if (first + value > pixels) {
			throw new RleError(`run ${run} (start ${start}, length ${value}) ends past the image's ${width}×${height} = ${pixels} pixels`);
		}
		onRun(first, value);
		next = first + value;
		start = undefined;
		run++;
	}
	if (start !== undefined) throw new RleError(`it holds an odd count of numbers: run ${run} (start ${start}) has no length`);
}

/** Sets `length` pixels from pixel `first` (0-based, row-major), row by row, whole bytes at a time where it can. */
function fillRun(out: Buffer, stride: number, width: number, first: number, length: number): void {
	let pixel = first;
	let left = length;
	while (left > 0) {
		const y = Math.floor(pixel / width);
		const x0 = pixel - y * width;
		const x1 = Math.min(width, x0 + left); // exclusive
		setBits(out, y * stride + 1, x0, x1);
		left -= x1 - x0;
		pixel += x1 - x0;
	}
}

function setBits(out: Buffer, row: number, x0: number, x1: number): void {
	let x = x0;
	while (x < x1 && x % 8 !== 0) {
		out[row + (x >> 3)] |= 0x80 >> (x & 7);
		x++;
	}
	const wholeEnd = x1 - (x1 % 8);
	if (wholeEnd > x) {
		out.fill(0xff, row + (x >> 3), row + (wholeEnd >> 3));
		x = wholeEnd;
	}
	for (; x < x1; x++) out[row + (x >> 3)] |= 0x80 >> (x & 7);
}
