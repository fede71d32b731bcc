/**
 * What the node writes on its items: no user-info from a configured endpoint in any URL or error, and with Keep
 * Input Data on, an earlier SAM 3 node's mask fields are replaced, not left beside the new ones.
 */
import type { IDataObject } from 'n8n-workflow';

import { PROVIDERS, credentialsFor, expectErrorItem, expectMasks, runSam3, segment, smallImage, useEmulator } from './harness';

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
