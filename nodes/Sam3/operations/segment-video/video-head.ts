import type { IBinaryData, IExecuteSingleFunctions } from 'n8n-workflow';

import { MalformedMediaError } from '../../codecs/malformed';
import { MiB } from '../../limits';
import { EBML } from '../shared/video-dimensions';

/** Matroska puts Tracks near the start (after SeekHead and Info): its first bytes are enough. */
const MATROSKA_HEAD_BYTES = 2 * MiB;
/** The largest `moov` box read for a frame size: a 50,000-frame movie's sample tables fit many times over. */
export const MOOV_LIMIT_BYTES = 32 * MiB;

/** A stored binary's bytes as chunks: n8n's binary storage streamed, or memory-mode base64 decoded a slice at a time. */
export async function binaryChunks(ctx: IExecuteSingleFunctions, binary: IBinaryData): Promise<AsyncIterable<Buffer> & { close(): void }> {
	if (binary.id) {
		const stream = (await ctx.helpers.getBinaryStream(binary.id)) as AsyncIterable<Buffer> & { destroy(): void };
		return Object.assign(stream, { close: () => stream.destroy() });
	}
	const text = binary.data ?? '';
	const slice = 4 * 256 * 1024; // whole base64 quads: 768 KiB a slice
	return {
		async *[Symbol.asyncIterator]() {
			for (let at = 0; at < text.length; at += slice) yield Buffer.from(text.slice(at, at + slice), 'base64');
		},
		close() {},
	};
}

/** A stored video's headers only (videoHead below): an 85 MiB binary is not read whole to learn its size or frames. */
export async function storedVideoHead(ctx: IExecuteSingleFunctions, binary: IBinaryData): Promise<Buffer> {
	const chunks = await binaryChunks(ctx, binary);
	try {
		return await videoHead(chunks);
	} finally {
		chunks.close();
	}
}

/**
 * The part of a video that holds its track headers, read without holding the file: MP4/MOV's `ftyp` and `moov`
 * boxes (every other top-level box, the media data above all, is skipped by its size, so a `moov` written at the
 * end costs a pass but no memory), Matroska's first 2 MiB. What comes back is itself a small video file's start
 * that video-dimensions.ts reads; the rest of the file is never read once the headers are in.
 */
export async function videoHead(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
	const source = chunks[Symbol.asyncIterator]();
	let pending: Buffer = Buffer.alloc(0);
	let ended = false;
	const fill = async (bytes: number) => {
		const parts: Buffer[] = [pending];
		let length = pending.length;
		while (length < bytes && !ended) {
			const next = await source.next();
			if (next.done) ended = true;
			else {
				parts.push(next.value);
				length += next.value.length;
			}
		}
		pending = Buffer.concat(parts);
	};
	/** Drops `bytes` from the front, reading (and dropping) as many as needed. */
	const skip = async (bytes: number) => {
		let left = bytes;
		while (left > pending.length && !ended) {
			left -= pending.length;
			pending = Buffer.alloc(0);
			const next = await source.next();
			if (next.done) ended = true;
			else pending = next.value;
		}
		pending = pending.subarray(Math.min(left, pending.length));
	};

	await fill(12);
	if (pending.length >= 4 && pending.readUInt32BE(0) === EBML) {
		await fill(MATROSKA_HEAD_BYTES);
		return pending.subarray(0, MATROSKA_HEAD_BYTES);
	}
	if (pending.length < 12 || pending.toString('latin1', 4, 8) !== 'ftyp') return pending;
	const kept: Buffer[] = [];
	for (let offset = 0; ; ) {
		await fill(16);
		if (pending.length < 8) break;
		let size = pending.readUInt32BE(0);
		const type = pending.toString('latin1', 4, 8);
		if (size === 1) {
			if (pending.length < 16) break;
			size = Number(pending.readBigUInt64BE(8));
		}
		const wanted = type === 'ftyp' || type === 'moov';
		if (size === 0) {
			// The last box runs to the end of the file.
			if (type === 'moov') {
				await fill(MOOV_LIMIT_BYTES + 1);
				if (pending.length > MOOV_LIMIT_BYTES) throw new MalformedMediaError('MP4/MOV', `its moov box is larger than ${MOOV_LIMIT_BYTES / MiB} MiB`);
				kept.push(pending);
			}
			break;
		}
		if (size < 8) throw new MalformedMediaError('MP4/MOV', `the box at byte ${offset} is ${size} bytes long, shorter than its own header`);
		if (wanted) {
			if (size > MOOV_LIMIT_BYTES) throw new MalformedMediaError('MP4/MOV', `its ${type} box is larger than ${MOOV_LIMIT_BYTES / MiB} MiB`);
			await fill(size);
			kept.push(pending.subarray(0, size));
			if (type === 'moov') break;
			pending = pending.subarray(size);
		} else {
			await skip(size);
		}
		offset += size;
		if (ended && pending.length === 0) break;
	}
	return Buffer.concat(kept);
}
