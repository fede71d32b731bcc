/** Reading the input image the way a hosted model does: download http(s) (undici) or decode a data: URI. */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { fetch } from 'undici';

export interface InputImage {
	bytes: Buffer;
	width: number;
	height: number;
}

export class ImageLoadError extends Error {
	constructor(
		message: string,
		/** 'file_download_error' (could not fetch) or 'image_load_error' (fetched, not an image). */
		readonly errorType: 'file_download_error' | 'image_load_error',
	) {
		super(message);
	}
}

/** Same bytes, same Buffer: hundreds of jobs on one test image keep one copy for their lazy previews. */
const interned = new Map<string, Buffer>();
const MAX_INTERNED = 32;

function intern(bytes: Buffer): Buffer {
	const key = createHash('sha1').update(bytes).digest('hex');
	const known = interned.get(key);
	if (known) return known;
	if (interned.size >= MAX_INTERNED) interned.delete(interned.keys().next().value as string);
	interned.set(key, bytes);
	return bytes;
}

function decodeDataUri(uri: string): Buffer {
	const comma = uri.indexOf(',');
	const meta = uri.slice(5, comma);
	const data = uri.slice(comma + 1);
	return meta.endsWith(';base64') ? Buffer.from(data, 'base64') : Buffer.from(decodeURIComponent(data), 'latin1');
}

async function download(url: string, timeoutMs: number): Promise<Buffer> {
	let response;
	try {
		response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
	} catch (error) {
		throw new ImageLoadError(`Failed to download the file: ${(error as Error).message}`, 'file_download_error');
	}
	if (!response.ok) {
		await response.body?.cancel();
		throw new ImageLoadError(`Failed to download the file (HTTP ${response.status})`, 'file_download_error');
	}
	try {
		return Buffer.from(await response.arrayBuffer());
	} catch (error) {
		throw new ImageLoadError(`Failed to download the file: ${(error as Error).message}`, 'file_download_error');
	}
}

/** The bytes of a file input (image_url, video_url, mask_url): an http(s) download or a data: URI. */
export async function loadInputFile(url: string, field: string, timeoutMs = 30_000): Promise<Buffer> {
	if (/^data:[^,]*,/i.test(url)) return decodeDataUri(url);
	if (/^https?:\/\//i.test(url)) return await download(url, timeoutMs);
	throw new ImageLoadError(`Failed to download the file: ${field} must be an http(s) URL or a data: URI`, 'file_download_error');
}

export async function loadInputImage(imageUrl: string, timeoutMs = 30_000): Promise<InputImage> {
	const bytes = await loadInputFile(imageUrl, 'image_url', timeoutMs);
	try {
		const meta = await sharp(bytes).metadata();
		if (!meta.width || !meta.height) throw new Error('no dimensions');
		// EXIF-rotated images are segmented upright, as they display.
		const rotated = (meta.orientation ?? 1) >= 5;
		return { bytes: intern(bytes), width: rotated ? meta.height : meta.width, height: rotated ? meta.width : meta.height };
	} catch {
		throw new ImageLoadError(
			'Failed to load the image. Please ensure the image file is not corrupted and is in a supported format.',
			'image_load_error',
		);
	}
}
