/**
 * What the node writes on its items: no user-info from a configured endpoint in any URL or error, and with Keep
 * Input Data on, an earlier SAM 3 node's mask fields are replaced, not left beside the new ones.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { maskGeometry } from '../support/images';

import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { runAsAgentTool } from '../../tools/rig';
import { PROVIDERS, credentialsFor, dataImageUrl, expectErrorItem, expectMasks, runSam3, segment, smallImage, useEmulator } from './harness';

const emulator = useEmulator();

const USER_INFO = 'gw-user:SECRET-userinfo@';

/** The emulator's endpoints with user-info in them, as a user may configure a gateway. */
function credentialsWithUserInfo() {
	const credentials = credentialsFor(emulator());
	const withUserInfo = (url: unknown) => String(url).replace('://', `://${USER_INFO}`);
	for (const field of ['runUrl', 'queueUrl', 'restUrl']) credentials[0].data[field] = withUserInfo(credentials[0].data[field]);
	credentials[1].data.baseUrl = withUserInfo(credentials[1].data.baseUrl);
	return credentials;
}

describe.each(PROVIDERS)('user-info in a configured endpoint (%s)', (provider) => {
	it('user-info in a configured endpoint never appears in the items or errors the node outputs', async () => {
		const credentials = credentialsWithUserInfo();
		const links = await segment(emulator(), provider, { credentials, parameters: { waitForResult: false } });
		const failed = await runSam3(emulator(), {
			provider,
			credentials,
			parameters: { imageUrl: 'https://example.com/a.png', prompt: 'shoe', requestOptions: { timeout: 1 } } as never,
		});
		for (const run of [links, failed]) expect(JSON.stringify({ items: run.items, error: run.error?.raw })).not.toContain('SECRET-userinfo');
		// n8n's HTTP client (axios) turns user-info into Basic auth in place of the key, so the provider refuses
		// the submit: the error says so, without the user-info.
		expectErrorItem(links.items[0], 0, { httpCode: 401, stage: 'submit' });
	});
});

