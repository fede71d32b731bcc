/**
 * The one small video fixture: a TEST DOUBLE of a clip, made at test time, deterministic (same options, same
 * bytes). An orange square moves right across a grey-blue backdrop; Motion-JPEG in MP4 (or WebM), written by
 * video-container.ts. Real fal takes any video; this one is only for the emulator and the node's tests.
 */
import sharp from 'sharp';

import { writeMp4, writeWebm } from './video-container';

export interface TestVideoOptions {
	width?: number;
	height?: number;
	frames?: number;
	fps?: number;
	container?: 'mp4' | 'webm';
}

export async function makeTestVideo(options: TestVideoOptions = {}): Promise<Buffer> {
	const { width = 64, height = 48, frames = 8, fps = 8, container = 'mp4' } = options;
	const side = Math.max(4, Math.round(Math.min(width, height) / 3));
	const pictures = await Promise.all(
		Array.from({ length: frames }, async (_, frame) => {
			const rgb = Buffer.alloc(width * height * 3);
			const left = Math.round(((width - side) * frame) / Math.max(1, frames - 1));
			const top = Math.round((height - side) / 2);
			for (let y = 0; y < height; y++) {
				for (let x = 0; x < width; x++) {
					const inside = x >= left && x < left + side && y >= top && y < top + side;
					rgb.set(inside ? [240, 140, 30] : [70, 90, 120], (y * width + x) * 3);
				}
			}
			return await sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
		}),
	);
	return container === 'webm' ? writeWebm(pictures, width, height, fps) : writeMp4(pictures, width, height, fps);
}
