/**
 * SAM 3 as an AI Agent's tool (`n8n-nodes-sam3.sam3Tool`), through n8n-core's own tool path: what the model is
 * offered, and the exact string it reads back for a result or a failed call. The real-n8n runs with an AI Agent
 * and a stand-in model are in tools/e2e/suites/agent.ts.
 */
import type { INodeParameters } from 'n8n-workflow';

import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { toolDescriptionField } from '../../nodes/Sam3/descriptions/provider.description';
import { MAX_TOOL_MASKS } from '../../nodes/Sam3/operations/segment-image/tool-answer';
import { runAsAgentTool } from '../../tools/rig';
import { credentialsFor, solidImage } from './fixture';
import { entries, hostImage, jobInputs, submitEntries, useEmulator } from './harness';

const emulator = useEmulator();

const IMAGE_URL = "={{ $fromAI('imageUrl', 'Public http(s) URL of the photo', 'string') }}";
const PROMPT = "={{ $fromAI('prompt', 'What to find, a short noun phrase', 'string') }}";
/** What one tool answer may weigh: the model reads it on every later turn. */
const MAX_ANSWER_CHARS = 8_000;

async function callTool(calls: Array<Record<string, unknown>>, parameters: INodeParameters = {}, extra: { onError?: 'stopWorkflow' } = {}) {
	return await runAsAgentTool({
		node: Sam3,
		packageName: 'n8n-nodes-sam3',
		nodeName: 'SAM 3',
		// The first panel's parameter names (modelOptions, boxPromptsJson …): node version 1.
		typeVersion: 1,
		credentials: credentialsFor(emulator()),
		calls,
		parameters: {
			authentication: 'falApi',
			operation: 'segment',
			imageUrl: IMAGE_URL,
			prompt: PROMPT,
			modelOptions: { includeScores: true, includeBoxes: true },
			...parameters,
		},
		...extra,
	});
}

/** The one item the model reads, parsed from the string n8n hands it. */
function answerOf(observation: string | undefined): Record<string, any> {
	expect(typeof observation).toBe('string');
	expect(observation!.length).toBeLessThan(MAX_ANSWER_CHARS);
	expect(observation).not.toMatch(/;base64,[A-Za-z0-9+/=]{16}|"binary"|"raw"|"timing"|mask_0/);
	const parsed = JSON.parse(observation!);
	expect(parsed).toHaveLength(1);
	return parsed[0];
}

/** No job ran: the answer names no cost, estimated, reported or unknown. */
function expectNoCost(answer: Record<string, any>) {
	for (const field of ['estimatedCostUsd', 'reportedCostUsd', 'costNote']) expect(answer).not.toHaveProperty(field);
}

async function photo(width = 320, height = 200) {
	return hostImage(emulator(), await solidImage(width, height, 'png'));
}

