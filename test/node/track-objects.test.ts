/**
 * Track Objects in a Video through the real engine against the emulator: a clip and a concept in, one output item
 * per tracked object (stable id, the frames it is on, its RLE mask, box and area per frame), its mask files per
 * frame when asked, the job's cost (per 16 frames) on each item; nothing tracked is one item saying so; bad input
 * is refused per item before anything is sent. Runflow, Max Wait and Max Spend: test/reliability/tracks-and-3d.test.ts.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import { makeTestVideo } from '../../tools/emulator/video-fixture';
import { runSam3 } from './fixture';
import { binaryNames, onlySubmit, useEmulator } from './harness';

const emulator = useEmulator();

let clip: Buffer;
beforeAll(async () => {
	clip = await makeTestVideo({ width: 64, height: 48, frames: 12 });
});

const hostClip = () => emulator().hostImage(clip, 'video/mp4', 'court-clip.mp4');

/** A new node's panel (node version 2): the operation's fields, and its options with the job's under Options. */
const CURRENT = { typeVersion: 2 };

async function track(parameters: INodeParameters, run: { provider?: 'falApi' | 'runflowApi'; continueOnFail?: boolean; items?: any[] } = {}) {
	const { options, ...rest } = parameters;
	return await runSam3(emulator(), {
		...CURRENT,
		...run,
		parameters: { operation: 'trackObjects', videoUrl: hostClip(), prompt: 'ball', ...rest, options: { detectionThreshold: 0.01, ...(options as IDataObject) } },
	});
}

describe('Track Objects in a Video', () => {
	it('makes one item per tracked object with its frames, boxes and the job\'s cost', async () => {
		const videoUrl = hostClip();
		const result = await track({ videoUrl });
		expect(result.error).toBeUndefined();
		expect(onlySubmit(emulator()).url).toBe('/fal-queue/fal-ai/sam-3/video-rle-objects');
		expect(onlySubmit(emulator()).body).toEqual({ video_url: videoUrl, prompt: 'ball', detection_threshold: 0.01 });
		const { items } = result;
		expect(items.length).toBeGreaterThan(0);
		expect(items.map((item) => item.json.trackId)).toEqual([...Array(items.length).keys()]);
		for (const { json } of items) {
			expect(json).toMatchObject({ model: 'fal-ai/sam-3/video-rle-objects', trackCount: items.length, frameCount: 12, width: 64, height: 48 });
			expect(json.rleFormat).toEqual({ pairs: 'start length', base: 1, order: 'row-major', width: 64, height: 48 });
			const frames = json.frames as IDataObject[];
			expect(json).toMatchObject({ framesWithObject: frames.length, firstFrame: frames[0].frameIndex, lastFrame: frames.at(-1)!.frameIndex });
			for (const frame of frames) {
				const box = frame.box as Record<string, number>;
				expect(box.xMax).toBeGreaterThanOrEqual(box.xMin);
				expect(frame.area).toBeGreaterThan(0);
				expect(frame.area).toBeLessThanOrEqual((box.xMax - box.xMin + 1) * (box.yMax - box.yMin + 1));
			}
			// 12 frames: one block of 16 at $0.005 (assumed as video-rle's price), known from the answer; one job's cost on each item.
			expect(json.cost).toMatchObject({ estimatedUsd: 0.005, estimate: true, basis: expect.stringContaining("(12 frames, read from the answer's num_frames, rounded up)") });
			if (items.length > 1) expect((json.cost as IDataObject).jobOutputItems).toBe(items.length);
		}
	});

	it('writes each object\'s mask on each of its frames as a PNG, at the answer\'s frame size', async () => {
		const result = await track({ options: { frameMaskFiles: true } });
		expect(result.error).toBeUndefined();
		const [first] = result.items;
		const frames = first.json.frames as IDataObject[];
		expect(binaryNames(first)).toEqual(frames.map((frame) => `frame_${String(frame.frameIndex)}`).sort());
		const png = await result.readBinary(first, `frame_${String(frames[0].frameIndex)}`);
		const { info, data } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
		expect([info.width, info.height]).toEqual([64, 48]);
		// The PNG's white pixels are the RLE's: their count is the area, their extent the box.
		const white = [...data].filter((value) => value > 127).length;
		expect(white).toBe(frames[0].area);
		expect(first.binary![`frame_${String(frames[0].frameIndex)}`].fileName).toBe(`court-clip-object-0-frame-${String(frames[0].frameIndex)}.png`);
	});

	it('an answer without num_frames: the frames counted from its per-frame results, and the cost says so', async () => {
		emulator().jobs.script({ resultBody: ({ num_frames: _dropped, ...body }: IDataObject) => body });
		const result = await track({});
		expect(result.error).toBeUndefined();
		for (const { json } of result.items) {
			expect(json.frameCount).toBe(12);
			expect(json.cost).toMatchObject({ estimatedUsd: 0.005, basis: expect.stringContaining("(12 frames, read from the answer's per-frame results, rounded up)") });
		}
	});

	it('nothing tracked: one item saying so, with the cost', async () => {
		const result = await track({ options: { detectionThreshold: 1 } });
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toMatchObject({ trackCount: 0, frames: [], note: expect.stringMatching(/No object/), cost: { estimatedUsd: 0.005 } });
	});

	it('a binary clip is uploaded and priced by its frames before it is sent', async () => {
		const result = await runSam3(emulator(), {
			...CURRENT,
			items: [{ json: { clipId: 7 }, binary: { data: { data: clip, mimeType: 'video/mp4', fileName: 'court-clip.mp4' } } }],
			parameters: { operation: 'trackObjects', videoSource: 'binary', prompt: 'ball', options: { detectionThreshold: 0.01, maxSpendUsd: 0.005 } },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ clipId: 7, trackId: 0, cost: { estimatedUsd: 0.005 } });
	});

	it('needs a prompt, checks the threshold, and sends nothing for bad input', async () => {
		const none = await track({ prompt: '={{ "" }}' }, { continueOnFail: true });
		expect(none.errorItems[0].json.error).toMatchObject({ message: expect.stringMatching(/^Text Prompt \(prompt\) in item 0 is not valid/) });
		const low = await track({ options: { detectionThreshold: 0.001 } }, { continueOnFail: true });
		expect(low.errorItems[0].json.error).toMatchObject({ message: expect.stringMatching(/^Options > Detection Threshold .*between 0\.01 and 1/) });
		expect(emulator().requests.filter((entry) => entry.route !== null && entry.route !== 'files.get')).toEqual([]);
	});
});
