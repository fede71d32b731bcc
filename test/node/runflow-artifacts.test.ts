/**
 * Runflow splits a run's output into artifacts (`outputs[]`) and model fields (`model_data`), and its page does not
 * say which holds the masks and which the Apply Mask preview (issue 33). Whichever layout a run answers in, the
 * item carries the masks, the preview as `image`, every other reported file as a binary with its type, size and
 * URL (fetched without the API key), and the model's other fields (actual_prompt) in its JSON.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import type { RunflowOutputShape } from '../../tools/emulator/runflow-routes';
import { runSam3, solidImage } from './fixture';
import { binaryNames, header, hostImage, maskGeometry, useEmulator } from './harness';

const emulator = useEmulator();

const WIDTH = 200;
const HEIGHT = 120;
const BOX = { xMin: 80, yMin: 20, xMax: 150, yMax: 100 };

async function segment(parameters: INodeParameters = {}) {
	const imageUrl = hostImage(emulator(), await solidImage(WIDTH, HEIGHT, 'png'), 'png', 'shoe.png');
	const result = await runSam3(emulator(), {
		provider: 'runflowApi',
		parameters: {
			imageUrl,
			prompt: 'shoe',
			boxPrompts: { boxes: [BOX] },
			modelOptions: { includeScores: true },
			options: { includeRawResponse: true },
			...parameters,
		},
	});
	expect(result.error).toBeUndefined();
	expect(result.errorItems).toEqual([]);
	expect(result.items).toHaveLength(1);
	return { result, item: result.items[0] };
}

/** The run's `output` as Runflow answered it (Include Raw Response: the run object). */
const runOutput = (json: IDataObject) => (json.raw as IDataObject).output as IDataObject;

/** The model fields each layout's model_data carries besides masks and per-mask data (the emulator's, runflow-routes.ts). */
const MODEL_DATA: Record<RunflowOutputShape, IDataObject | undefined> = {
	'masks-in-outputs': undefined,
	'preview-in-outputs': { actual_prompt: 'shoe' },
};

describe.each<RunflowOutputShape>(['masks-in-outputs', 'preview-in-outputs'])('Runflow run output laid out as %s', (shape) => {
	beforeEach(() => emulator().setRunflowOutput({ shape, extraArtifact: true }));

	it('the item has the mask, the Apply Mask preview as "image", and the reported zip as file_0 with its type, size and URL', async () => {
		const { result, item } = await segment();
		expect(binaryNames(item)).toEqual(['file_0', 'image', 'mask_0']);

		const mask = await maskGeometry(await result.readBinary(item, 'mask_0'));
		expect([mask.format, mask.width, mask.height]).toEqual(['png', WIDTH, HEIGHT]);
		expect(mask.white && mask.white.x0 >= BOX.xMin && mask.white.x1 <= BOX.xMax).toBe(true);
		expect(item.json.maskCount).toBe(1);
		expect((item.json.masks as IDataObject[])[0]).toMatchObject({ index: 0, binaryProperty: 'mask_0', score: expect.any(Number) });

		const preview = await sharp(await result.readBinary(item, 'image')).metadata();
		expect([preview.format, preview.width, preview.height]).toEqual(['png', WIDTH, HEIGHT]);
		expect(item.json.image).toMatchObject({ binaryProperty: 'image', mimeType: 'image/png', width: WIDTH, height: HEIGHT });

		const zip = await result.readBinary(item, 'file_0');
		expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
		expect(item.binary!.file_0).toMatchObject({ mimeType: 'application/zip', fileName: 'shoe-file-0.zip' });
		const files = item.json.files as IDataObject[];
		expect(files).toEqual([
			{
				index: 0,
				type: 'file',
				binaryProperty: 'file_0',
				url: expect.stringMatching(new RegExp(`^${emulator().filesUrl}/`)),
				mimeType: 'application/zip',
				fileName: 'shoe-file-0.zip',
				fileSize: zip.length,
			},
		]);
		// The same bytes the run's URL serves, fetched like every result file: without the API key.
		const served = Buffer.from(await (await fetch(files[0].url as string)).arrayBuffer());
		expect(served.equals(zip)).toBe(true);
		const zipGets = emulator().requests.filter((entry) => entry.route === 'files.get' && entry.url.includes(new URL(files[0].url as string).pathname));
		expect(zipGets.length).toBeGreaterThanOrEqual(2);
		for (const entry of zipGets) expect(header(entry, 'authorization')).toBeUndefined();

		// Every artifact the run listed is on the item, none twice: the masks listed in outputs[] are the masks.
		const listed = (runOutput(item.json).outputs as IDataObject[]).map((artifact) => artifact.url);
		const onItem = [...(item.json.masks as IDataObject[]).map((entry) => entry.url), (item.json.image as IDataObject).url, files[0].url];
		for (const url of listed) expect(onItem).toContain(url);
	});

	it('the model\'s other fields land in modelData (actual_prompt where the run gives it), nothing invented', async () => {
		const { item } = await segment();
		const modelData = runOutput(item.json).model_data as IDataObject;
		expect(modelData.actual_prompt).toBe(MODEL_DATA[shape]?.actual_prompt);
		// The fields the node reads into masks and image are not repeated there.
		expect(item.json.modelData).toEqual(MODEL_DATA[shape]);
	});

	it('Apply Mask off: no preview, the zip is still file_0; Download Masks off: the same JSON with URLs and no binaries', async () => {
		const { item } = await segment({ modelOptions: { applyMask: false } });
		expect(binaryNames(item)).toEqual(['file_0', 'mask_0']);
		expect(item.json.image).toBeUndefined();

		const { item: linked } = await segment({ options: { downloadMasks: false, includeRawResponse: true } });
		expect(linked.binary).toBeUndefined();
		expect(linked.json.image).toMatchObject({ url: expect.stringMatching(/^http/) });
		expect(linked.json.files).toEqual([{ index: 0, type: 'file', url: expect.stringMatching(/^http/), mimeType: 'application/zip', fileName: 'masks.zip', fileSize: expect.any(Number) }]);
	});
});

