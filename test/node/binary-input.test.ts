/**
 * A binary image from a previous node reaches the provider in both of n8n's binary modes: small files inline as a
 * data: URI, larger ones (or on request) through the provider's upload flow, whose presigned PUT never sees the key.
 */
import type { INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import type { BinaryMode } from '../../tools/rig';
import { PROVIDERS, type Provider, runSam3, solidImage } from './fixture';
import { entries, jobInputs, onlySubmit, pngOfSize, routeSequence, sentInput, useEmulator } from './harness';

const emulator = useEmulator();
const MiB = 1024 * 1024;
const UPLOAD_ROUTES = ['fal.upload.initiate', 'files.put', 'runflow.asset.create', 'runflow.asset.confirm'];

const cases = PROVIDERS.flatMap((provider) => (['default', 'filesystem'] as const).map((mode) => [provider, mode] as [Provider, BinaryMode]));

describe.each(cases)('binary image input (%s, %s binary mode)', (provider, binaryMode) => {
	async function run(data: Buffer, options: INodeParameters = {}, mimeType = 'image/png', property = 'data') {
		const result = await runSam3(emulator(), {
			provider,
			binaryMode,
			parameters: { imageSource: 'binary', binaryPropertyName: property, prompt: 'shoe', options },
			items: [{ json: {}, binary: { [property]: { data, mimeType, fileName: 'photo.png' } } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.errorItems).toEqual([]);
		// The rig really stored the input in the mode under test.
		expect(Boolean(result.inputItems[0].binary?.[property]?.id)).toBe(binaryMode === 'filesystem');
		return result;
	}

	const uploadCalls = () => routeSequence(emulator()).filter((route) => route !== null && UPLOAD_ROUTES.includes(route));

	it('sends a small file inline as a data: URI of its exact bytes (no upload)', async () => {
		const image = await solidImage(173, 91, 'png');
		const result = await run(image);
		expect(sentInput(onlySubmit(emulator()), provider).image_url).toBe(`data:image/png;base64,${image.toString('base64')}`);
		expect(uploadCalls()).toEqual([]);
		expect([result.items[0].json.masks]).toMatchObject([[{ width: 173, height: 91 }]]);
	});

	it('names the type it detected from the bytes, not the type the file claims', async () => {
		const image = await solidImage(64, 64, 'jpeg');
		await run(image, {}, 'application/octet-stream', 'photo');
		expect(String(sentInput(onlySubmit(emulator()), provider).image_url)).toMatch(/^data:image\/jpeg;base64,\/9j\//);
	});

	it('uploads through the provider storage when Upload is chosen, then sends the stored file URL', async () => {
		const image = await solidImage(173, 91, 'png');
		const result = await run(image, { uploadMode: 'upload' });

		const [put] = entries(emulator(), 'files.put');
		expect(entries(emulator(), 'files.put')).toHaveLength(1);
		expect(put.authorization).toBe(false);
		expect(put.bodyBytes).toBe(image.length);
		expect(put.headers['content-type']).toBe('image/png');

		if (provider === 'falApi') {
			expect(uploadCalls()).toEqual(['fal.upload.initiate', 'files.put']);
			const [initiate] = entries(emulator(), 'fal.upload.initiate');
			expect(initiate.url).toBe('/fal-rest/storage/upload/initiate?storage_type=fal-cdn-v3');
			expect(initiate.body).toEqual({ content_type: 'image/png', file_name: 'photo.png' });
			expect(initiate.headers.authorization).toBe(`Key ${emulator().keys.fal}`);
		} else {
			expect(uploadCalls()).toEqual(['runflow.asset.create', 'files.put', 'runflow.asset.confirm']);
			const [create] = entries(emulator(), 'runflow.asset.create');
			expect(create.body).toEqual({ filename: 'photo.png', mime_type: 'image/png', size_bytes: image.length });
			const [confirm] = entries(emulator(), 'runflow.asset.confirm');
			expect(confirm.url).toMatch(/^\/runflow\/v1\/asset-uploads\/[^/]+\/confirmations$/);
			expect(confirm.headers.authorization).toBe(`Bearer ${emulator().keys.runflow}`);
		}
		// The upload happens before the job is submitted, and the job reads the uploaded file.
		const sequence = routeSequence(emulator());
		expect(sequence.indexOf('files.put')).toBeLessThan(sequence.findIndex((route) => route === 'fal.submit' || route === 'runflow.create'));
		const imageUrl = String(sentInput(onlySubmit(emulator()), provider).image_url);
		expect(imageUrl.startsWith(`${emulator().filesUrl}/`)).toBe(true);
		expect(result.items[0].json.masks).toMatchObject([{ width: 173, height: 91 }]);
		// The presigned PUT and the file host never saw the key.
		expect(emulator().requests.filter((entry) => entry.vhost === 'files' && entry.authorization)).toEqual([]);
	});

	it('Auto sends a file of exactly 1 MiB inline', async () => {
		const image = await pngOfSize(MiB, 120, 80);
		await run(image, { uploadMode: 'auto' });
		expect(uploadCalls()).toEqual([]);
		const [input] = jobInputs(emulator());
		expect(input.image_url).toBe(`data:image/png;base64,${image.toString('base64')}`);
	});

	it('Auto uploads a file one byte over 1 MiB', async () => {
		const image = await pngOfSize(MiB + 1, 120, 80);
		const result = await run(image);
		expect(uploadCalls()).toContain('files.put');
		expect(entries(emulator(), 'files.put').map((entry) => [entry.bodyBytes, entry.authorization])).toEqual([[MiB + 1, false]]);
		expect(String(sentInput(onlySubmit(emulator()), provider).image_url)).not.toMatch(/^data:/);
		expect(result.items[0].json.masks).toMatchObject([{ width: 120, height: 80 }]);
	});

	it('Inline sends even a file over 1 MiB as a data: URI', async () => {
		const image = await pngOfSize(MiB + 1, 120, 80);
		await run(image, { uploadMode: 'inline' });
		expect(uploadCalls()).toEqual([]);
		expect(jobInputs(emulator())[0].image_url).toBe(`data:image/png;base64,${image.toString('base64')}`);
	});
});

describe('padded test images', () => {
	it('are valid PNGs of the exact size asked for', async () => {
		const image = await pngOfSize(MiB + 1, 120, 80);
		expect(image.length).toBe(MiB + 1);
		expect(await sharp(image).metadata()).toMatchObject({ format: 'png', width: 120, height: 80 });
	});
});