describe('URLs in results', () => {
	it('a mask URL with user-info: the item shows it without, the mask is stored', async () => {
		emulator().jobs.script({
			resultBody: (body: unknown) => {
				const result = body as { masks: IDataObject[] };
				return { ...result, masks: result.masks.map((mask) => ({ ...mask, url: String(mask.url).replace('://', `://${USER_INFO}`) })) };
			},
		});
		const result = await segment(emulator(), 'falApi');
		expectMasks(result.items[0], 0);
		expect(JSON.stringify(result.items[0].json)).not.toContain('SECRET-userinfo');
		expect(String((result.items[0].json.masks as IDataObject[])[0].url)).toMatch(/^http:\/\/localhost:\d+\/files\//);
	});
});

describe('Keep Input Data', () => {
	it('an item from an earlier SAM 3 node: its mask_* / image files and mask fields are replaced, not left beside the new ones', async () => {
		const png = await smallImage();
		const file = (name: string) => ({ data: png, mimeType: 'image/jpeg', fileName: name });
		const earlier = {
			json: { sku: 'A-1', maskCount: 3, masks: [{ index: 0 }, { index: 1 }, { index: 2 }], image: { binaryProperty: 'image' } },
			binary: { data: file('photo.jpg'), mask_0: file('old-0.png'), mask_1: file('old-1.png'), mask_2: file('old-2.png'), image: file('old-preview.png') },
		};
		const result = await runSam3(emulator(), {
			continueOnFail: true,
			parameters: { imageSource: 'binary', prompt: 'shoe', modelOptions: { applyMask: false } },
			items: [earlier],
		});
		expectMasks(result.items[0], 0);
		const item = result.items[0];
		expect(item.json.maskCount).toBe(1);
		expect(item.json.sku).toBe('A-1');
		expect(item.json.image).toBeUndefined();
		expect(Object.keys(item.binary ?? {}).sort()).toEqual(['data', 'mask_0']);
		expect(item.binary!.mask_0.fileName).not.toBe('old-0.png');
	});
});

describe('Keep Input Data: two SAM 3 nodes in a row', () => {
	const several = { prompt: 'car', modelOptions: { returnMultipleMasks: true, maxMasks: 4, applyMask: false } };
	const one = { boxPrompts: { boxes: [{ xMin: 4, yMin: 4, xMax: 40, yMax: 30 }] }, modelOptions: { applyMask: false } };

	async function chained(between: (items: INodeExecutionData[]) => INodeExecutionData[]) {
		const data = await smallImage();
		const first = await runSam3(emulator(), {
			parameters: { imageSource: 'binary', ...several },
			items: [{ json: { sku: 'A-1' }, binary: { data: { data, mimeType: 'image/jpeg', fileName: 'photo.jpg' } } }],
		});
		expect(first.items[0].json.maskCount).toBeGreaterThan(1);
		// The first node's output as the next node's input: its files as they are stored.
		const passed = await Promise.all(
			between(first.items).map(async (item) => ({
				json: item.json,
				binary: Object.fromEntries(
					await Promise.all(
						Object.entries(item.binary ?? {}).map(async ([name, file]) => [
							name,
							{ data: await first.readBinary(item, name), mimeType: file.mimeType, fileName: file.fileName },
						]),
					),
				),
			})),
		);
		expect(Object.keys(passed[0].binary).length).toBeGreaterThan(2);
		const second = await runSam3(emulator(), { parameters: { imageSource: 'binary', ...one }, items: passed });
		expect(second.error).toBeUndefined();
		return { second: second.items[0], readBinary: second.readBinary };
	}

	async function expectOnlyItsOwnMasks(between: (items: INodeExecutionData[]) => INodeExecutionData[]) {
		const { second, readBinary } = await chained(between);
		expect(second.json.maskCount).toBe(1);
		expect(Object.keys(second.binary ?? {}).sort()).toEqual(['data', 'mask_0']);
		expect(second.json.sku).toBe('A-1');
		// mask_0 is the new run's: the object inside the box prompt.
		const { white } = await maskGeometry(await readBinary(second, 'mask_0'));
		expect(white!.x1).toBeLessThanOrEqual(41);
		expect(white!.y1).toBeLessThanOrEqual(31);
	}

	it('the second finds fewer masks: the output holds exactly its own masks under the prefix', async () => {
		await expectOnlyItsOwnMasks((items) => items);
	});

	it('the same behind a node that rewrote the JSON: the stale masks still go', async () => {
		// e.g. a Set node that keeps only its own fields but passes the files on: nothing in the JSON says SAM 3 was here.
		await expectOnlyItsOwnMasks((items) => items.map((item) => ({ json: { sku: item.json.sku }, binary: item.binary })));
	});

	it("a user's own files beside the masks stay (other names, or the prefix without a number)", async () => {
		const data = await smallImage();
		const file = (name: string) => ({ data, mimeType: 'image/jpeg', fileName: name });
		const result = await runSam3(emulator(), {
			parameters: { imageSource: 'binary', ...one },
			items: [{ json: {}, binary: { data: file('photo.jpg'), image: file('mine.jpg'), mask_logo: file('logo.jpg'), mask_7: file('stale.png') } }],
		});
		expect(Object.keys(result.items[0].binary ?? {}).sort()).toEqual(['data', 'image', 'mask_0', 'mask_logo']);
	});
});

describe('an AI Agent tool answer', () => {
	it('20 masks with long signed URLs: the answer stays small, URLs left out whole (never cut) and counted', async () => {
		// A CDN answer's signed links: ~1,900 characters each, 20 masks.
		const mask = emulator().hostImage(await smallImage(), 'image/jpeg', 'mask.jpg');
		const signed = (index: number) => `${mask}?i=${index}&X-Signature=${'s'.repeat(1_900)}`;
		emulator().jobs.script({
			resultBody: { masks: Array.from({ length: 20 }, (_, index) => ({ url: signed(index), content_type: 'image/jpeg' })), scores: Array.from({ length: 20 }, (_, index) => 0.9 - index / 100) },
		});
		const run = await runAsAgentTool({
			node: Sam3,
			packageName: 'n8n-nodes-sam3',
			nodeName: 'SAM 3',
			credentials: credentialsFor(emulator()),
			calls: [{ imageUrl: await dataImageUrl(), prompt: 'shoe' }],
			parameters: { authentication: 'falApi', operation: 'segment', imageUrl: "={{ $fromAI('imageUrl', 'image', 'string') }}", prompt: "={{ $fromAI('prompt', 'what', 'string') }}", modelOptions: { includeScores: true } },
		});
		const observation = run.calls[0].observation ?? '';
		expect(observation.length).toBeLessThan(8_000);
		const [answer] = JSON.parse(observation) as Array<{ maskCount: number; masks: IDataObject[]; note: string; estimatedCostUsd?: number }>;
		expect(answer.maskCount).toBe(20);
		// The cost is outside the URL budget: a full answer still says what the job cost.
		expect(answer.estimatedCostUsd).toBe(0.005);
		const urls = answer.masks.map((entry) => entry.url).filter((url): url is string => typeof url === 'string');
		expect(urls.length).toBeGreaterThan(0);
		for (const url of urls) expect(url).toMatch(/X-Signature=s{1900}$/);
		expect(answer.note).toContain(`The URLs of ${20 - urls.length} mask(s) are left out to keep this answer small`);
	});
});
