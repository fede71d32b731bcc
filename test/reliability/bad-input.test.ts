/**
 * One bad row among good ones (continue on fail): the bad row becomes an error item naming the field, the row
 * and what would be valid, before any request for it leaves; the good rows complete, in order, paired.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { BAD_INPUTS, type BadInputCase, IMAGE, type RigRow } from './bad-input-cases';
import { PROVIDERS, ROUTES, dataImageUrl, expectErrorItem, expectMasks, logOf, runSam3, smallImage, useEmulator } from './harness';

const emulator = useEmulator();

/** Puts the test image wherever a case says IMAGE: a data URI in parameters/JSON, a JPEG in binary fields. */
async function materialise<T>(value: T): Promise<T> {
	const jpeg = await smallImage();
	const uri = await dataImageUrl();
	const walk = (node: unknown): unknown => {
		if (node === IMAGE) return uri;
		if (Buffer.isBuffer(node) || node === null || typeof node !== 'object') return node;
		if (Array.isArray(node)) return node.map(walk);
		return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, walk(inner)]));
	};
	const binaryImage = { data: jpeg, mimeType: 'image/jpeg', fileName: 'photo.jpg' };
	const row = value as RigRow;
	if (row && typeof row === 'object' && 'binary' in row && row.binary) {
		const binary = Object.fromEntries(Object.entries(row.binary).map(([key, file]) => [key, (file as unknown) === IMAGE ? binaryImage : file]));
		return { ...(walk({ ...row, binary: undefined }) as object), binary } as T;
	}
	return walk(value) as T;
}

const runs = PROVIDERS.flatMap((provider) =>
	BAD_INPUTS.filter((c) => !c.providers || c.providers.includes(provider)).map((c) => [c.name, provider, c] as const),
);

describe('bad input rejected before any request, the rest of the batch completes', () => {
	it.each(runs)('%s (%s)', async (_name, provider, badCase: BadInputCase) => {
		const [good, bad, parameters] = await Promise.all([materialise(badCase.good), materialise(badCase.bad), materialise(badCase.parameters)]);
		const result = await runSam3(emulator(), { provider, parameters: parameters as never, items: [good, bad, good], continueOnFail: true });

		expect(result.items).toHaveLength(3);
		expectMasks(result.items[0], 0);
		expectMasks(result.items[2], 2);
		const error = expectErrorItem(result.items[1], 1, { errorType: 'invalid_parameter' });
		const message = String(error.message);
		expect(message).toMatch(/\bitem 1\b/);
		expect(message).toMatch(badCase.field);
		expect(message).toMatch(badCase.valid);
		expectNoRequestFor(result.items, provider);
	});
});

/** Only the two good rows reached the provider: two submits, two jobs, no uploads. */
function expectNoRequestFor(items: INodeExecutionData[], provider: (typeof PROVIDERS)[number]): void {
	expect(items.filter((item) => item.json.requestId)).toHaveLength(2);
	expect(logOf(emulator(), ROUTES[provider].submit)).toHaveLength(2);
	expect(emulator().jobs.list()).toHaveLength(2);
	const uploads = emulator().requests.filter((entry) => /upload|asset/.test(entry.route ?? ''));
	expect(uploads).toHaveLength(0);
}

describe('bad input only the provider can tell', () => {
	it.each(PROVIDERS)('image URL that is a text file: the provider\'s message, row 1 only (%s)', async (provider) => {
		const textUrl = emulator().hostImage(Buffer.from('not an image'), 'image/png', 'fake.png');
		const result = await runSam3(emulator(), {
			provider,
			parameters: { imageUrl: '={{ $json.url }}', prompt: 'shoe' },
			items: [{ json: { url: await dataImageUrl() } }, { json: { url: textUrl } }],
			continueOnFail: true,
		});
		expectMasks(result.items[0], 0);
		// fal: in plain words ("could not read it — is it a JPEG, PNG or WebP image?"); Runflow: its own failure message.
		expectErrorItem(result.items[1], 1, { message: /load the image|supported format|could not read it — is it a JPEG, PNG or WebP image\?/, requestId: true });
	});

	it.each(PROVIDERS)('image URL that answers 404: the provider\'s message, row 1 only (%s)', async (provider) => {
		const missing = `${emulator().filesUrl}/no-such-file/photo.jpg`;
		const result = await runSam3(emulator(), {
			provider,
			parameters: { imageUrl: '={{ $json.url }}', prompt: 'shoe' },
			items: [{ json: { url: await dataImageUrl() } }, { json: { url: missing } }],
			continueOnFail: true,
		});
		expectMasks(result.items[0], 0);
		expectErrorItem(result.items[1], 1, { message: /couldn't download the image at \S+\/no-such-file\/photo\.jpg \(HTTP 404\) — is it public\?$/, requestId: true });
	});
});
