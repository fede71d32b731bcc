/**
 * The emulator's SAM 3 video endpoints (a test double) as sam3-family.md §4, §5, §9 document them: four submit
 * paths, two queue app roots, per-endpoint fields and defaults, the answers real runs showed.
 */
import { crc32 } from 'node:zlib';

import { call, falAuth, waitFor } from '../support/http';
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { readVideo } from '../../tools/emulator/video-container';
import { makeTestVideo } from '../../tools/emulator/video-fixture';

let emu: Emulator;
let videoUrl: string;
let auth: Record<string, string>;

beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 40, queueMs: 20, dispatchMs: 10 } });
	videoUrl = emu.hostImage(await makeTestVideo({ width: 64, height: 48, frames: 8 }), 'video/mp4', 'clip.mp4');
	auth = falAuth(emu.keys.fal);
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

async function runQueued(endpoint: string, input: Record<string, unknown>) {
	const submitted = await call('POST', `${emu.falQueueUrl}/${endpoint}`, { headers: auth, json: input });
	expect(submitted.status).toBe(200);
	const { status_url: statusUrl, response_url: responseUrl } = submitted.json;
	await waitFor(async () => ((await call('GET', statusUrl, { headers: auth })).json.status === 'COMPLETED' ? true : undefined));
	return { submitted: submitted.json, result: await call('GET', responseUrl, { headers: auth }) };
}

/** The entries of a stored-entry ZIP, each checked against its CRC-32 (what an unzip tool checks). */
function zipEntries(zip: Buffer): Array<{ name: string; data: Buffer }> {
	const entries = [];
	for (let at = 0; zip.readUInt32LE(at) === 0x04034b50; ) {
		const size = zip.readUInt32LE(at + 18);
		const nameLength = zip.readUInt16LE(at + 26);
		const extra = zip.readUInt16LE(at + 28);
		const name = zip.toString('utf8', at + 30, at + 30 + nameLength);
		const data = zip.subarray(at + 30 + nameLength + extra, at + 30 + nameLength + extra + size);
		expect(crc32(data)).toBe(zip.readUInt32LE(at + 14));
		entries.push({ name, data });
		at += 30 + nameLength + extra + size;
	}
	expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50);
	return entries;
}

/** A 1-based (start, length) RLE, row-major, as the set of its pixels' bounding box. */
function rleBox(rle: string, width: number): { x0: number; y0: number; x1: number; y1: number } {
	const numbers = rle.split(/\s+/).map(Number);
	const pixels: number[] = [];
	for (let i = 0; i < numbers.length; i += 2) for (let p = numbers[i] - 1; p < numbers[i] - 1 + numbers[i + 1]; p++) pixels.push(p);
	const xs = pixels.map((p) => p % width);
	const ys = pixels.map((p) => Math.floor(p / width));
	return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs) + 1, y1: Math.max(...ys) + 1 };
}

