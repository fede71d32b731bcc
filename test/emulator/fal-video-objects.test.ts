/**
 * `fal-ai/sam-3/video-rle-objects` on the emulator (sam3-family.md §4–5, from real runs: not in fal's client map):
 * one track per detected instance with a stable id, per-frame RLE per track, the frame size and count.
 */
import { call, falAuth, waitFor } from '../support/http';
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { makeTestVideo } from '../../tools/emulator/video-fixture';

let emu: Emulator;
let videoUrl: string;
let auth: Record<string, string>;

beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 20, queueMs: 10, dispatchMs: 5 } });
	videoUrl = emu.hostImage(await makeTestVideo({ width: 64, height: 48, frames: 12 }), 'video/mp4', 'clip.mp4');
	auth = falAuth(emu.keys.fal);
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

const ENDPOINT = 'fal-ai/sam-3/video-rle-objects';

async function queued(input: Record<string, unknown>) {
	const submitted = await call('POST', `${emu.falQueueUrl}/${ENDPOINT}`, { headers: auth, json: input });
	expect(submitted.status).toBe(200);
	expect(submitted.json.status_url).toBe(`${emu.falQueueUrl}/fal-ai/sam-3/requests/${submitted.json.request_id}/status`);
	await waitFor(async () => ((await call('GET', submitted.json.status_url, { headers: auth })).json.status === 'COMPLETED' ? true : undefined));
	return await call('GET', submitted.json.response_url, { headers: auth });
}

/** The test's own reading of a 1-based (start, length) row-major RLE: its pixels' box and count. */
function rlePixels(rle: string, width: number, height: number) {
	const numbers = rle.split(/\s+/).map(Number);
	expect(numbers.length % 2).toBe(0);
	let count = 0;
	let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
	let last = 0;
	for (let i = 0; i < numbers.length; i += 2) {
		const [start, length] = [numbers[i], numbers[i + 1]];
		expect(start).toBeGreaterThan(last); // ascending, non-overlapping, 1-based
		expect(start - 1 + length).toBeLessThanOrEqual(width * height);
		last = start + length - 1;
		for (let p = start - 1; p < start - 1 + length; p++) {
			const x = p % width;
			const y = Math.floor(p / width);
			[x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x + 1), Math.max(y1, y + 1)];
			count++;
		}
	}
	return { count, box: { x0, y0, x1, y1 } };
}

describe('fal-ai/sam-3/video-rle-objects', () => {
	it('answers {frames, width, height, num_frames}: every frame, each track with its own RLE under a stable id', async () => {
		const result = await queued({ video_url: videoUrl, prompt: 'ball', detection_threshold: 0.01 });
		expect(result.status).toBe(200);
		const { frames, width, height, num_frames: numFrames } = result.json;
		expect([width, height, numFrames]).toEqual([64, 48, 12]);
		expect(frames.map((f: { frame_index: number }) => f.frame_index)).toEqual([...Array(12).keys()]);
		const ids = new Set<number>(frames.flatMap((f: { objects: Array<{ track_id: number }> }) => f.objects.map((o) => o.track_id)));
		expect(ids.size).toBeGreaterThan(0);
		expect([...ids].sort()).toEqual([...Array(ids.size).keys()]);
		for (const id of ids) {
			// One track follows one object: on consecutive frames it keeps its size and moves by a small step.
			const seen = frames.flatMap((f: { frame_index: number; objects: Array<{ track_id: number; rle: string }> }) =>
				f.objects.filter((o) => o.track_id === id).map((o) => ({ frame: f.frame_index, ...rlePixels(o.rle, width, height) })),
			);
			expect(seen[0].frame).toBe(0);
			const [a, b] = seen;
			if (b && b.box.x0 > 0 && b.box.x1 < width) expect(b.box.x0 - a.box.x0).toBeLessThanOrEqual(Math.ceil(width / 16));
		}
	});

	it('a track that leaves the picture is missing from later frames, not an empty RLE', async () => {
		const result = await queued({ video_url: videoUrl, prompt: 'ball', detection_threshold: 0.01 });
		const perFrame = result.json.frames.map((f: { objects: Array<{ rle: string }> }) => f.objects);
		expect(perFrame.flat().every((o: { rle: string }) => o.rle.trim().length > 0)).toBe(true);
		// Objects drift right one step per frame over 12 frames of a 64 px picture: some leave.
		expect(perFrame.at(-1).length).toBeLessThan(perFrame[0].length);
	});

	it('the threshold decides which instances are tracked; an empty prompt tracks nothing', async () => {
		const low = (await queued({ video_url: videoUrl, prompt: 'ball', detection_threshold: 0.01 })).json;
		const high = (await queued({ video_url: videoUrl, prompt: 'ball', detection_threshold: 1 })).json;
		expect(low.frames[0].objects.length).toBeGreaterThan(0);
		expect(high.frames.every((f: { objects: unknown[] }) => f.objects.length === 0)).toBe(true);
		const none = (await queued({ video_url: videoUrl })).json;
		expect(none.frames).toHaveLength(12);
		expect(none.frames.every((f: { objects: unknown[] }) => f.objects.length === 0)).toBe(true);
	});

	it('fal.run answers the same tracks as the queue, deterministically', async () => {
		const input = { video_url: videoUrl, prompt: 'ball, person', detection_threshold: 0.01 };
		const one = (await queued(input)).json;
		const sync = await call('POST', `${emu.falRunUrl}/${ENDPOINT}`, { headers: auth, json: input });
		expect(sync.json).toEqual(one);
	});

	it('refuses like fal: detection_threshold 0.01–1, video_url required; no visual prompts on this endpoint', async () => {
		const response = await call('POST', `${emu.falRunUrl}/${ENDPOINT}`, { headers: auth, json: { detection_threshold: 0 } });
		expect(response.status).toBe(422);
		expect(response.json.detail.map((d: { loc: string[] }) => d.loc.join('.'))).toEqual(['body.video_url', 'body.detection_threshold']);
		const unreadable = await queued({ video_url: emu.hostImage(Buffer.from('no video'), 'video/mp4', 'x.mp4'), prompt: 'ball' });
		expect(unreadable.json.detail[0]).toMatchObject({ loc: ['body', 'video_url'], type: 'video_load_error' });
	});

	it('faults apply: a 502 on the result fetch, then the result', async () => {
		emu.faults.add({ route: 'fal.result', fault: { kind: 'status', status: 502 } });
		const submitted = await call('POST', `${emu.falQueueUrl}/${ENDPOINT}`, { headers: auth, json: { video_url: videoUrl, prompt: 'ball' } });
		await waitFor(async () => ((await call('GET', submitted.json.status_url, { headers: auth })).json.status === 'COMPLETED' ? true : undefined));
		expect((await call('GET', submitted.json.response_url, { headers: auth })).status).toBe(502);
		expect((await call('GET', submitted.json.response_url, { headers: auth })).json.num_frames).toBe(12);
	});
});
