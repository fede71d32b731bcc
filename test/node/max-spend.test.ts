/**
 * Every item says what its job is estimated to cost, and Options > Max Spend per Run holds a run to a budget: jobs
 * past it are never started (nothing uploaded, nothing submitted), each refused item is an error item naming the
 * option, and concurrent items cannot overshoot it together. Counted on the emulator: a created job is a billed one.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { makeTestVideo } from '../../tools/emulator/video-fixture';
import { EMULATOR_PROVIDER } from '../../tools/emulator/providers';
import { type Provider, runSam3, solidImage } from './fixture';
import { entries, hostImage, useEmulator } from './harness';

const emulator = useEmulator();

const created = (provider: Provider) => emulator().stats().jobs[EMULATOR_PROVIDER[provider]].created;

async function runBatch(provider: Provider, count: number, parameters: INodeParameters, continueOnFail = true) {
	const imageUrl = hostImage(emulator(), await solidImage(96, 64, 'png'));
	const items = Array.from({ length: count }, (_, index) => ({ json: { index } }));
	return await runSam3(emulator(), { provider, items, continueOnFail, parameters: { imageUrl, prompt: 'shoe', modelOptions: { applyMask: false }, ...parameters } });
}

describe.each([['fal.ai', 'falApi'], ['Runflow', 'runflowApi']] as Array<[string, Provider]>)('Max Spend per Run (%s)', (_name, provider) => {
	it('starts exactly the jobs the budget covers, 5 at once, and names every refused item', async () => {
		emulator().jobs.script({ latencyMs: 150, queueMs: 0, dispatchMs: 0 });
		// $0.005 a job: $0.05 covers 10 of 20, whatever order the 5 concurrent slots open in.
		const result = await runBatch(provider, 20, { options: { maxSpendUsd: 0.05, maxConcurrency: 5 } });
		expect(result.error).toBeUndefined();
		expect(created(provider)).toBe(10);
		const done = result.items.filter((item) => item.json.maskCount === 1);
		expect(done).toHaveLength(10);
		for (const item of done) expect(item.json.cost).toMatchObject({ estimatedUsd: 0.005, estimate: true });
		const refused = result.errorItems.map((item) => item.json.error as IDataObject);
		expect(refused).toHaveLength(10);
		for (const error of refused) {
			expect(error).toMatchObject({ errorType: 'max_spend_reached', field: 'Options > Max Spend per Run (USD)' });
			expect(error.message).toMatch(new RegExp(`^Item ${String(error.itemIndex)} was not started: .*over Max Spend per Run \\(\\$0\\.05\\)`));
		}
		// Slots open in item order: the first ten items ran, the last ten were refused.
		expect(refused.map((error) => error.itemIndex).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 10 }, (_, index) => index + 10));
	});

	it('without Continue On Fail the first refused item fails the run, and no job past the budget starts', async () => {
		emulator().jobs.script({ latencyMs: 50, queueMs: 0, dispatchMs: 0 });
		const result = await runBatch(provider, 6, { options: { maxSpendUsd: 0.01, maxConcurrency: 1 } }, false);
		expect(result.error?.message).toMatch(/^Item 2 was not started: .*Max Spend per Run/);
		expect(created(provider)).toBe(2);
	});
});

describe('Max Spend per Run: what is refused before anything leaves', () => {
	it('a binary photo past the budget is neither uploaded nor submitted', async () => {
		const data = await solidImage(96, 64, 'png');
		const result = await runSam3(emulator(), {
			continueOnFail: true,
			items: [{ json: {}, binary: { data: { data, mimeType: 'image/png', fileName: 'shoe.png' } } }],
			parameters: { imageSource: 'binary', prompt: 'shoe', options: { maxSpendUsd: 0, uploadMode: 'upload' } },
		});
		expect(result.errorItems[0].json.error).toMatchObject({ errorType: 'max_spend_reached' });
		expect(emulator().requests.filter((entry) => entry.route !== null)).toEqual([]);
	});

	it('SAM 3.1 is priced as such ($0.01): a $0.015 budget starts one of two', async () => {
		const result = await runBatch('falApi', 2, { model: 'sam-3-1', options: { maxSpendUsd: 0.015, maxConcurrency: 1 } });
		expect(created('falApi')).toBe(1);
		expect(result.items.find((item) => item.json.maskCount)?.json.cost).toMatchObject({ estimatedUsd: 0.01, basis: expect.stringContaining('assumed') });
	});
});

describe('video cost: per started block of 16 input frames', () => {
	let clip: Buffer;
	beforeAll(async () => {
		clip = await makeTestVideo({ width: 64, height: 48, frames: 20 });
	});

	it('a binary MP4 is priced by its frames before it is sent, and the item says so', async () => {
		const result = await runSam3(emulator(), {
			items: [{ json: {}, binary: { clip: { data: clip, mimeType: 'video/mp4', fileName: 'clip.mp4' } } }],
			parameters: { operation: 'segmentVideo', videoSource: 'binary', videoBinaryPropertyName: 'clip', prompt: 'ball', options: { maxSpendUsd: 0.01 } },
		});
		expect(result.error).toBeUndefined();
		// 20 frames: two blocks of 16 at $0.005.
		expect(result.items[0].json.cost).toEqual({ estimatedUsd: 0.01, basis: expect.stringContaining('20 frames'), estimate: true });
	});

	it('a video by URL is refused under Max Spend (its length is unknown before it runs); without a limit it runs', async () => {
		const videoUrl = emulator().hostImage(clip, 'video/mp4', 'clip.mp4');
		const refused = await runSam3(emulator(), {
			continueOnFail: true,
			parameters: { operation: 'segmentVideo', videoUrl, prompt: 'ball', options: { maxSpendUsd: 5 } },
		});
		expect(refused.errorItems[0].json.error).toMatchObject({ errorType: 'max_spend_reached', description: expect.stringMatching(/binary file/) });
		expect(entries(emulator(), 'fal.submit')).toEqual([]);

		const ran = await runSam3(emulator(), { parameters: { operation: 'segmentVideo', videoUrl, videoOutput: 'rle', prompt: 'ball' } });
		// The per-frame answer tells the frames: the estimate is made from it.
		expect(ran.items[0].json.cost).toMatchObject({ estimatedUsd: 0.01, estimate: true });
	});
});

describe('Max Spend per Run: a 3D job that found more objects than it reserved for', () => {
	it('adds the difference, so the run\'s later jobs see it', async () => {
		// A text prompt and a box: the emulator finds two objects (2 units, $0.04) where each job reserved one ($0.02).
		const rgb = Buffer.alloc(200 * 150 * 3, 250);
		for (let y = 20; y < 110; y++) for (let x = 40; x < 100; x++) rgb.set([200, 30, 30], (y * 200 + x) * 3);
		const sharp = (await import('sharp')).default;
		const imageUrl = emulator().hostImage(await sharp(rgb, { raw: { width: 200, height: 150, channels: 3 } }).png().toBuffer(), 'image/png', 'sneaker.png');
		// Long enough that the first job's result is read while the second job runs.
		emulator().jobs.script({ latencyMs: 400, queueMs: 0, dispatchMs: 0 });
		const result = await runSam3(emulator(), {
			typeVersion: 2,
			continueOnFail: true,
			items: [{ json: {} }, { json: {} }, { json: {} }],
			parameters: {
				operation: 'reconstruct3dObject',
				imageUrl,
				prompt: 'sneaker',
				options: { boxPrompts: '[{"x_min": 130, "y_min": 50, "x_max": 180, "y_max": 90}]', download: [], maxSpendUsd: 0.07, maxConcurrency: 1 },
			},
		});
		// Reserved $0.02 each, three would fit $0.07; but the first came to $0.04, so the third ($0.08 at least) does not.
		expect(created('falApi')).toBe(2);
		const done = result.items.filter((item) => item.json.objectCount !== undefined);
		expect(done.map((item) => item.json.cost)).toEqual([expect.objectContaining({ estimatedUsd: 0.04 }), expect.objectContaining({ estimatedUsd: 0.04 })]);
		expect(result.errorItems.map((item) => item.json.error)).toEqual([expect.objectContaining({ itemIndex: 2, errorType: 'max_spend_reached' })]);
	});
});
