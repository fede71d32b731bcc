/**
 * Recorded answers as test cases: every recording under test/live/recorded (what `npm run verify:live` wrote from
 * the real providers and a maintainer committed) is replayed by the emulator, and the node must make of it what it
 * made of the live answer. A fresh recording of each endpoint, from the emulator, goes through the same round trip,
 * so the replay itself is tested whether or not real recordings are committed yet.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { type Emulator, startEmulator } from '../../tools/emulator';
import { SAMPLES } from '../../tools/live/endpoints';
import { type Recording, readRecordings } from '../../tools/live/recording';
import { replayRecording } from '../../tools/live/replay-recording';
import { verifyLive } from '../../tools/live/verify';

let standIn: Emulator;
let fresh: Array<{ path: string; recording: Recording }>;

beforeAll(async () => {
	standIn = await startEmulator({ defaults: { latencyMs: 10, queueMs: 5, dispatchMs: 5 } });
	const photo = await sharp({ create: { width: 240, height: 160, channels: 3, background: { r: 200, g: 200, b: 210 } } }).jpeg().toBuffer();
	const recordDir = mkdtempSync(join(tmpdir(), 'sam3-live-replay-'));
	const code = await verifyLive({
		node: Sam3,
		targets: {
			fal: { key: standIn.keys.fal, urls: { run: standIn.falRunUrl, queue: standIn.falQueueUrl, rest: standIn.falRestUrl } },
			runflow: { key: standIn.keys.runflow, urls: { api: standIn.runflowUrl } },
		},
		yes: true,
		recordDir,
		samples: { truck: { ...SAMPLES.truck, url: standIn.hostImage(photo, 'image/jpeg', 'truck.jpg') }, person: { ...SAMPLES.person, url: standIn.hostImage(photo, 'image/jpeg', 'person.jpg') } },
		out: () => undefined,
	});
	expect(code).toBe(0);
	fresh = readRecordings(recordDir);
}, 60_000);

afterAll(async () => {
	await standIn.close();
});

test('every recording replays to the node output it recorded (committed real ones and a fresh one per endpoint)', async () => {
	const committed = readRecordings(join(__dirname, 'recorded'));
	const all = [...committed, ...fresh];
	expect(fresh).toHaveLength(12);
	const failures: string[] = [];
	for (const { path, recording } of all) {
		const { differences } = await replayRecording(Sam3, recording);
		failures.push(...differences.map((line) => `${path}: ${line}`));
	}
	expect(failures).toEqual([]);
}, 60_000);

test('a replay that the node reads differently from the recording is caught', async () => {
	const { recording } = fresh.find((entry) => entry.recording.endpoint === 'fal-ai/sam-3/image-rle')!;
	// As if the node had once made a preview file and a second output field from this answer.
	const tampered: Recording = {
		...recording,
		node: { items: recording.node.items.map((item) => ({ json: { ...item.json, extra: 1 }, binary: { ...item.binary, preview: { mimeType: 'image/png', bytes: 10, width: 1, height: 1 } } })) },
	};
	const { differences } = await replayRecording(Sam3, tampered);
	expect(differences).toEqual([
		// The recording is the "live" side: what it has and the replay does not is named.
		"node output file preview: made live, not from the emulator's answer",
		'node output json extra: new live field (number), the emulator has none',
	]);
});
