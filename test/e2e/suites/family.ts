/**
 * The SAM 3 family on a real n8n: Mask Delivery RLE (SAM 3 and SAM 3.1) gives the same mask files as URLs, and
 * the masks of one node are not left behind by the next (Keep Input Data).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { assertSegmentedItem } from '../lib/checks';
import { FAL_CREDENTIAL_ID } from '../lib/emulator';
import { TEST_IMAGES } from '../lib/test-images';
import { chain, codeItems, manualTrigger, node } from '../lib/workflows';
import type { LineContext } from './context';

const cars = TEST_IMAGES.find((image) => image.name === 'cars.jpg')!;
const credentials = { falApi: { id: FAL_CREDENTIAL_ID, name: 'fal.ai account' } };

function sam3(name: string, parameters: Record<string, unknown>) {
	return node(
		name,
		'n8n-nodes-sam3.sam3',
		1,
		{
			authentication: 'falApi',
			operation: 'segment',
			imageSource: 'url',
			imageUrl: '={{ $json.imageUrl }}',
			// Three box prompts: three objects, three masks.
			boxPrompts: {
				boxes: [
					{ xMin: 40, yMin: 60, xMax: 300, yMax: 260 },
					{ xMin: 380, yMin: 300, xMax: 700, yMax: 560 },
					{ xMin: 720, yMin: 100, xMax: 1000, yMax: 700 },
				],
			},
			modelOptions: { returnMultipleMasks: true, maxMasks: 4, includeBoxes: true, applyMask: false },
			...parameters,
		},
		{ credentials },
	);
}

const grey = async (png: Buffer) => await sharp(png).toColourspace('b-w').raw().toBuffer();

export function familySuite(ctx: () => LineContext): void {
	describe('the SAM 3 family', () => {
		for (const model of ['sam-3', 'sam-3-1']) {
			test(`${model}, Mask Delivery RLE: the same PNG masks and crops as URLs, pixel for pixel`, async () => {
				const c = ctx();
				const id = model === 'sam-3' ? 'sam3E2eFamily001' : 'sam3E2eFamily002';
				const workflow = chain(id, `e2e rle ${model}`, [
					manualTrigger(),
					codeItems('Rows', [{ imageUrl: c.images.url(cars.name) }]),
					sam3('SAM 3 URLs', { model, options: { binaryPropertyPrefix: 'url_' } }),
					sam3('SAM 3 RLE', { model, maskDelivery: 'rle', options: { binaryPropertyPrefix: 'rle_' } }),
				]);
				await c.home.importWorkflows([workflow]);
				const result = await c.home.execute(workflow.id);
				assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);

				const [urls] = result.items('SAM 3 URLs');
				const [rle] = result.items('SAM 3 RLE');
				await assertSegmentedItem(result, rle, { provider: 'fal', image: cars, minMasks: 3 });
				assert.equal(rle.json.maskCount, urls.json.maskCount);
				assert.deepEqual([rle.json.width, rle.json.height], [cars.width, cars.height]);
				for (let index = 0; index < Number(rle.json.maskCount); index++) {
					const [fromUrl, fromRle] = await Promise.all([
						grey(result.binary(urls.binary![`url_${index}`])),
						grey(result.binary(rle.binary![`rle_${index}`])),
					]);
					assert.ok(fromRle.equals(fromUrl), `mask ${index}: RLE and URL pixels differ`);
					assert.deepEqual(rle.json.masks[index].crop, urls.json.masks[index].crop, `mask ${index}: crop`);
				}
				// The first node's files, under their own prefix, are kept on the item (Keep Input Data).
				assert.ok(rle.binary?.url_0, 'url_0 was dropped');
				const submits = (await c.emulator!.log('fal.submit')).map((entry) => entry.url);
				assert.ok(submits.includes(`/fal-queue/fal-ai/${model}/image-rle`), `no RLE submit for ${model}: ${submits.join(', ')}`);
				assert.ok(submits.includes(`/fal-queue/fal-ai/${model}/image`), `no URL submit for ${model}`);
			});
		}
	});
}
