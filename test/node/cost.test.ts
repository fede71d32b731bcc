/**
 * What a user reads as an item's cost and what Max Spend per Run holds a run to: list-price estimates per
 * provider and endpoint (per request, per started block of 16 video frames, per 3D unit), always marked as an
 * estimate with its basis; and a ledger that refuses the job that would pass the limit, however many run at once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PRICES, costJson, estimateCost } from '../../nodes/Sam3/job/cost';
import { SpendLedger, SpendLimitError } from '../../nodes/Sam3/job/spend';
import { videoFrameCount } from '../../nodes/Sam3/operations/shared/video-dimensions';
import { makeTestVideo } from '../../tools/emulator/video-fixture';

describe('cost estimates', () => {
	it.each([
		['falApi', 'fal-ai/sam-3/image', {}, 0.005],
		['falApi', 'fal-ai/sam-3-1/image-rle', {}, 0.01],
		['runflowApi', 'fal-ai/sam-3/image', {}, 0.005],
		['falApi', 'fal-ai/sam-3/video', { frames: 16 }, 0.005],
		['falApi', 'fal-ai/sam-3/video', { frames: 17 }, 0.01],
		['falApi', 'fal-ai/sam-3/video-rle', { frames: 480 }, 0.15],
		['falApi', 'fal-ai/sam-3-1/video-rle', { frames: 1 }, 0.01],
		['falApi', 'fal-ai/sam-3/video-rle-objects', { frames: 285 }, 0.09],
		['falApi', 'fal-ai/sam-3/3d-objects', {}, 0.02],
		['falApi', 'fal-ai/sam-3/3d-objects', { units: 3 }, 0.06],
		['falApi', 'fal-ai/sam-3/3d-body', {}, 0.02],
		['falApi', 'fal-ai/sam-3/3d-align', {}, 0.02],
	] as const)('%s %s %o: $%s, marked as an estimate with its basis', (provider, endpoint, quantity, usd) => {
		const estimate = estimateCost(provider, endpoint, quantity);
		expect(estimate.estimatedUsd).toBe(usd);
		expect(estimate.estimate).toBe(true);
		expect(estimate.basis).toContain(provider === 'runflowApi' ? 'meta/sam-3/image on Runflow' : endpoint);
	});

	it('says which prices no provider page states', () => {
		expect(estimateCost('falApi', 'fal-ai/sam-3/image').basis).not.toContain('assumed');
		expect(estimateCost('falApi', 'fal-ai/sam-3-1/image').basis).toContain('assumed');
		expect(estimateCost('falApi', 'fal-ai/sam-3/video-rle-objects', { frames: 16 }).basis).toContain('assumed');
		for (const price of Object.values(PRICES)) expect(price.source.length).toBeGreaterThan(10);
	});

	it('has no dollar figure for a video whose length is unknown, and says why', () => {
		const estimate = estimateCost('falApi', 'fal-ai/sam-3/video', {});
		expect(estimate.estimatedUsd).toBeUndefined();
		expect(estimate.basis).toMatch(/frame count is not known/);
		expect(costJson(estimate)).not.toHaveProperty('estimatedUsd');
	});

	it('adds what Runflow reported beside the estimate', () => {
		expect(costJson(estimateCost('runflowApi', 'fal-ai/sam-3/image'), 0.005)).toEqual({
			estimatedUsd: 0.005,
			reportedUsd: 0.005,
			basis: expect.stringContaining('per request'),
			estimate: true,
		});
		expect(costJson(estimateCost('runflowApi', 'fal-ai/sam-3/image'), Number.NaN)).not.toHaveProperty('reportedUsd');
	});
});

describe('Max Spend per Run ledger', () => {
	const job = (usd: number) => ({ estimatedUsd: usd, basis: 'test', estimate: true as const });

	it('starts jobs up to the limit and refuses the one that would pass it', () => {
		const ledger = new SpendLedger(0.02);
		ledger.reserve(0, job(0.005));
		ledger.reserve(1, job(0.005));
		ledger.reserve(2, job(0.005));
		ledger.reserve(3, job(0.005));
		expect(ledger.reserved).toBe(0.02);
		expect(() => ledger.reserve(4, job(0.005))).toThrow(SpendLimitError);
		expect(() => ledger.reserve(5, job(0.005))).toThrow(/Item 5 was not started: .*\$0\.025, over Max Spend per Run \(\$0\.02\)/);
		expect(ledger.refused).toBe(2);
		expect(ledger.reserved).toBe(0.02);
	});

	it('is exact in cents: ten $0.1 jobs fit a $1 limit (no float drift)', () => {
		const ledger = new SpendLedger(1);
		for (let item = 0; item < 10; item++) ledger.reserve(item, job(0.1));
		expect(() => ledger.reserve(10, job(0.1))).toThrow(SpendLimitError);
	});

	it('a cheaper later job still fits after a dear one was refused', () => {
		const ledger = new SpendLedger(0.03);
		ledger.reserve(0, job(0.02));
		expect(() => ledger.reserve(1, job(0.02))).toThrow(SpendLimitError);
		ledger.reserve(2, job(0.005));
		expect(ledger.reserved).toBe(0.025);
	});

	it('refuses a job whose price cannot be known before it starts, naming the option', () => {
		const ledger = new SpendLedger(5);
		const refusal = (() => {
			try {
				ledger.reserve(0, estimateCost('falApi', 'fal-ai/sam-3/video', {}));
			} catch (error) {
				return error as SpendLimitError;
			}
			return undefined;
		})();
		expect(refusal).toBeInstanceOf(SpendLimitError);
		expect(refusal?.field).toBe('Options > Max Spend per Run (USD)');
		expect(refusal?.errorType).toBe('max_spend_reached');
		expect(refusal?.description).toMatch(/binary file/);
		expect(ledger.reserved).toBe(0);
	});
});

describe('video frame count (what per-frame prices count)', () => {
	const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'videos', name));

	it.each(['h264-96x64.mp4', 'h264-96x64-faststart.mp4', 'mpeg4-96x64.mov'])('%s (3 frames from a real encoder)', (name) => {
		expect(videoFrameCount(fixture(name))).toBe(3);
	});

	it.each(['vp9-80x48.webm', 'mpeg4-72x40.mkv'])('%s: its frames from its duration and frame duration', (name) => {
		expect(videoFrameCount(fixture(name))).toBe(3);
	});

	it('counts the emulator\'s test videos (MP4 and WebM), and knows none for a header cut short', async () => {
		expect(videoFrameCount(await makeTestVideo({ frames: 20 }))).toBe(20);
		expect(videoFrameCount(await makeTestVideo({ frames: 20, container: 'webm' }))).toBe(20);
		expect(videoFrameCount(fixture('h264-96x64-faststart.mp4').subarray(0, 64))).toBeUndefined();
	});
});
