/**
 * Runflow's run lists artifacts (`outputs[]`) beside its model fields (`model_data`): the node carries every one
 * to the item (test/node/runflow-artifacts.test.ts), bounded like the masks — a file's size, how many files, how
 * large a model field — and names what it leaves out.
 */
import type { IDataObject } from 'n8n-workflow';

import { expectErrorItem, expectMasks, logOf, segment, smallImage, useEmulator } from './harness';

const emulator = useEmulator();

type RunOutput = { outputs: IDataObject[]; model_data: IDataObject };
const withOutput = (change: (output: RunOutput) => unknown) => emulator().jobs.script({ resultBody: (body: unknown) => change(body as RunOutput) });

describe('Runflow artifacts beside the masks', () => {
	it('a reported file over the 100 MiB download cap is cut off, not stored', async () => {
		const huge = Buffer.alloc(101 * 1024 * 1024);
		huge.write('PK\x03\x04', 'latin1'); // starts like a zip, so only the size cap can stop it
		const url = emulator().hostImage(huge, 'application/zip', 'huge.zip');
		withOutput((output) => ({ ...output, outputs: [...output.outputs, { type: 'file', url }] }));
		const result = await segment(emulator(), 'runflowApi', { parameters: { modelOptions: { applyMask: false } } });
		expectErrorItem(result.items[0], 0, { errorType: 'file_too_large', stage: 'download', message: /image-file-0 is larger than 100 MiB/ });
		expect(logOf(emulator(), 'files.get').filter((entry) => entry.url.endsWith('/huge.zip'))).toHaveLength(1);
	});

	it('a run listing more than 16 other files: error item naming the count, nothing downloaded', async () => {
		const url = emulator().hostImage(await smallImage(), 'image/jpeg', 'extra.jpg');
		const many = Array.from({ length: 17 }, (_, index) => ({ type: 'file', url: `${url}?copy=${index}` }));
		withOutput((output) => ({ ...output, outputs: [...output.outputs, ...many] }));
		const result = await segment(emulator(), 'runflowApi');
		expectErrorItem(result.items[0], 0, { errorType: 'unexpected_output', stage: 'result', message: /lists 17 files besides the masks and preview; at most 16/ });
		expect(logOf(emulator(), 'files.get')).toHaveLength(0);
	});

	it('a model field over 64 KiB is named in its place, the other fields and the masks are kept', async () => {
		withOutput((output) => ({ ...output, model_data: { ...output.model_data, description: 'x'.repeat(70_000), actual_prompt: 'shoe' } }));
		const result = await segment(emulator(), 'runflowApi');
		expectMasks(result.items[0], 0);
		expect(result.items[0].json.modelData).toEqual({ description: '(left out: 69 KiB, over 64 KiB)', actual_prompt: 'shoe' });
	});

	it('an outputs entry without a URL is no file: skipped, the masks and the other files kept', async () => {
		const url = emulator().hostImage(await smallImage(), 'image/jpeg', 'extra.jpg');
		withOutput((output) => ({ ...output, outputs: [...output.outputs, { type: 'file' }, 'mask.png', null, { type: 'image', url }] }));
		const result = await segment(emulator(), 'runflowApi', { parameters: { modelOptions: { applyMask: false } } });
		expectMasks(result.items[0], 0);
		expect(result.items[0].json.files).toEqual([expect.objectContaining({ index: 0, type: 'image', binaryProperty: 'file_0', mimeType: 'image/jpeg' })]);
	});
});
