/**
 * A recording as a test case: a fresh emulator answers with the recorded answer (tools/emulator/replay.ts), the
 * node runs the recorded request against it, and what the node makes of it must be what it made of the answer
 * when it was recorded (items, files and their sizes, JSON shape), with the answer's shape unchanged by replay.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

import { startEmulator } from '../emulator';
import { replayAnswer } from '../emulator/replay';
import { compareNodeOutput, type Comparison } from './compare';
import { LIVE_ENDPOINTS, type LiveEndpoint, SAMPLES } from './endpoints';
import { startRecordingProxy } from './proxy';
import { type Recording, resultOf } from './recording';
import { type NodeClass, PROXY_PREFIX, type RunMedia, runEndpoint } from './run-endpoint';
import { compareShapes, formatShapeDifference, shapeOf } from './shape';

const ROOT = join(__dirname, '..', '..');

export async function replayRecording(node: NodeClass, recording: Recording): Promise<Comparison> {
	const emulator = await startEmulator({ defaults: { latencyMs: 10, queueMs: 5, dispatchMs: 5 } });
	const proxy = await startRecordingProxy(
		{
			[PROXY_PREFIX.falRun]: emulator.falRunUrl,
			[PROXY_PREFIX.falQueue]: emulator.falQueueUrl,
			[PROXY_PREFIX.falRest]: emulator.falRestUrl,
			[PROXY_PREFIX.runflow]: emulator.runflowUrl,
		},
		[emulator.keys.fal, emulator.keys.runflow],
	);
	try {
		const { width, height, frames } = recording.sample;
		const sample = SAMPLES[recording.sample.name];
		let media: RunMedia;
		if (sample.kind === 'clip') {
			media = { kind: 'binary', bytes: readFileSync(join(ROOT, sample.path)), mimeType: 'video/mp4', fileName: sample.path.split('/').at(-1)! };
		} else {
			// The photo itself is not needed, only one of its size (RLE masks are decoded at the input's size).
			const photo = await sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 160 } } }).jpeg().toBuffer();
			media = { kind: 'url', url: emulator.hostImage(photo, 'image/jpeg', `${recording.sample.name}.jpg`) };
		}
		await replayAnswer(emulator, { provider: recording.provider, result: resultOf(recording), input: { width, height, frames } });
		const endpoint: LiveEndpoint = LIVE_ENDPOINTS.find((entry) => entry.id === recording.endpoint && entry.provider === recording.provider) ?? {
			id: recording.endpoint,
			provider: recording.provider,
			parameters: recording.parameters,
			sample: recording.sample.name,
			estimateUsd: () => 0,
			price: '',
		};
		// The recorded request, as it was made (its parameters, not today's entry's).
		const { imageUrl: _url, media: _media, ...parameters } = recording.parameters;
		const key = recording.provider === 'fal' ? emulator.keys.fal : emulator.keys.runflow;
		const outcome = proxy.redact(await runEndpoint(node, { ...endpoint, parameters }, media, key, proxy));
		const replayed: Recording = { ...recording, source: 'emulator', exchanges: proxy.take(), node: outcome };
		const out: Comparison = { differences: [], notes: [] };
		compareNodeOutput(recording, replayed, out);
		// A picture whose answer gives no size (3D Body's visualization) is replayed at the input's size: its size
		// cannot be compared, only noted.
		out.differences = out.differences.filter((line) => {
			const unsized = /^node output file \S+: .+ live, the input size from the emulator$/.test(line);
			if (unsized) out.notes.push(`${line} (the answer gives no size: replayed at the input's)`);
			return !unsized;
		});
		for (const difference of compareShapes(shapeOf(resultOf(replayed)), shapeOf(resultOf(recording)))) out.differences.push(formatShapeDifference('replayed answer', difference));
		return out;
	} finally {
		await proxy.close();
		await emulator.close();
	}
}
