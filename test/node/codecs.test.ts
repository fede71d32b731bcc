/** The node's own PNG writer and RLE reader (no zlib): checked against sharp (libvips/libspng), an independent decoder. */
import sharp from 'sharp';

import { adler32, crc32, encodeBilevelPng, scanlineBytes, zlibStored } from '../../nodes/Sam3/codecs/png-encode';
import { RleError, decodeRleScanlines } from '../../nodes/Sam3/codecs/rle-decode';
import { inflateSync } from 'node:zlib';

/** Scanlines of a pseudo-random bitmap and the same pixels as 0/255 bytes, row-major. */
function bitmap(width: number, height: number, seed: number): { scanlines: Buffer; pixels: Buffer } {
	const stride = scanlineBytes(width);
	const scanlines = Buffer.alloc(height * stride);
	const pixels = Buffer.alloc(width * height);
	let state = seed;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			state = (state * 1103515245 + 12345) & 0x7fffffff;
			if (state % 3 === 0) {
				pixels[y * width + x] = 255;
				scanlines[y * stride + 1 + (x >> 3)] |= 0x80 >> (x & 7);
			}
		}
	}
	return { scanlines, pixels };
}

async function decoded(png: Buffer): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
	const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height, channels: info.channels };
}

describe('PNG without zlib', () => {
	it('computes the standard checksums (CRC-32 and Adler-32 check values)', () => {
		expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
		expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
		expect(adler32(Buffer.alloc(0))).toBe(1);
	});

	it('writes stored deflate blocks any inflater reads back (one block and several)', () => {
		for (const length of [0, 1, 65535, 65536, 200_000]) {
			const data = Buffer.alloc(length, 7);
			expect(inflateSync(zlibStored(data)).equals(data)).toBe(true);
		}
	});

	it.each([
		[1, 1],
		[7, 3],
		[8, 8],
		[9, 5],
		[333, 211],
		[2000, 300], // 75,300 bytes of scanlines: more than one stored block
	])('a %i×%i 1-bit PNG decodes with sharp to exactly its pixels (0 / 255)', async (width, height) => {
		const { scanlines, pixels } = bitmap(width, height, width * 31 + height);
		const image = await decoded(encodeBilevelPng(width, height, scanlines));
		expect([image.width, image.height, image.channels]).toEqual([width, height, 1]);
		expect(image.data.equals(pixels)).toBe(true);
	});
});

describe('fal RLE (1-based start/length pairs, row-major)', () => {
	const size = { width: 5, height: 3 };
	const bits = (scanlines: Buffer) => {
		const rows: string[] = [];
		for (let y = 0; y < size.height; y++) {
			let row = '';
			for (let x = 0; x < size.width; x++) row += scanlines[y * 2 + 1 + (x >> 3)] & (0x80 >> (x & 7)) ? '#' : '.';
			rows.push(row);
		}
		return rows;
	};

	it('decodes runs, across row ends too, with any whitespace between numbers', () => {
		expect(bits(decodeRleScanlines('1 2  4 3\n15\t1', size))).toEqual(['##.##', '#....', '....#']);
		expect(bits(decodeRleScanlines('', size))).toEqual(['.....', '.....', '.....']);
		expect(bits(decodeRleScanlines(' 1 15 ', size))).toEqual(['#####', '#####', '#####']);
	});

	it.each([
		['0 3', /starts at pixel 0.*counts pixels from 1/],
		['1 2 3', /odd count/],
		['4 2 1 2', /before the previous run ends/],
		['1 3 3 1', /before the previous run ends/],
		['14 3', /ends past the image's 5×3 = 15 pixels/],
		['2 0', /length 0/],
		['1 -2', /not a whole number/],
		['1 2.5', /not a whole number/],
		['{"counts": "1 2"}', /not a whole number/],
		['1 9999999999999999', /too large/],
	])('names what is wrong with %j', (rle, message) => {
		expect(() => decodeRleScanlines(rle, size)).toThrow(RleError);
		expect(() => decodeRleScanlines(rle, size)).toThrow(message);
	});
});
