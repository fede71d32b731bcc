/**
 * An image's width and height from its first bytes (PNG IHDR, JPEG SOF, WebP VP8/VP8L/VP8X, GIF, BMP): plain byte
 * reading, no decoder, so the node stays within what a verified community node may import. JPEG sizes are as
 * displayed (EXIF orientation applied), as the provider segments the photo upright.
 */
export interface ImageSize {
	width: number;
	height: number;
}

/** How many leading bytes are enough: JPEG's SOF may follow large EXIF / ICC segments. */
export const IMAGE_HEAD_BYTES = 512 * 1024;

const ascii = (b: Buffer, from: number, to: number) => (b.length >= to ? b.toString('ascii', from, to) : '');

function pngSize(b: Buffer): ImageSize | undefined {
	if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47 || ascii(b, 12, 16) !== 'IHDR') return undefined;
	return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function gifSize(b: Buffer): ImageSize | undefined {
	if (b.length < 10 || ascii(b, 0, 4) !== 'GIF8') return undefined;
	return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
}

function bmpSize(b: Buffer): ImageSize | undefined {
	if (b.length < 26 || ascii(b, 0, 2) !== 'BM') return undefined;
	return { width: Math.abs(b.readInt32LE(18)), height: Math.abs(b.readInt32LE(22)) };
}

function webpSize(b: Buffer): ImageSize | undefined {
	if (ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 12) !== 'WEBP') return undefined;
	const chunk = ascii(b, 12, 16);
	// Lossy: a key frame's start code 9d 01 2a, then 14-bit width and height.
	if (chunk === 'VP8 ' && b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
		return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
	}
	// Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
	if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
		const bits = b.readUInt32LE(21);
		return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
	}
	// Extended: canvas width-1 and height-1 in 24 bits each.
	if (chunk === 'VP8X' && b.length >= 30) return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
	return undefined;
}

/** Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** EXIF orientation (1-8) from an APP1 segment's payload, or undefined. */
function exifOrientation(b: Buffer, start: number, end: number): number | undefined {
	if (end - start < 14 || b.toString('ascii', start, start + 4) !== 'Exif') return undefined;
	const tiff = start + 6;
	const little = b.toString('ascii', tiff, tiff + 2) === 'II';
	const u16 = (at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
	const u32 = (at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
	const ifd = tiff + u32(tiff + 4);
	if (ifd + 2 > end) return undefined;
	const entries = u16(ifd);
	for (let i = 0; i < entries; i++) {
		const entry = ifd + 2 + i * 12;
		if (entry + 12 > end) return undefined;
		if (u16(entry) === 0x0112) return u16(entry + 8);
	}
	return undefined;
}

/** Size as displayed: EXIF orientations 5-8 turn the picture a quarter, so width and height swap. */
function jpegSize(b: Buffer): ImageSize | undefined {
	if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
	let offset = 2;
	let orientation: number | undefined;
	while (offset + 4 <= b.length) {
		if (b[offset] !== 0xff) return undefined;
		const marker = b[offset + 1];
		if (marker === 0xff) {
			offset += 1; // fill byte
			continue;
		}
		// Markers without a length: TEM, RST0-7.
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			offset += 2;
			continue;
		}
		if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / start of scan before any frame
		const length = b.readUInt16BE(offset + 2);
		if (marker === 0xe1 && orientation === undefined) orientation = exifOrientation(b, offset + 4, Math.min(b.length, offset + 2 + length));
		if (isStartOfFrame(marker)) {
			if (offset + 9 > b.length) return undefined;
			const stored = { width: b.readUInt16BE(offset + 7), height: b.readUInt16BE(offset + 5) };
			return orientation && orientation >= 5 && orientation <= 8 ? { width: stored.height, height: stored.width } : stored;
		}
		offset += 2 + length;
	}
	return undefined;
}

/** The size an image file declares in its header, or undefined when the bytes are not one of those formats. */
export function imageSizeOf(bytes: Buffer): ImageSize | undefined {
	try {
		for (const read of [pngSize, jpegSize, webpSize, gifSize, bmpSize]) {
			const size = read(bytes);
			if (size) return size.width > 0 && size.height > 0 ? size : undefined;
		}
	} catch {
		// A header that points past its own bytes: no size, not a failed item.
	}
	return undefined;
}
