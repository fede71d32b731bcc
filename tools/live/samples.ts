/**
 * The samples, fetched and measured once per run: an image's pixel size, a clip's frame size and frame count
 * (what the video estimate bills). Downloads are bounded in time and size.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { fetch } from 'undici';

import { readVideo } from '../emulator/video-container';
import type { MeasuredSample, Sample, SampleName } from './endpoints';

const MAX_SAMPLE_BYTES = 20 * 1024 * 1024;
const ROOT = join(__dirname, '..', '..');

export interface LoadedSample {
	sample: Sample;
	bytes: Buffer;
	mimeType: string;
	measured: MeasuredSample;
}

async function download(url: string): Promise<{ bytes: Buffer; mimeType: string }> {
	const answer = await fetch(url, { signal: AbortSignal.timeout(30_000), redirect: 'follow' });
	if (answer.status !== 200 || !answer.body) {
		await answer.body?.cancel();
		throw new Error(`HTTP ${answer.status}`);
	}
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of answer.body) {
		size += chunk.length;
		if (size > MAX_SAMPLE_BYTES) throw new Error(`larger than ${MAX_SAMPLE_BYTES / 1024 / 1024} MiB`);
		chunks.push(Buffer.from(chunk));
	}
	return { bytes: Buffer.concat(chunks), mimeType: String(answer.headers.get('content-type') ?? '').split(';')[0] };
}

export async function loadSample(name: SampleName, sample: Sample): Promise<LoadedSample> {
	if (sample.kind === 'image') {
		let fetched;
		try {
			fetched = await download(sample.url);
		} catch (error) {
			throw new Error(`sample "${name}" (${sample.url}) could not be fetched: ${(error as Error).message}`);
		}
		const meta = await sharp(fetched.bytes).metadata();
		if (!meta.width || !meta.height) throw new Error(`sample "${name}" (${sample.url}) is not an image`);
		const mimeType = fetched.mimeType.startsWith('image/') ? fetched.mimeType : `image/${meta.format === 'jpeg' ? 'jpeg' : meta.format}`;
		return { sample, bytes: fetched.bytes, mimeType, measured: { name, width: meta.width, height: meta.height, frames: 1, bytes: fetched.bytes.length } };
	}
	const bytes = readFileSync(join(ROOT, sample.path));
	const info = readVideo(bytes);
	return {
		sample,
		bytes,
		mimeType: info.container === 'webm' ? 'video/webm' : 'video/mp4',
		measured: { name, width: info.width, height: info.height, frames: info.frameCount, bytes: bytes.length },
	};
}
