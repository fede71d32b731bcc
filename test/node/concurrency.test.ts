/**
 * Max Concurrent Jobs caps how many of an execution's jobs are at the provider at once (so a batch stays within the
 * account's concurrency limit), jobs do run in parallel under the cap, and a failing item gives its slot back.
 * Counted by the emulator: a job is in flight from its accepted submit until it is finished.
 */
import type { INodeParameters } from 'n8n-workflow';

import { EMULATOR_PROVIDER } from '../../tools/emulator/providers';
import { type Provider, runSam3, solidImage } from './fixture';
import { hostImage, useEmulator } from './harness';

const emulator = useEmulator();

const VARIANTS: Array<[string, Provider, INodeParameters]> = [
	['fal.ai queue', 'falApi', {}],
	['fal.ai sync', 'falApi', { falMode: 'sync' }],
	['Runflow', 'runflowApi', {}],
];


async function runBatch(provider: Provider, parameters: INodeParameters, count: number, prompts: (index: number) => string = () => 'shoe') {
	const imageUrl = hostImage(emulator(), await solidImage(96, 64, 'png'));
	const items = Array.from({ length: count }, (_, index) => ({ json: { index, prompt: prompts(index) } }));
	return await runSam3(emulator(), {
		provider,
		items,
		continueOnFail: true,
		parameters: { imageUrl, prompt: '={{ $json.prompt }}', modelOptions: { applyMask: false }, ...parameters },
	});
}

describe.each(VARIANTS)('Max Concurrent Jobs (%s)', (_name, provider, parameters) => {
	const stats = () => emulator().stats();
	const peak = () => stats().peakInFlight[EMULATOR_PROVIDER[provider]];

	it('runs 20 items with at most 3 jobs at the provider at once, several in parallel', async () => {
		emulator().jobs.script({ latencyMs: 200, queueMs: 0, dispatchMs: 0 });
		const result = await runBatch(provider, { ...parameters, options: { maxConcurrency: 3 } }, 20);
		expect(result.error).toBeUndefined();
		expect(result.errorItems).toEqual([]);
		expect(result.items.map((item) => item.json.maskCount)).toEqual(Array(20).fill(1));
		expect(stats().jobs[EMULATOR_PROVIDER[provider]].created).toBe(20);
		expect(peak()).toBeLessThanOrEqual(3);
		expect(peak()).toBeGreaterThan(1);
	});

	it('holds the default cap of 4 when none is set', async () => {
		emulator().jobs.script({ latencyMs: 200, queueMs: 0, dispatchMs: 0 });
		const result = await runBatch(provider, parameters, 20);
		expect(result.errorItems).toEqual([]);
		expect(result.items).toHaveLength(20);
		expect(peak()).toBeLessThanOrEqual(4);
		expect(peak()).toBeGreaterThan(1);
	});

	it('gives the slot of a failed job back: with a cap of 1 and the first item failing, the rest complete', async () => {
		// A failure the provider marks as final (422, not retryable), so every mode fails the item on its first answer.
		const outcome = { type: 'fail' as const, status: 422, errorType: 'image_load_error', message: 'Failed to load the image' };
		emulator().jobs.script({ match: { prompt: 'broken' }, outcome });
		emulator().jobs.script({ latencyMs: 60, queueMs: 0, dispatchMs: 0 });
		const result = await runBatch(provider, { ...parameters, options: { maxConcurrency: 1 } }, 5, (index) => (index === 0 ? 'broken' : 'shoe'));
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(5);
		// In plain words first, fal's own words after (job/plain-words.ts).
		expect(result.items[0].json.error).toMatchObject({ itemIndex: 0, message: expect.stringContaining('could not read it'), description: expect.stringContaining('Failed to load the image') });
		expect(result.items.slice(1).map((item) => item.json.maskCount)).toEqual([1, 1, 1, 1]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(peak()).toBe(1);
		expect(stats().jobs[EMULATOR_PROVIDER[provider]]).toMatchObject({ created: 5, failed: 1, succeeded: 4 });
	});
});

describe.each([
	['fal.ai', 'falApi', 'fal.submit'],
	['Runflow', 'runflowApi', 'runflow.create'],
] as const)('a rejected submit (%s)', (_name, provider, route) => {
	it('gives its slot back too: with a cap of 1 every other item still completes', async () => {
		emulator().faults.add({ route, fault: { kind: 'status', status: 400, message: 'bad request' } });
		const result = await runBatch(provider, { options: { maxConcurrency: 1 } }, 4);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(4);
		expect(result.errorItems).toHaveLength(1);
		expect(result.errorItems[0].json.error).toMatchObject({ stage: 'submit', httpCode: 400 });
		expect(result.items.filter((item) => item.json.maskCount === 1)).toHaveLength(3);
		expect(emulator().stats().peakInFlight[EMULATOR_PROVIDER[provider]]).toBe(1);
	});
});
