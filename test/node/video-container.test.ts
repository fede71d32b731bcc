/**
 * The node reads what a video file is and its frame size from the container alone (no decoding): the type decides
 * whether a binary is sent as a video, the size is what per-frame masks are decoded at. Checked on files a real
 * encoder wrote (fixtures/videos) and on the emulator's own test video.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { videoTypeOf } from '../../nodes/Sam3/operations/shared/video-bytes';
import { videoFrameSize } from '../../nodes/Sam3/operations/shared/video-dimensions';
import { makeTestVideo } from '../../tools/emulator/video-fixture';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'videos', name));

describe('video containers', () => {
	it.each([
		['h264-96x64.mp4', 'video/mp4', { width: 96, height: 64 }],
		['h264-96x64-faststart.mp4', 'video/mp4', { width: 96, height: 64 }],
		['mpeg4-96x64.mov', 'video/quicktime', { width: 96, height: 64 }],
		['vp9-80x48.webm', 'video/webm', { width: 80, height: 48 }],
		['mpeg4-72x40.mkv', 'video/x-matroska', { width: 72, height: 40 }],
	])('%s: %s, frames of %o', (name, type, size) => {
		const bytes = fixture(name);
		expect(videoTypeOf(bytes)).toBe(type);
		expect(videoFrameSize(bytes)).toEqual({ ...size, rotation: 0 });
	});

	it('reads the emulator\'s Motion-JPEG test videos in both containers', async () => {
		for (const container of ['mp4', 'webm'] as const) {
			const bytes = await makeTestVideo({ width: 40, height: 30, container });
			expect([videoTypeOf(bytes), videoFrameSize(bytes)]).toEqual([`video/${container}`, { width: 40, height: 30, rotation: 0 }]);
		}
	});

	it('is no video for an image, a zip or a cut-off header; no size for a file cut before its track header', () => {
		expect(videoTypeOf(Buffer.from('\x89PNG\r\n\x1a\n0000', 'latin1'))).toBeUndefined();
		expect(videoTypeOf(Buffer.from('PK\x03\x04rest', 'latin1'))).toBeUndefined();
		expect(videoTypeOf(Buffer.from([0x1a, 0x45]))).toBeUndefined();
		const mp4 = fixture('h264-96x64-faststart.mp4');
		expect(videoTypeOf(mp4.subarray(0, 32))).toBe('video/mp4');
		expect(videoFrameSize(mp4.subarray(0, 200))).toBeUndefined();
	});

	/** The fixture with its video track's tkhd matrix replaced: a, b, c, d (16.16), as a phone writes a turned recording. */
	function turnedMp4(name: string, [a, b, c, d]: number[]): Buffer {
		const bytes = Buffer.from(fixture(name));
		for (let at = bytes.indexOf('tkhd'); at >= 0; at = bytes.indexOf('tkhd', at + 4)) {
			const end = at - 4 + bytes.readUInt32BE(at - 4);
			const matrix = end - 44;
			[a, b, 0, c, d, 0].forEach((value, index) => bytes.writeInt32BE(value * 0x10000, matrix + index * 4));
		}
		return bytes;
	}

	it.each([
		['90°', [0, 1, -1, 0], { width: 64, height: 96, rotation: 90 }],
		['270°', [0, -1, 1, 0], { width: 64, height: 96, rotation: 270 }],
		['180°', [-1, 0, 0, -1], { width: 96, height: 64, rotation: 180 }],
	])('an MP4 whose track matrix turns it %s: the frame size as shown (a phone video recorded upright is portrait)', (_, matrix, size) => {
		expect(videoFrameSize(turnedMp4('h264-96x64-faststart.mp4', matrix as number[]))).toEqual(size);
		expect(videoFrameSize(turnedMp4('mpeg4-96x64.mov', matrix as number[]))).toEqual(size);
	});

	it('a Matroska video whose display size is its pixel size turned: portrait; another display size (an aspect ratio): the pixel size', () => {
		const mkv = fixture('mpeg4-72x40.mkv');
		// PixelHeight (0xBA, 1 byte: 40) is followed by DisplayWidth/DisplayHeight as muxers write them.
		const withDisplay = (width: number, height: number) => {
			const at = mkv.indexOf(Buffer.from([0xba, 0x81, 40]));
			expect(at).toBeGreaterThan(0);
			const extra = Buffer.from([0x54, 0xb0, 0x81, width, 0x54, 0xba, 0x81, height]);
			const out = Buffer.concat([mkv.subarray(0, at + 3), extra, mkv.subarray(at + 3)]);
			return growParents(out, at, extra.length);
		};
		expect(videoFrameSize(withDisplay(40, 72))).toEqual({ width: 40, height: 72, rotation: 90 });
		expect(videoFrameSize(withDisplay(80, 40))).toEqual({ width: 72, height: 40, rotation: 0 });
	});
});

/** Grows every EBML element that encloses byte `at` by `by` bytes (sizes written as 8-byte vints by ffmpeg, or 1-byte). */
function growParents(bytes: Buffer, at: number, by: number): Buffer {
	const walk = (from: number, to: number) => {
		for (let offset = from; offset < to; ) {
			const idLength = Math.clz32(bytes[offset]) - 23;
			const sizeAt = offset + idLength;
			const sizeLength = Math.clz32(bytes[sizeAt]) - 23;
			let size = bytes[sizeAt] & (0xff >> sizeLength);
			for (let i = 1; i < sizeLength; i++) size = size * 256 + bytes[sizeAt + i];
			const body = sizeAt + sizeLength;
			const unknown = size === 2 ** (7 * sizeLength) - 1;
			const end = unknown ? to : body + size;
			if (at >= body && at < end) {
				if (!unknown) {
					const grown = size + by;
					for (let i = sizeLength - 1, value = grown; i >= 0; i--, value = Math.floor(value / 256)) bytes[sizeAt + i] = value & 0xff;
					bytes[sizeAt] |= 0x80 >> (sizeLength - 1);
				}
				walk(body, end);
				return;
			}
			offset = end;
		}
	};
	walk(0, bytes.length - by);
	return bytes;
}
