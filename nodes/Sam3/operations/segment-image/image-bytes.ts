import type { MediaKind } from '../../job/media-input';

/** Recognises image files by their first bytes: a file's name or claimed MIME type is not proof. */
const SIGNATURES: Array<[string, (bytes: Buffer) => boolean]> = [
	['image/png', (b) => b.length > 8 && b.readUInt32BE(0) === 0x89504e47],
	['image/jpeg', (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
	['image/webp', (b) => b.length > 12 && b.toString('ascii', 0, 4) === 'RIFF' && b.toString('ascii', 8, 12) === 'WEBP'],
	['image/gif', (b) => b.length > 6 && b.toString('ascii', 0, 4) === 'GIF8'],
	['image/bmp', (b) => b.length > 2 && b.toString('ascii', 0, 2) === 'BM'],
	['image/tiff', (b) => b.length > 4 && (b.toString('hex', 0, 4) === '49492a00' || b.toString('hex', 0, 4) === '4d4d002a')],
];

export function imageTypeOf(bytes: Buffer): string | undefined {
	return SIGNATURES.find(([, matches]) => matches(bytes))?.[0];
}

export const EXTENSIONS: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'image/bmp': 'bmp',
	'image/tiff': 'tiff',
};

/** Images as SAM 3 reads them and as the masks and previews come back. */
export const IMAGE_KIND: MediaKind = {
	noun: 'image',
	aNoun: 'an image',
	formats: 'PNG, JPEG, WebP, GIF, BMP or TIFF',
	typeOf: imageTypeOf,
	extensions: EXTENSIONS,
};
