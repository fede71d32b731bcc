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

		test('Reconstruct 3D Object and Body, Track Objects: bounded binaries named after the input, cost on every item', async () => {
			const c = ctx();
			const product = c.images.url('product.png');
			// A new node's panel (version 2): each operation's options under its one Options collection.
			const fal = (name: string, parameters: Record<string, unknown>) =>
				node(name, 'n8n-nodes-sam3.sam3', 2, { authentication: 'falApi', ...parameters }, { credentials });
			const workflow = chain('sam3E2eFamily003', 'e2e 3D and tracks', [
				manualTrigger(),
				codeItems('Rows', [{ imageUrl: product, clipUrl: c.images.url('street-ball.mp4') }]),
				fal('3D Object', { operation: 'reconstruct3dObject', imageUrl: '={{ $json.imageUrl }}', prompt: 'product', options: { download: ['glb', 'splat', 'zip'] } }),
				fal('3D Body', { operation: 'reconstruct3dBody', imageUrl: '={{ $json.imageUrl }}' }),
				fal('Tracks', { operation: 'trackObjects', videoUrl: '={{ $json.clipUrl }}', prompt: 'ball', options: { frameMaskFiles: true } }),
			]);
			await c.home.importWorkflows([workflow]);
			const result = await c.home.execute(workflow.id);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);

			const [object] = result.items('3D Object');
			assert.equal(object.json.model, 'fal-ai/sam-3/3d-objects');
			assert.equal(object.binary!.model.fileName, 'product-model.glb');
			assert.equal(result.binary(object.binary!.model).subarray(0, 4).toString('latin1'), 'glTF');
			assert.equal(result.binary(object.binary!.splat).subarray(0, 3).toString('latin1'), 'ply');
			assert.equal(result.binary(object.binary!.artifacts).readUInt32BE(0), 0x504b0304);
			assert.equal(object.json.cost.estimatedUsd, 0.02);

			const [body] = result.items('3D Body');
			assert.equal(body.binary!.model.fileName, 'product-body.glb');
			assert.ok(body.json.peopleCount >= 1);
			assert.equal(body.json.cost.estimate, true);

			const tracks = result.items('Tracks');
			assert.ok(tracks.length >= 1);
			for (const track of tracks) {
				const frames = track.json.frames as Array<{ frameIndex: number }>;
				for (const frame of frames) assert.equal(result.binary(track.binary![`frame_${frame.frameIndex}`]).subarray(1, 4).toString('latin1'), 'PNG');
				assert.equal(track.json.cost.estimatedUsd, 0.005);
			}
		});

		test('Options > Max Spend per Run: the jobs past it are never started, each refused item is an error item', async () => {
			const c = ctx();
			const rows = Array.from({ length: 5 }, (_, index) => ({ imageUrl: c.images.url('product.png'), index }));
			const workflow = chain('sam3E2eFamily004', 'e2e max spend', [
				manualTrigger(),
				codeItems('Rows', rows),
				node('SAM 3', 'n8n-nodes-sam3.sam3', 1, { authentication: 'falApi', operation: 'segment', imageUrl: '={{ $json.imageUrl }}', prompt: 'product', options: { maxSpendUsd: 0.01, maxConcurrency: 2 } }, { credentials, onError: 'continueRegularOutput' }),
			]);
			await c.home.importWorkflows([workflow]);
			const since = ((await c.emulator!.control('log')) as Array<{ seq: number }>).at(-1)?.seq ?? 0;
			const result = await c.home.execute(workflow.id);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);
			const items = result.items('SAM 3');
			assert.equal(items.filter((item) => item.json.maskCount !== undefined).length, 2);
			const refused = items.filter((item) => item.json.error);
			assert.equal(refused.length, 3);
			for (const item of refused) assert.match(String(item.json.error?.message ?? item.json.error), /Max Spend per Run/);
			const submits = (await c.emulator!.control(`log?since=${since}&route=fal.submit`)) as unknown[];
			assert.equal(submits.length, 2);
		});
	});
}
