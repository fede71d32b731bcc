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

/** Other files' types by their first bytes; what none of these starts like is kept as application/octet-stream. */
const OTHER_SIGNATURES: Array<[string, (bytes: Buffer) => boolean]> = [
	['application/zip', (b) => b.length >= 4 && (b.toString('hex', 0, 4) === '504b0304' || b.toString('hex', 0, 4) === '504b0506')],
	['application/gzip', (b) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b],
	['application/pdf', (b) => b.toString('latin1', 0, 5) === '%PDF-'],
	['application/json', (b) => /^\s*[[{]/.test(b.subarray(0, 16).toString('latin1'))],
];

/**
 * A file a provider reports beside the masks and the preview (Runflow's outputs[]: an archive of the masks, …):
 * any bytes, typed by their signature rather than by what the server claims, bounded like every result file.
 */
export const REPORTED_FILE_KIND: MediaKind = {
	noun: 'file',
	aNoun: 'a file',
	formats: 'any',
	typeOf: (bytes) => imageTypeOf(bytes) ?? OTHER_SIGNATURES.find(([, matches]) => matches(bytes))?.[0] ?? 'application/octet-stream',
	extensions: { ...EXTENSIONS, 'application/zip': 'zip', 'application/gzip': 'gz', 'application/pdf': 'pdf', 'application/json': 'json' },
};
