/**
 * Every parameter reaches the provider exactly as it documents it (fal input at the top of the body, Runflow's
 * under `input`), and nothing the user left unset is sent: the provider's own defaults apply.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { PROVIDERS, type Provider, runSam3, solidImage } from './fixture';
import { hostImage, onlySubmit, sentInput, useEmulator } from './harness';

const emulator = useEmulator();

describe.each(PROVIDERS)('request body on the wire (%s)', (provider) => {
	let imageUrl: string;
	beforeEach(async () => {
		imageUrl = hostImage(emulator(), await solidImage(200, 160, 'png'));
	});

	async function sentFor(parameters: INodeParameters, items?: Array<{ json: IDataObject }>) {
		const result = await runSam3(emulator(), { provider, parameters: { imageUrl, ...parameters }, items });
		expect(result.error).toBeUndefined();
		expect(result.errorItems).toEqual([]);
		return { result, input: sentInput(onlySubmit(emulator()), provider), entry: onlySubmit(emulator()) };
	}

	it('sends only the image and the text prompt when nothing else is set', async () => {
		const { input } = await sentFor({ prompt: '  red shoe ' });
		expect(input).toEqual({ image_url: imageUrl, prompt: 'red shoe' });
	});

	it('sends point rows as {x, y, label 1|0, object_id} with the object ID only where given (0 included)', async () => {
		const pointPrompts = {
			points: [
				{ x: 50, y: 40, label: 'foreground', objectId: 2 },
				{ x: 60, y: 45, label: 'foreground', objectId: 2 },
				{ x: 10, y: 10, label: 'background', objectId: '' },
				{ x: 150, y: 120, label: 'foreground', objectId: 0 },
			],
		};
		const { input } = await sentFor({ pointPrompts });
		expect(input).toEqual({
			image_url: imageUrl,
			point_prompts: [
				{ x: 50, y: 40, label: 1, object_id: 2 },
				{ x: 60, y: 45, label: 1, object_id: 2 },
				{ x: 10, y: 10, label: 0 },
				{ x: 150, y: 120, label: 1, object_id: 0 },
			],
		});
	});

	it('sends point prompts given as JSON by an expression over the item', async () => {
		const points = [
			{ x: 120, y: 80, label: 'foreground', object_id: 1 },
			{ x: '30', y: '20', label: 0 },
		];
		const { input } = await sentFor(
			{ prompt: 'cup', pointPromptsInput: 'json', pointPromptsJson: '={{ $json.points }}' },
			[{ json: { points } }],
		);
		expect(input).toEqual({
			image_url: imageUrl,
			prompt: 'cup',
			point_prompts: [
				{ x: 120, y: 80, label: 1, object_id: 1 },
				{ x: 30, y: 20, label: 0 },
			],
		});
	});

	it('sends box rows as {x_min, y_min, x_max, y_max, object_id}', async () => {
		const boxPrompts = {
			boxes: [
				{ xMin: 10, yMin: 20, xMax: 90, yMax: 100, objectId: 7 },
				{ xMin: 100, yMin: 30, xMax: 180, yMax: 150, objectId: '' },
			],
		};
		const { input } = await sentFor({ boxPrompts });
		expect(input).toEqual({
			image_url: imageUrl,
			box_prompts: [
				{ x_min: 10, y_min: 20, x_max: 90, y_max: 100, object_id: 7 },
				{ x_min: 100, y_min: 30, x_max: 180, y_max: 150 },
			],
		});
	});

	it('sends box prompts given as a JSON string and by expression', async () => {
		const boxes = [{ x_min: 5, y_min: 6, x_max: 50, y_max: 60 }];
		const fromText = await sentFor({ boxPromptsInput: 'json', boxPromptsJson: JSON.stringify(boxes) });
		expect(fromText.input).toEqual({ image_url: imageUrl, box_prompts: boxes });
		emulator().reset();
		const fromExpression = await sentFor({ boxPromptsInput: 'json', boxPromptsJson: '={{ $json.boxes }}' }, [
			{ json: { boxes: [{ ...boxes[0], object_id: 3 }] } },
		]);
		expect(fromExpression.input).toEqual({ image_url: imageUrl, box_prompts: [{ ...boxes[0], object_id: 3 }] });
	});

	it('sends every model option exactly as set', async () => {
		const modelOptions = {
			applyMask: false,
			outputFormat: 'webp',
			returnMultipleMasks: true,
			maxMasks: 5,
			includeScores: true,
			includeBoxes: true,
			syncMode: true,
		};
		const { input } = await sentFor({ prompt: 'wheel', modelOptions });
		expect(input).toEqual({
			image_url: imageUrl,
			prompt: 'wheel',
			apply_mask: false,
			output_format: 'webp',
			return_multiple_masks: true,
			max_masks: 5,
			include_scores: true,
			include_boxes: true,
			sync_mode: true,
		});
	});

	it.each(['png', 'jpeg', 'webp'])('sends output_format %s and options explicitly turned off', async (format) => {
		const modelOptions = { outputFormat: format, applyMask: true, includeScores: false, returnMultipleMasks: false };
		const { input } = await sentFor({ prompt: 'dog', modelOptions });
		expect(input).toEqual({
			image_url: imageUrl,
			prompt: 'dog',
			output_format: format,
			apply_mask: true,
			include_scores: false,
			return_multiple_masks: false,
		});
	});

	it('never sends the deprecated text_prompt', async () => {
		await sentFor({ prompt: 'bottle', boxPrompts: { boxes: [{ xMin: 1, yMin: 1, xMax: 20, yMax: 20 }] } });
		expect(JSON.stringify(onlySubmit(emulator()).body)).not.toContain('text_prompt');
	});

	it('authenticates the submit with the provider key scheme', async () => {
		const { entry } = await sentFor({ prompt: 'shoe' });
		const expected = provider === 'falApi' ? `Key ${emulator().keys.fal}` : `Bearer ${emulator().keys.runflow}`;
		expect(entry.headers.authorization).toBe(expected);
	});
});

describe('fal.ai request options', () => {
	const provider: Provider = 'falApi';
	let imageUrl: string;
	beforeEach(async () => {
		imageUrl = hostImage(emulator(), await solidImage(120, 90, 'png'));
	});

	it('sends queue priority and start timeout as headers, not in the body', async () => {
		const options = { queuePriority: 'low', startTimeoutSeconds: 45 };
		const result = await runSam3(emulator(), { provider, parameters: { imageUrl, prompt: 'shoe', options } });
		expect(result.error).toBeUndefined();
		const submit = onlySubmit(emulator());
		expect(submit.route).toBe('fal.submit');
		expect(submit.headers['x-fal-queue-priority']).toBe('low');
		expect(submit.headers['x-fal-request-timeout']).toBe('45');
		expect(submit.body).toEqual({ image_url: imageUrl, prompt: 'shoe' });
	});

	it('sends no priority or timeout header when they are left unset', async () => {
		await runSam3(emulator(), { provider, parameters: { imageUrl, prompt: 'shoe' } });
		const submit = onlySubmit(emulator());
		expect(submit.headers['x-fal-queue-priority']).toBeUndefined();
		expect(submit.headers['x-fal-request-timeout']).toBeUndefined();
		expect(submit.url).toBe('/fal-queue/fal-ai/sam-3/image');
	});

	it('sends Sync mode to fal.run in one request (no queue calls)', async () => {
		const result = await runSam3(emulator(), { provider, parameters: { imageUrl, prompt: 'shoe', falMode: 'sync' } });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.maskCount).toBe(1);
		const apiCalls = emulator().requests.filter((entry) => entry.vhost !== 'files');
		expect(apiCalls.map((entry) => [entry.route, entry.url])).toEqual([['fal.sync', '/fal-run/fal-ai/sam-3/image']]);
		expect(apiCalls[0].body).toEqual({ image_url: imageUrl, prompt: 'shoe' });
	});

	it('passes the callback URL as ?fal_webhook= and keeps it out of the body', async () => {
		// Port 9 (discard): nothing listens, so the emulator's later webhook attempt fails at once, offline.
		const callbackUrl = 'http://127.0.0.1:9/resume/abc?token=1&x=2';
		await runSam3(emulator(), { provider, parameters: { imageUrl, prompt: 'shoe', waitForResult: false, options: { callbackUrl } } });
		const submit = onlySubmit(emulator());
		const url = new URL(submit.url, 'http://emulator');
		expect(url.pathname).toBe('/fal-queue/fal-ai/sam-3/image');
		expect([...url.searchParams.entries()]).toEqual([['fal_webhook', callbackUrl]]);
		expect(submit.body).toEqual({ image_url: imageUrl, prompt: 'shoe' });
	});
});

describe('Runflow request options', () => {
	const provider: Provider = 'runflowApi';
	let imageUrl: string;
	beforeEach(async () => {
		imageUrl = hostImage(emulator(), await solidImage(120, 90, 'png'));
	});

	it('sends {input, callback_url, metadata} and nothing else', async () => {
		const options = { callbackUrl: 'http://127.0.0.1:9/runflow-done', runMetadata: '={{ JSON.stringify({ sku: $json.sku, n: 2 }) }}' };
		const result = await runSam3(emulator(), {
			provider,
			parameters: { imageUrl, prompt: 'shoe', waitForResult: false, options },
			items: [{ json: { sku: 'A-17' } }],
		});
		expect(result.error).toBeUndefined();
		expect(onlySubmit(emulator()).body).toEqual({
			input: { image_url: imageUrl, prompt: 'shoe' },
			callback_url: 'http://127.0.0.1:9/runflow-done',
			metadata: { sku: 'A-17', n: 2 },
		});
		expect(onlySubmit(emulator()).url).toBe('/runflow/v1/models/meta/sam-3/image/runs');
	});

	it('sends neither callback_url nor metadata when they are unset or empty', async () => {
		await runSam3(emulator(), { provider, parameters: { imageUrl, prompt: 'shoe', options: { runMetadata: '{}' } } });
		expect(onlySubmit(emulator()).body).toEqual({ input: { image_url: imageUrl, prompt: 'shoe' } });
	});

	it('ignores fal-only options (priority, start timeout) for Runflow', async () => {
		const options = { queuePriority: 'low', startTimeoutSeconds: 30 };
		await runSam3(emulator(), { provider, parameters: { imageUrl, prompt: 'shoe', options } });
		const submit = onlySubmit(emulator());
		expect(submit.headers['x-fal-queue-priority']).toBeUndefined();
		expect(submit.headers['x-fal-request-timeout']).toBeUndefined();
		expect(submit.body).toEqual({ input: { image_url: imageUrl, prompt: 'shoe' } });
	});
});