describe('SAM 3 as an AI Agent tool', () => {
	it('is offered under the node name, with a description for a model and the $fromAI arguments', async () => {
		const { tool } = await callTool([]);
		expect(tool.name).toBe('SAM_3');
		// The model reads the tool's own Description; the node's description, above its panel, is for people.
		expect(tool.description).toBe(toolDescriptionField.default);
		expect(tool.description).toMatch(/Image URL: .*Text Prompt: /);
		expect(new Sam3().description.description).not.toMatch(/Image URL: |Text Prompt: /);
		expect(tool.arguments).toEqual(['imageUrl', 'prompt']);
	});

	it('runs the job the model asked for and answers with compact JSON: count, scores, boxes, mask URLs', async () => {
		const imageUrl = await photo();
		const { calls } = await callTool([{ imageUrl, prompt: 'product' }]);
		expect(jobInputs(emulator())).toEqual([expect.objectContaining({ image_url: imageUrl, prompt: 'product' })]);
		const answer = answerOf(calls[0].observation);
		const job = emulator().jobs.list()[0];
		expect(answer).toMatchObject({ provider: 'fal.ai', requestId: job.id, status: 'COMPLETED', width: 320, height: 200 });
		expect(answer.maskCount).toBeGreaterThanOrEqual(1);
		expect(answer.masks).toHaveLength(answer.maskCount);
		expect(Object.keys(answer).sort()).toEqual(['boxFormat', 'estimatedCostUsd', 'height', 'maskCount', 'masks', 'provider', 'requestId', 'status', 'width']);
		// What the job cost, as the item's `cost` says: fal's list price for one request (fal reports none itself).
		expect(answer.estimatedCostUsd).toBe(0.005);
		for (const [index, mask] of answer.masks.entries()) {
			expect(Object.keys(mask).sort()).toEqual(['box', 'index', 'pixelBox', 'score', 'url']);
			expect(mask.index).toBe(index);
			expect(mask.url).toMatch(/^http:\/\//);
			expect(mask.pixelBox.xMax).toBeGreaterThan(mask.pixelBox.xMin);
		}
	});

	it('answers the same way from Runflow', async () => {
		const imageUrl = await photo();
		const { calls } = await callTool([{ imageUrl, prompt: 'product' }], { authentication: 'runflowApi' });
		const answer = answerOf(calls[0].observation);
		expect(answer).toMatchObject({ provider: 'Runflow', status: 'COMPLETED', requestId: emulator().jobs.list()[0].id });
		// Runflow reports a run's cost itself: the model reads it beside the list-price estimate.
		expect(answer).toMatchObject({ estimatedCostUsd: 0.005, reportedCostUsd: 0.005 });
		expect(answer.maskCount).toBeGreaterThanOrEqual(1);
		for (const mask of answer.masks) expect(Object.keys(mask).sort()).toEqual(['box', 'index', 'pixelBox', 'score', 'url']);
	});

	it('lists at most 20 masks, the best scores, and says how many there were', async () => {
		const imageUrl = await photo(400, 400);
		const boxes = Array.from({ length: 25 }, (_, i) => ({ x_min: 10 + i * 10, y_min: 10, x_max: 60 + i * 10, y_max: 60 + (i % 5) * 40 }));
		const { calls } = await callTool([{ imageUrl, prompt: 'box' }], {
			prompt: '',
			boxPromptsInput: 'json',
			boxPromptsJson: JSON.stringify(boxes),
			modelOptions: { includeScores: true, includeBoxes: true, returnMultipleMasks: true, maxMasks: 32 },
		});
		const answer = answerOf(calls[0].observation);
		expect(answer.maskCount).toBeGreaterThan(MAX_TOOL_MASKS);
		expect(answer.masks).toHaveLength(MAX_TOOL_MASKS);
		expect(answer.note).toContain(`${MAX_TOOL_MASKS} of ${answer.maskCount} masks listed`);
		// The listed ones are the best-scoring masks of the provider's answer, each under its own index.
		const scores = ((emulator().jobs.list()[0].output as { scores?: number[] } | undefined)?.scores ?? []);
		expect(scores).toHaveLength(answer.maskCount);
		const best = scores.map((score, index) => ({ score, index })).sort((a, b) => b.score - a.score).slice(0, MAX_TOOL_MASKS);
		const listed = answer.masks.map((mask: { index: number }) => mask.index);
		expect([...listed].sort((a, b) => a - b)).toEqual(best.map((m) => m.index).sort((a, b) => a - b));
		for (const mask of answer.masks) expect(mask.score).toBeCloseTo(scores[mask.index], 4);
	});

	it('gives one item with every mask when Split Masks is on, and no data: URIs in Sync Mode', async () => {
		const imageUrl = await photo();
		const boxes = [{ x_min: 10, y_min: 10, x_max: 90, y_max: 90 }, { x_min: 120, y_min: 40, x_max: 220, y_max: 160 }];
		const split = await callTool([{ imageUrl, prompt: 'box' }], {
			prompt: '',
			boxPromptsInput: 'json',
			boxPromptsJson: JSON.stringify(boxes),
			options: { splitMasks: true },
			modelOptions: { includeScores: true, includeBoxes: true, returnMultipleMasks: true },
		});
		const answer = answerOf(split.calls[0].observation);
		expect(answer.maskCount).toBe(2);
		expect(answer.masks.map((mask: { index: number }) => mask.index)).toEqual([0, 1]);

		const sync = await callTool([{ imageUrl, prompt: 'product' }], { falMode: 'sync', modelOptions: { includeScores: true, includeBoxes: true, syncMode: true } });
		const inline = answerOf(sync.calls[0].observation);
		// fal answered in Sync Mode, whose masks are data: URIs.
		expect(entries(emulator(), 'fal.sync').map((entry) => (entry.body as { sync_mode?: boolean }).sync_mode)).toEqual([true]);
		expect(inline.maskCount).toBeGreaterThanOrEqual(1);
		for (const mask of inline.masks) expect(mask.url).toBeUndefined();
	});

	it('never passes RLE mask strings to the model (Mask Delivery RLE, Download Masks off)', async () => {
		const { calls } = await callTool([{ imageUrl: await photo(), prompt: 'product' }], { maskDelivery: 'rle', options: { downloadMasks: false } });
		expect(submitEntries(emulator()).map((entry) => entry.url)).toEqual([expect.stringContaining('image-rle')]);
		const answer = answerOf(calls[0].observation);
		expect(answer.maskCount).toBeGreaterThanOrEqual(1);
		expect(calls[0].observation).not.toMatch(/"rle"|counts/);
		for (const mask of answer.masks) expect(Object.keys(mask).sort()).toEqual(['box', 'index', 'pixelBox', 'score']);
	});

	it('says when scores and boxes were not asked for', async () => {
		const { calls } = await callTool([{ imageUrl: await photo(), prompt: 'product' }], { modelOptions: {} });
		const answer = answerOf(calls[0].observation);
		expect(answer.masks[0].score).toBeUndefined();
		expect(answer.note).toMatch(/No scores or boxes: .*Include Scores/);
	});

	it.each([
		['a URL that is none', { imageUrl: 'a photo of a truck', prompt: 'truck' }, 'imageUrl', /Image URL is not valid: only absolute http/],
		['an empty prompt', { imageUrl: 'https://example.com/truck.jpg', prompt: '  ' }, 'prompt', /No prompt/],
	])('answers %s with an error naming the argument, and sends nothing', async (_, args, argument, message) => {
		const { calls } = await callTool([args]);
		expect(submitEntries(emulator())).toHaveLength(0);
		expect(calls[0].thrown).toBeUndefined();
		const answer = answerOf(calls[0].observation);
		expect(answer.error).toMatch(message);
		expect(answer.error).not.toMatch(/in item \d/);
		expect(answer.argument).toBe(argument);
		expect(answer.hint).toContain(`"${argument}"`);
		expectNoCost(answer);
	});

	it('answers an item Max Spend per Run refuses with that error, no cost and no "try again": no job was started', async () => {
		const { calls } = await callTool([{ imageUrl: await photo(), prompt: 'product' }], { options: { maxSpendUsd: 0.001 } });
		expect(submitEntries(emulator())).toHaveLength(0);
		const answer = answerOf(calls[0].observation);
		expect(answer).toMatchObject({ errorType: 'max_spend_reached' });
		expect(answer.error).toMatch(/was not started: its job \(estimated \$0\.005\) .*over Max Spend per Run \(\$0\.001\)/);
		// Not "check the arguments": no argument the model can change gets the job past the user's limit.
		expect(answer.hint).toMatch(/Max Spend per Run, which the user sets: calling the tool again will be refused too/);
		expectNoCost(answer);
	});

	it('answers an image the provider cannot fetch with its error, naming the image argument', async () => {
		const missing = `${emulator().filesUrl.replace(/\/+$/, '')}/no-such-photo.png`;
		const { calls } = await callTool([{ imageUrl: missing, prompt: 'truck' }]);
		const answer = answerOf(calls[0].observation);
		expect(answer).toMatchObject({ argument: 'imageUrl', errorType: 'file_download_error' });
		expect(answer.error).toMatch(/download/i);
	});

	it('keeps n8n’s own handling when the node is set to stop the workflow on error', async () => {
		const { calls } = await callTool([{ imageUrl: 'not a url', prompt: 'truck' }], {}, { onError: 'stopWorkflow' });
		expect(calls[0].observation).toBeUndefined();
		expect(calls[0].thrown).toMatch(/Image URL in item 0 is not valid/);
	});

	it('waits whatever the model says when a saved tool leaves Wait for Result and Mode to it ($fromAI)', async () => {
		const { calls } = await callTool([{ imageUrl: await photo(), prompt: 'product', wait: false, mode: 'sync' }], {
			waitForResult: "={{ $fromAI('wait', 'Wait for the result?', 'boolean') }}",
			falMode: "={{ $fromAI('mode', 'queue or sync', 'string') }}",
		});
		expect(answerOf(calls[0].observation).masks.length).toBeGreaterThan(0);
		expect(entries(emulator(), 'fal.sync')).toHaveLength(0);
	});

	it('answers a submit-only call (Wait for Result off) with the job id and what that means', async () => {
		const { calls } = await callTool([{ imageUrl: await photo(), prompt: 'product' }], { waitForResult: false });
		const answer = answerOf(calls[0].observation);
		expect(answer.requestId).toBe(emulator().jobs.list()[0].id);
		expect(answer.note).toMatch(/Wait for Result is off/);
		// The job was started, so it is billed: the model is told its estimate.
		expect(answer.estimatedCostUsd).toBe(0.005);
		expect(answer.masks).toBeUndefined();
	});
});

/** A tool argument as n8n's ✨ button writes it: the field's name, the marker the editor shows as "defined automatically". */
const sparkle = (key: string, type = 'string') => `={{ /*n8n-auto-generated-fromAI-override*/ $fromAI('${key}', \`\`, '${type}') }}`;

describe('SAM 3 as an AI Agent tool, current panel (node version 2, arguments from the ✨ button)', () => {
	async function callCurrentTool(calls: Array<Record<string, unknown>>, parameters: INodeParameters = {}) {
		return await runAsAgentTool({
			node: Sam3,
			packageName: 'n8n-nodes-sam3',
			nodeName: 'SAM 3',
			typeVersion: 2,
			credentials: credentialsFor(emulator()),
			calls,
			parameters: { authentication: 'falApi', operation: 'segment', imageUrl: sparkle('Image_URL'), prompt: sparkle('Text_Prompt'), ...parameters },
		});
	}

	it('offers Image_URL and Text_Prompt and runs the job the model asked for', async () => {
		const imageUrl = await photo();
		const { tool, calls } = await callCurrentTool([{ Image_URL: imageUrl, Text_Prompt: 'product' }]);
		expect(tool.arguments).toEqual(['Image_URL', 'Text_Prompt']);
		expect(jobInputs(emulator())).toEqual([expect.objectContaining({ image_url: imageUrl, prompt: 'product' })]);
		expect(answerOf(calls[0].observation).masks.length).toBeGreaterThan(0);
	});

	it('names the ✨ argument in an error the model reads', async () => {
		const { calls } = await callCurrentTool([{ Image_URL: 'a photo of a truck', Text_Prompt: 'truck' }]);
		expect(answerOf(calls[0].observation)).toMatchObject({ argument: 'Image_URL' });
		expect(submitEntries(emulator())).toHaveLength(0);
	});

	it('waits for the result in the queue even when Wait for Result and Request Mode are left to the model', async () => {
		const { tool, calls } = await callCurrentTool([{ Image_URL: await photo(), Text_Prompt: 'product', wait: false, mode: 'sync' }], {
			options: { waitForResult: sparkle('wait', 'boolean'), requestMode: sparkle('mode') },
		});
		// The tool's panel has no such switches: n8n drops them, so the model is not even offered them.
		expect(tool.arguments).toEqual(['Image_URL', 'Text_Prompt']);
		const answer = answerOf(calls[0].observation);
		expect(answer.note ?? '').not.toMatch(/Wait for Result is off/);
		expect(answer.masks.length).toBeGreaterThan(0);
		expect(entries(emulator(), 'fal.sync')).toHaveLength(0);
		expect(entries(emulator(), 'fal.submit')).toHaveLength(1);
	});
});
