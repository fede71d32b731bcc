import type { MediaKind } from '../../job/media-input';
import { VIDEO_DOWNLOAD_LIMIT_BYTES, VIDEO_DOWNLOAD_TIMEOUT_MS, VIDEO_UPLOAD_LIMIT_BYTES } from '../../limits';
import { EBML, ebmlDocType } from './video-dimensions';

/**
 * Recognises video files by their first bytes: ISO BMFF (`ftyp` at byte 4: MP4, M4V, MOV by its brand) and
 * EBML (Matroska, WebM by its DocType). A name or a claimed MIME type is not proof.
 */
export function videoTypeOf(bytes: Buffer): string | undefined {
	if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp') {
		const brand = bytes.toString('latin1', 8, 12);
		if (brand === 'qt  ') return 'video/quicktime';
		if (brand.startsWith('M4V')) return 'video/x-m4v';
		return 'video/mp4';
	}
	if (bytes.length >= 4 && bytes.readUInt32BE(0) === EBML) return ebmlDocType(bytes) === 'webm' ? 'video/webm' : 'video/x-matroska';
	return undefined;
}

const VIDEO_EXTENSIONS: Record<string, string> = {
	'video/mp4': 'mp4',
	'video/x-m4v': 'm4v',
	'video/quicktime': 'mov',
	'video/webm': 'webm',
	'video/x-matroska': 'mkv',
};

/** Videos as SAM 3 reads them (uploaded to fal storage) and as the result video comes back. */
export const VIDEO_KIND: MediaKind = {
	noun: 'video',
	aNoun: 'a video',
	formats: 'MP4, MOV or WebM',
	typeOf: videoTypeOf,
	extensions: VIDEO_EXTENSIONS,
	uploadLimitBytes: VIDEO_UPLOAD_LIMIT_BYTES,
	downloadLimitBytes: VIDEO_DOWNLOAD_LIMIT_BYTES,
	downloadTimeoutMs: VIDEO_DOWNLOAD_TIMEOUT_MS,
};

/** fal's boundingbox_frames_zip: a ZIP archive (local file header `PK\x03\x04`, or an empty archive's end record). */
export const ZIP_KIND: MediaKind = {
	noun: 'zip',
	aNoun: 'a zip',
	formats: 'ZIP',
	typeOf: (bytes) => (bytes.length >= 4 && bytes.readUInt32BE(0) === (bytes[2] === 5 ? 0x504b0506 : 0x504b0304) ? 'application/zip' : undefined),
	extensions: { 'application/zip': 'zip' },
	downloadLimitBytes: VIDEO_DOWNLOAD_LIMIT_BYTES,
	downloadTimeoutMs: VIDEO_DOWNLOAD_TIMEOUT_MS,
};

/** The masks as one file (`rle` as a File, a declared answer whose content fal does not document): kept as it came. */
export const RLE_FILE_KIND: MediaKind = {
	noun: 'rle',
	aNoun: 'an RLE file',
	formats: 'any',
	typeOf: (bytes) => (/^\s*[[{]/.test(bytes.subarray(0, 16).toString('latin1')) ? 'application/json' : 'text/plain'),
	extensions: { 'application/json': 'json', 'text/plain': 'txt' },
	downloadLimitBytes: VIDEO_DOWNLOAD_LIMIT_BYTES,
	downloadTimeoutMs: VIDEO_DOWNLOAD_TIMEOUT_MS,
};
