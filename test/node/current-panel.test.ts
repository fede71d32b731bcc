/**
 * The current panel (node version 2, issue 30), through the real engine: what a new node's fields send, the rows a
 * user adds and leaves unfilled refused by their panel names, the Options that replaced the first panel's rows, and
 * the rows the editor shows with the defaults (n8n's own display logic). Workflows saved with version 1 are covered
 * by saved-workflows.test.ts and every test written with the first panel's names (fixture.ts runs them as version 1).
 */
import { NodeHelpers, type IDataObject, type INode, type INodeParameters, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';

import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import * as providerJob from '../../nodes/Sam3/job/provider-job';
import { DEFAULT_MAX_WAIT_SECONDS, DEFAULT_VIDEO_MAX_WAIT_SECONDS } from '../../nodes/Sam3/limits';
import { PROVIDERS, type Provider, runSam3, solidImage } from './fixture';
import { entries, hostImage, onlySubmit, sentInput, submitEntries, useEmulator } from './harness';

const emulator = useEmulator();

const CURRENT = { typeVersion: 2 };

async function photo() {
	return hostImage(emulator(), await solidImage(200, 160, 'png'));
}

describe.each(PROVIDERS)('current panel: Point and Box Prompts (%s)', (provider: Provider) => {
	async function sentFor(parameters: INodeParameters, items?: Array<{ json: IDataObject }>) {
		const result = await runSam3(emulator(), { ...CURRENT, provider, parameters: { imageUrl: await photo(), ...parameters }, items });
		expect(result.error).toBeUndefined();
		expect(result.errorItems).toEqual([]);
		return sentInput(onlySubmit(emulator()), provider);
	}

	it('sends point and box rows; an Object ID left 0 (the editor\'s untouched row) or cleared (null) is an object of its own', async () => {
		const input = await sentFor({
			pointAndBoxPrompts: {
				points: [
					{ x: 50, y: 40, label: 'foreground', objectId: 2 },
					{ x: 60, y: 45, label: 'background', objectId: 0 },
					{ x: 70, y: 45, label: 'foreground', objectId: null },
				],
				boxes: [
					{ xMin: 10, yMin: 20, xMax: 100, yMax: 90, objectId: 2 },
					{ xMin: 110, yMin: 20, xMax: 180, yMax: 90, objectId: 0 },
				],
			},
		});
		expect(input.point_prompts).toEqual([
			{ x: 50, y: 40, label: 1, object_id: 2 },
			{ x: 60, y: 45, label: 0 },
			{ x: 70, y: 45, label: 1 },
		]);
		expect(input.box_prompts).toEqual([
			{ x_min: 10, y_min: 20, x_max: 100, y_max: 90, object_id: 2 },
			{ x_min: 110, y_min: 20, x_max: 180, y_max: 90 },
		]);
	});

	it('adds the lists given as JSON (e.g. by an expression over the item) after the rows', async () => {
		const input = await sentFor(
			{
				pointAndBoxPrompts: {
					boxes: [{ xMin: 10, yMin: 20, xMax: 100, yMax: 90, objectId: 0 }],
					json: [{ points: '={{ $json.points }}', boxes: '[{"x_min": 1, "y_min": 2, "x_max": 30, "y_max": 40, "object_id": 0}]' }],
				},
			},
			[{ json: { points: [{ x: 5, y: 6, label: 'foreground' }] } }],
		);
		expect(input.point_prompts).toEqual([{ x: 5, y: 6, label: 1 }]);
		expect(input.box_prompts).toEqual([
			{ x_min: 10, y_min: 20, x_max: 100, y_max: 90 },
			{ x_min: 1, y_min: 2, x_max: 30, y_max: 40, object_id: 0 },
		]);
	});
});

describe('current panel: a row added and not filled in is refused by its name, and nothing is sent', () => {
	it.each([
		['an empty box', { boxes: [{ xMin: 10, yMin: 10, xMax: 50, yMax: 50 }, { xMin: 0, yMin: 0, xMax: 0, yMax: 0, objectId: 0 }] }, /^Box 2 is empty \(X Min, Y Min, X Max and Y Max are all 0\) in item 0/],
		['a box with its corners swapped', { boxes: [{ xMin: 90, yMin: 10, xMax: 40, yMax: 50 }] }, /^Box 1: X Min must be smaller than X Max \(got 90 and 40\) in item 0/],
		['a flat box', { boxes: [{ xMin: 10, yMin: 50, xMax: 40, yMax: 50 }] }, /^Box 1: Y Min must be smaller than Y Max/],
		['a point never moved from 0, 0', { points: [{ x: 0, y: 0, label: 'foreground', objectId: 0 }] }, /^Point 1 is at X 0, Y 0 \(the image's top-left corner\) in item 0: set its X and Y, or remove it/],
	])('%s', async (_, pointAndBoxPrompts, message) => {
		const result = await runSam3(emulator(), { ...CURRENT, continueOnFail: true, parameters: { imageUrl: await photo(), prompt: 'cup', pointAndBoxPrompts } });
		expect(result.errorItems).toHaveLength(1);
		expect((result.errorItems[0].json.error as IDataObject).message).toMatch(message);
		expect(submitEntries(emulator())).toHaveLength(0);
	});

	it('a box row in the first panel (version 1) with swapped corners reads the same way', async () => {
		const result = await runSam3(emulator(), { continueOnFail: true, parameters: { imageUrl: await photo(), boxPrompts: { boxes: [{ xMin: 90, yMin: 10, xMax: 40, yMax: 50 }] } } });
		expect((result.errorItems[0].json.error as IDataObject).message).toMatch(/^Box 1: X Min must be smaller than X Max/);
	});
});

describe('current panel: the switches under Options', () => {
	it('Mask Delivery RLE runs the image-rle endpoint; model options are sent as set', async () => {
		const result = await runSam3(emulator(), {
			...CURRENT,
			parameters: { imageUrl: await photo(), prompt: 'cup', options: { maskDelivery: 'rle', includeScores: true, maxMasks: 2, returnMultipleMasks: true } },
		});
		expect(result.error).toBeUndefined();
		const submit = onlySubmit(emulator());
		expect(submit.url).toContain('/fal-ai/sam-3/image-rle');
		expect(sentInput(submit, 'falApi')).toMatchObject({ include_scores: true, max_masks: 2, return_multiple_masks: true });
	});

	it('Request Mode "One Long Request" calls fal.run; Wait for Result off only submits', async () => {
		await runSam3(emulator(), { ...CURRENT, parameters: { imageUrl: await photo(), prompt: 'cup', options: { requestMode: 'sync' } } });
		expect(entries(emulator(), 'fal.sync')).toHaveLength(1);
		const result = await runSam3(emulator(), { ...CURRENT, parameters: { imageUrl: await photo(), prompt: 'cup', options: { waitForResult: false } } });
		expect(result.items[0].json).toMatchObject({ requestId: expect.any(String) });
		expect(result.items[0].json.masks).toBeUndefined();
	});

	it('names a bad option as the panel shows it: Options > Max Masks', async () => {
		const result = await runSam3(emulator(), {
			...CURRENT,
			continueOnFail: true,
			parameters: { imageUrl: await photo(), prompt: 'cup', options: { returnMultipleMasks: true, maxMasks: 99 } },
		});
		expect((result.errorItems[0].json.error as IDataObject).message).toMatch(/^Options > Max Masks \(max_masks\) in item 0 is not valid: must be between 1 and 32/);
		expect(submitEntries(emulator())).toHaveLength(0);
	});

	it('Segment Video reads its endpoint\'s options from Options', async () => {
		const result = await runSam3(emulator(), {
			...CURRENT,
			parameters: { operation: 'segmentVideo', videoUrl: 'https://example.com/clip.mp4', prompt: 'car', model: 'sam-3-1', options: { maxNumObjects: 3 } },
			continueOnFail: true,
		});
		const submit = onlySubmit(emulator());
		expect(submit.url).toContain('/fal-ai/sam-3-1/video');
		expect(sentInput(submit, 'falApi')).toMatchObject({ prompt: 'car', max_num_objects: 3 });
		expect(result.error).toBeUndefined();
	});
});

/** The fields n8n's editor shows for a node of these parameters (n8n-workflow's display logic; notices included). */
function shownFields(description: INodeTypeDescription, parameters: INodeParameters, typeVersion = 2): INodeProperties[] {
	const node = { parameters, typeVersion, type: 'n8n-nodes-sam3.sam3', name: 'x', id: 'x', position: [0, 0] } as INode;
	const values = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description) as INodeParameters;
	return description.properties.filter(
		(property: INodeProperties) => property.type !== 'hidden' && property.name !== 'authentication' && NodeHelpers.displayParameter(values, property, node, description),
	);
}

/** The rows the editor shows: the credential, then each field (notices are rows too). */
function rows(description: INodeTypeDescription, parameters: INodeParameters, typeVersion = 2): string[] {
	return ['Credential', ...shownFields(description, parameters, typeVersion).map((property) => property.displayName)];
}

describe('current panel: at most 9 rows with the defaults, the credential one of them', () => {
	const description = new Sam3().description;
	const operations = (description.properties.find((property) => property.name === 'operation')?.options ?? []) as Array<{ value: string; name: string }>;

	it.each(PROVIDERS.flatMap((provider) => operations.map((operation) => [provider, operation.name, operation.value])))('%s %s', (provider, _, operation) => {
		const shown = rows(description, { authentication: provider, operation });
		expect(shown.length).toBeLessThanOrEqual(9);
		expect(shown.filter((name) => /sync/i.test(name))).toEqual([]);
	});

	it.each(operations.map((operation) => [operation.name, operation.value]))('%s on fal.ai: one collection, Options, its entries in the order n8n lists them', (_, operation) => {
		const collections = shownFields(description, { authentication: 'falApi', operation }).filter((property) => property.type === 'collection' || property.type === 'fixedCollection');
		expect(collections.filter((property) => property.type === 'collection').map((property) => property.displayName)).toEqual(['Options']);
		const names = ((collections.find((property) => property.name === 'options')?.options ?? []) as INodeProperties[]).map((option) => option.displayName);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});

	it.each(operations.filter((operation) => operation.value !== 'segment').map((operation) => [operation.name, operation.value]))(
		'%s on Runflow: only the notice that it runs on fal.ai, no field to fill in',
		(name, operation) => {
			expect(rows(description, { authentication: 'runflowApi', operation })).toEqual([
				'Credential',
				'Operation',
				`${name} runs on fal.ai only (Runflow has no SAM 3${/Video|Track/.test(name) ? ' video' : 'D'} model): choose a fal.ai credential above.`,
			]);
		},
	);

	it('a new node is version 2; a workflow saved with version 1 keeps the first panel, and the two never mix', () => {
		expect(description.defaultVersion).toBe(2);
		const first = rows(description, { authentication: 'falApi', operation: 'segment' }, 1);
		expect(first).toEqual(expect.arrayContaining(['Point Prompts Input', 'Mask Delivery', 'Model Options', 'Wait for Result']));
		expect(first).not.toContain('Point and Box Prompts');
		const current = rows(description, { authentication: 'falApi', operation: 'segment' });
		expect(current).not.toEqual(expect.arrayContaining(['Model Options']));
		expect(current).not.toContain('Wait for Result');
	});

	it('a second node\'s automatic name does not read as a model version (n8n appends a digit: "SAM 31")', () => {
		expect(description.defaults.name).not.toMatch(/\d$/);
		expect(description.description).not.toMatch(/Image URL: |Text Prompt: /);
	});

	it.each([
		['segment', DEFAULT_MAX_WAIT_SECONDS],
		['segmentVideo', DEFAULT_VIDEO_MAX_WAIT_SECONDS],
		['trackObjects', DEFAULT_VIDEO_MAX_WAIT_SECONDS],
		['reconstruct3dObject', DEFAULT_MAX_WAIT_SECONDS],
		['reconstruct3dBody', DEFAULT_MAX_WAIT_SECONDS],
		['align3d', DEFAULT_MAX_WAIT_SECONDS],
	])('%s: Options > Max Wait (Seconds) offers %i s (the video jobs wait longer than images and 3D)', (operation, seconds) => {
		const options = description.properties.filter((property) => property.name === 'options' && property.displayOptions?.show?.operation?.includes(operation));
		const maxWait = options.flatMap((property) => (property.options ?? []) as INodeProperties[]).find((option) => option.name === 'maxWaitSeconds');
		expect(maxWait?.default).toBe(seconds);
	});
});

describe('current panel: a node without Options > Max Wait waits what the panel offers', () => {
	let openJob: jest.SpiedFunction<typeof providerJob.openJob>;
	beforeEach(() => {
		openJob = jest.spyOn(providerJob, 'openJob');
	});
	afterEach(() => openJob.mockRestore());

	const clip = () => emulator().hostImage(Buffer.from('not played: Wait for Result is off'), 'video/mp4', 'clip.mp4');
	it.each([
		['segmentVideo', DEFAULT_VIDEO_MAX_WAIT_SECONDS, () => ({ videoUrl: clip(), prompt: 'car' })],
		['trackObjects', DEFAULT_VIDEO_MAX_WAIT_SECONDS, () => ({ videoUrl: clip(), prompt: 'car' })],
		['reconstruct3dObject', DEFAULT_MAX_WAIT_SECONDS, async () => ({ imageUrl: await photo(), prompt: 'car' })],
	])('%s: %i s', async (operation, seconds, fields) => {
		const result = await runSam3(emulator(), { ...CURRENT, parameters: { operation, ...(await fields()), options: { waitForResult: false } } });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.requestId).toEqual(expect.any(String));
		expect(openJob).toHaveBeenCalledTimes(1);
		const job = await (openJob.mock.results[0].value as ReturnType<typeof providerJob.openJob>);
		expect(job.settings.maxWaitMs).toBe(seconds * 1000);
	});
});
