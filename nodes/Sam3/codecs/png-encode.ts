/**
 * A 1-bit grayscale PNG (black background, white mask) written by hand: a verified community node may not import
 * zlib, so the image data goes into zlib "stored" (uncompressed) deflate blocks, with the Adler-32 and CRC-32
 * checksums PNG and zlib require. The file is larger than a compressed PNG (one bit per pixel: a 1024×1024 mask
 * is 129 KiB) and decodes to exactly the same pixels.
 */

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Deflate's stored blocks hold at most 65,535 bytes each. */
const STORED_BLOCK_BYTES = 0xffff;

let crcTable: Uint32Array | undefined;

function crc32Table(): Uint32Array {
	if (crcTable) return crcTable;
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	crcTable = table;
	return table;
}

/** CRC-32 (ISO 3309, as PNG uses it) of bytes [from, to). */
export function crc32(bytes: Uint8Array, from = 0, to = bytes.length): number {
	const table = crc32Table();
	let crc = 0xffffffff;
	for (let i = from; i < to; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

/** Adler-32 (RFC 1950) of the bytes; sums reduced every 5,552 bytes, the most that cannot overflow. */
export function adler32(bytes: Uint8Array): number {
	let a = 1;
	let b = 0;
	for (let start = 0; start < bytes.length; start += 5552) {
		const end = Math.min(bytes.length, start + 5552);
		for (let i = start; i < end; i++) {
			a += bytes[i];
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return ((b << 16) | a) >>> 0;
}

/** A zlib stream of stored deflate blocks: no compression, valid for every inflater. */
export function zlibStored(data: Uint8Array): Buffer {
	const blocks = Math.max(1, Math.ceil(data.length / STORED_BLOCK_BYTES));
	const out = Buffer.alloc(2 + data.length + blocks * 5 + 4);
	out[0] = 0x78; // deflate, 32 KiB window
	out[1] = 0x01; // no dictionary, fastest; (0x78 << 8 | 0x01) is a multiple of 31
	let at = 2;
	for (let block = 0; block < blocks; block++) {
		const from = block * STORED_BLOCK_BYTES;
		const length = Math.min(STORED_BLOCK_BYTES, data.length - from);
		out[at] = block === blocks - 1 ? 1 : 0; // BFINAL, BTYPE 00 (stored)
		out.writeUInt16LE(length, at + 1);
		out.writeUInt16LE(~length & 0xffff, at + 3);
		out.set(data.subarray(from, from + length), at + 5);
		at += 5 + length;
	}
	out.writeUInt32BE(adler32(data), at);
	return out;
}

function chunk(type: string, data: Uint8Array): Buffer {
	const out = Buffer.alloc(12 + data.length);
	out.writeUInt32BE(data.length, 0);
	out.write(type, 4, 'ascii');
	out.set(data, 8);
	out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
	return out;
}

/** Bytes per scanline of a 1-bit image: a filter-type byte, then one bit per pixel, leftmost pixel in the high bit. */
export const scanlineBytes = (width: number) => 1 + Math.ceil(width / 8);

/**
 * A PNG of `height` 1-bit scanlines (each `scanlineBytes(width)` long, filter byte 0 first; a set bit is white).
 * The scanlines are the image data as PNG stores it, so they are wrapped, not copied row by row.
 */
export function encodeBilevelPng(width: number, height: number, scanlines: Uint8Array): Buffer {
	if (scanlines.length !== height * scanlineBytes(width)) throw new Error(`expected ${height * scanlineBytes(width)} bytes of scanlines, got ${scanlines.length}`);
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 1; // bit depth
	header[9] = 0; // grayscale
	// compression 0 (deflate), filter method 0, no interlace: the bytes stay 0.
	return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', zlibStored(scanlines)), chunk('IEND', Buffer.alloc(0))]);
}
