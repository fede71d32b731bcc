/**
 * The node reads what a video file is and its frame size from the container alone (no decoding): the type decides
 * whether a binary is sent as a video, the size is what per-frame masks are decoded at. Checked on files a real
 * encoder wrote (fixtures/videos) and on the emulator's own test video.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { videoTypeOf } from '../../nodes/Sam3/operations/segment-video/video-bytes';
import { videoFrameSize } from '../../nodes/Sam3/operations/segment-video/video-dimensions';
import { makeTestVideo } from '../emulator/video-fixture';

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
		expect(videoFrameSize(bytes)).toEqual(size);
	});

	it('reads the emulator\'s Motion-JPEG test videos in both containers', async () => {
		for (const container of ['mp4', 'webm'] as const) {
			const bytes = await makeTestVideo({ width: 40, height: 30, container });
			expect([videoTypeOf(bytes), videoFrameSize(bytes)]).toEqual([`video/${container}`, { width: 40, height: 30 }]);
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
});
