/**
 * fal's mask RLE as the emulator writes it (sam3-family.md §6, the observed form): whitespace-separated
 * (start, length) pairs, starts 1-based, pixels row-major, runs ascending. Written from that page, not from the
 * node's decoder. `rleFault` distorts an RLE answer for the node's tests of malformed ones.
 */

/** The runs of a width*height 0/255 raster (any non-zero byte is the object). */
export function encodeRle(pixels: Buffer, width: number, height: number): string {
	const parts: number[] = [];
	const total = width * height;
	let start = -1;
	for (let p = 0; p <= total; p++) {
		const on = p < total && pixels[p] !== 0;
		if (on && start < 0) start = p;
		else if (!on && start >= 0) {
			parts.push(start + 1, p - start);
			start = -1;
		}
	}
	return parts.join(' ');
}

/** The emulator's RLE answer: one string for one mask, else a list (sam3-family.md §3). */
export function rleField(strings: string[]): string | string[] {
	return strings.length === 1 ? strings[0] : strings;
}

export type RleFault =
	/** Every start one lower: a 0-based encoding (the first run of a mask at the top-left begins at 0). */
	| 'zeroBased'
	/** The last number dropped: an odd count. */
	| 'oddCount'
	/** A second copy of the first run appended: runs overlap and no longer ascend. */
	| 'overlapping'
	/** A run appended past the last pixel. */
	| 'pastEnd'
	/** COCO-style JSON text in place of the pairs. */
	| 'cocoJson'
	/** A number where a string belongs. */
	| 'notAString'
	/** A run covering a billion pixels: what a hostile answer would send to make a client allocate. */
	| 'huge';

function distort(rle: string, fault: RleFault): unknown {
	const numbers = rle.trim() ? rle.trim().split(/\s+/).map(Number) : [];
	switch (fault) {
		case 'zeroBased':
			return (numbers.length ? numbers : [1, 1]).map((value, index) => (index % 2 === 0 ? value - 1 : value)).join(' ');
		case 'oddCount':
			return (numbers.length ? numbers : [1, 1]).slice(0, -1).join(' ');
		case 'overlapping':
			return [...numbers, ...(numbers.length ? numbers.slice(0, 2) : [1, 1, 1, 1])].join(' ');
		case 'pastEnd':
			return [...numbers, 2_000_000_000, 5].join(' ');
		case 'cocoJson':
			return JSON.stringify({ size: [0, 0], counts: rle });
		case 'notAString':
			return 12345;
		case 'huge':
			return '1 1000000000';
	}
}

/** A result-body script (`emulator.jobs.script({ resultBody: rleFault('zeroBased') })`): the mask `index` goes bad. */
export function rleFault(fault: RleFault, index = 0): (body: unknown) => unknown {
	return (body) => {
		const answer = { ...(body as { rle: string | string[] }) };
		if (Array.isArray(answer.rle)) answer.rle = answer.rle.map((rle, i) => (i === index ? distort(rle, fault) : rle)) as string[];
		else answer.rle = distort(answer.rle, fault) as string;
		return answer;
	};
}