describe('fal SAM 3 video endpoints', () => {
	it.each(['fal-ai/sam-3/video', 'fal-ai/sam-3-1/video'])('%s answers {video, boundingbox_frames_zip}; its queue URLs use only the app root', async (endpoint) => {
		const app = endpoint.split('/').slice(0, 2).join('/');
		const { submitted, result } = await runQueued(endpoint, { video_url: videoUrl, prompt: 'ball' });
		expect(submitted.status_url).toBe(`${emu.falQueueUrl}/${app}/requests/${submitted.request_id}/status`);
		expect(result.status).toBe(200);
		expect(result.json.video).toMatchObject({ content_type: 'video/mp4', file_name: expect.stringMatching(/\.mp4$/) });
		const video = await call('GET', result.json.video.url);
		expect(video.body.length).toBe(result.json.video.file_size);
		expect(readVideo(video.body)).toMatchObject({ container: 'mp4', width: 64, height: 48, frameCount: 8 });
		const zip = await call('GET', result.json.boundingbox_frames_zip.url);
		expect(zipEntries(zip.body).map((entry) => entry.name)).toEqual(Array.from({ length: 8 }, (_, i) => `frame_0000${i}.png`));
	});

	it('a 3.1 job is unknown under the 3.0 app root, and the other way round', async () => {
		const { submitted } = await runQueued('fal-ai/sam-3-1/video', { video_url: videoUrl, prompt: 'ball' });
		expect((await call('GET', `${emu.falQueueUrl}/fal-ai/sam-3/requests/${submitted.request_id}/status`, { headers: auth })).status).toBe(404);
		expect((await call('GET', `${emu.falQueueUrl}/fal-ai/sam-3-1/video/requests/${submitted.request_id}/status`, { headers: auth })).status).toBe(404);
	});

	it('video_output_type "VP9 (.webm)" answers a WebM file', async () => {
		const { result } = await runQueued('fal-ai/sam-3/video', { video_url: videoUrl, prompt: 'ball', video_output_type: 'VP9 (.webm)' });
		expect(result.json.video.content_type).toBe('video/webm');
		expect(readVideo((await call('GET', result.json.video.url)).body)).toMatchObject({ container: 'webm', frameCount: 8 });
	});

	it.each(['fal-ai/sam-3/video-rle', 'fal-ai/sam-3-1/video-rle'])('%s answers one RLE and one normalized box per frame, the prompt tracked from its frame', async (endpoint) => {
		const box = { x_min: 20, y_min: 10, x_max: 40, y_max: 30, frame_index: 3 };
		const { result } = await runQueued(endpoint, { video_url: videoUrl, box_prompts: [box], boundingbox_zip: true });
		expect(result.status).toBe(200);
		const { rle, boxes, metadata } = result.json;
		expect(rle).toHaveLength(8);
		expect(boxes).toHaveLength(8);
		expect(metadata[3]).toEqual({ index: 3, box: boxes[3] });
		// On its prompt's frame the object is the box; the RLE's pixels and the normalized [cx, cy, w, h] agree.
		expect(rleBox(rle[3], 64)).toEqual({ x0: 20, y0: 10, x1: 40, y1: 30 });
		expect(boxes[3]).toEqual([30 / 64, 20 / 48, 20 / 64, 20 / 48]);
		expect(rleBox(rle[4], 64).x0).toBeGreaterThan(20);
		// apply_mask defaults to false on video-rle: no overlay video; the zip was asked for.
		expect(result.json.video).toBeUndefined();
		expect(zipEntries((await call('GET', result.json.boundingbox_frames_zip.url)).body)).toHaveLength(8);
	});

	it('validates each endpoint by its own table: detection_threshold ranges, max_num_objects on 3.1 only', async () => {
		const submitted = async (endpoint: string, input: Record<string, unknown>) => (await runQueued(endpoint, { video_url: videoUrl, prompt: 'ball', ...input })).result;
		expect((await submitted('fal-ai/sam-3/video-rle', { detection_threshold: 0.05 })).status).toBe(200);
		const tooLow = await submitted('fal-ai/sam-3/video', { detection_threshold: 0.05 });
		expect(tooLow.status).toBe(422);
		expect(tooLow.json.detail[0]).toMatchObject({ loc: ['body', 'detection_threshold'], type: 'greater_than_equal' });
		expect((await submitted('fal-ai/sam-3-1/video', { max_num_objects: 129 })).json.detail[0].loc).toEqual(['body', 'max_num_objects']);
		const unreadable = await submitted('fal-ai/sam-3/video', { video_url: emu.hostImage(Buffer.from('not a video'), 'video/mp4', 'x.mp4') });
		expect(unreadable.json.detail[0]).toMatchObject({ loc: ['body', 'video_url'], type: 'video_load_error' });
	});

	it('max_num_objects caps the objects tracked (3.1)', async () => {
		const boxes = [0, 1, 2].map((i) => ({ x_min: 2 + i * 20, y_min: 5, x_max: 12 + i * 20, y_max: 15 }));
		const { result } = await runQueued('fal-ai/sam-3-1/video-rle', { video_url: videoUrl, box_prompts: boxes, max_num_objects: 1 });
		expect(rleBox(result.json.rle[0], 64).x1 - rleBox(result.json.rle[0], 64).x0).toBe(10);
	});

	it('cancels a running video job under its app root', async () => {
		emu.jobs.script({ latencyMs: 60_000 });
		const submitted = await call('POST', `${emu.falQueueUrl}/fal-ai/sam-3-1/video`, { headers: auth, json: { video_url: videoUrl, prompt: 'ball' } });
		const cancelled = await call('PUT', submitted.json.cancel_url, { headers: auth });
		expect(cancelled.status).toBe(202);
		expect(emu.stats().jobs.fal.cancelled).toBe(1);
	});
});