it('fileSize is always a number of bytes: those stored over the size an artifact declares, and when it declares none', async () => {
	emulator().setRunflowOutput({ shape: 'masks-in-outputs', extraArtifact: true });
	const notes = emulator().hostImage(Buffer.from('{"prompt":"shoe"}'), 'application/json', 'notes.json');
	emulator().jobs.script({
		resultBody: (output: IDataObject) => {
			const outputs = output.outputs as IDataObject[];
			const zip = outputs[outputs.length - 1];
			return { ...output, outputs: [...outputs.slice(0, -1), { ...zip, file_size: 3 }, { type: 'file', url: notes }] };
		},
	});
	const { result, item } = await segment();
	const zip = await result.readBinary(item, 'file_0');
	expect(zip.length).toBeGreaterThan(3);
	expect(item.json.files).toEqual([
		expect.objectContaining({ index: 0, binaryProperty: 'file_0', mimeType: 'application/zip', fileSize: zip.length }),
		expect.objectContaining({ index: 1, binaryProperty: 'file_1', fileSize: '{"prompt":"shoe"}'.length }),
	]);

	// Download Masks off: nothing stored, the size the artifact declares (none for the second).
	const { item: linked } = await segment({ options: { downloadMasks: false, includeRawResponse: true } });
	expect((linked.json.files as IDataObject[]).map((file) => file.fileSize)).toEqual([3, undefined]);
});

it('preview-in-outputs is the layout that lost the preview before: the preview is read from outputs[0]', async () => {
	emulator().setRunflowOutput({ shape: 'preview-in-outputs' });
	const { item } = await segment();
	const output = runOutput(item.json);
	expect((output.model_data as IDataObject).image).toBeUndefined();
	expect(binaryNames(item)).toEqual(['image', 'mask_0']);
	expect((item.json.image as IDataObject).url).toBe((output.outputs as IDataObject[])[0].url);
	expect(item.json.files).toBeUndefined();
	expect(item.json.modelData).toEqual({ actual_prompt: 'shoe' });
});

it('a kept item from an earlier SAM 3 run loses that run\'s files and model fields, not the user\'s own', async () => {
	emulator().setRunflowOutput({ shape: 'preview-in-outputs', extraArtifact: true });
	const { result: earlier, item: first } = await segment();
	expect(binaryNames(first)).toEqual(['file_0', 'image', 'mask_0']);
	const names = { file_0: 'file_0', image: 'image', mask_0: 'mask_0', file: 'file_0' };
	const binary = Object.fromEntries(
		await Promise.all(
			Object.entries(names).map(async ([name, from]) => [name, { data: await earlier.readBinary(first, from), mimeType: first.binary![from].mimeType, fileName: `${name}.bin` }]),
		),
	);

	emulator().setRunflowOutput({ shape: 'masks-in-outputs' });
	const imageUrl = hostImage(emulator(), await solidImage(WIDTH, HEIGHT, 'png'), 'png', 'shoe.png');
	const input = { json: { ...first.json, sku: 'A-1' }, binary };
	const result = await runSam3(emulator(), {
		provider: 'runflowApi',
		items: [input],
		parameters: { imageUrl, prompt: 'shoe', modelOptions: { applyMask: false } },
	});
	const [item] = result.items;
	expect(binaryNames(item)).toEqual(['file', 'mask_0']);
	expect(item.json).toMatchObject({ sku: 'A-1', maskCount: 1 });
	expect(item.json.files).toBeUndefined();
	expect(item.json.modelData).toBeUndefined();
});

it('a run listing its masks only in outputs[] (model_data without masks): the image artifacts are the masks', async () => {
	emulator().jobs.script({
		resultBody: (body: unknown) => {
			const { outputs } = body as { outputs: IDataObject[] };
			return { outputs, model_data: { actual_prompt: 'shoe' } };
		},
	});
	const { result, item } = await segment({ modelOptions: { applyMask: false } });
	expect(binaryNames(item)).toEqual(['mask_0']);
	const mask = await maskGeometry(await result.readBinary(item, 'mask_0'));
	expect([mask.width, mask.height]).toEqual([WIDTH, HEIGHT]);
	expect(item.json.files).toBeUndefined();
	expect(item.json.modelData).toEqual({ actual_prompt: 'shoe' });
});
