/**
 * Example 5 (background removal) on a real n8n: SAM 3 masks, then n8n's own Edit Image node (GraphicsMagick)
 * makes a transparent cutout cropped to the product and a 2000×2000 white-background shot. Pixel checks on both,
 * for masks at the photo's size and at another resolution, and the photo where nothing is found.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
	assertCutout,
	assertPureWhiteOutside,
	maskAtPhotoSize,
	nonWhiteBox,
	raw,
	type Box,
} from '../lib/cutout-checks';
import { EXAMPLES, loadExample, localizeWorkflow, type Workflow } from '../lib/examples';
import { startImageServer, type ImageServer } from '../lib/image-server';
import { hostedProductPhotos, type ProductPhoto } from '../lib/product-photos';
import type { ExecuteResult, OutputItem } from '../lib/run-data';
import type { LineContext } from './context';

/** The example's marketplace rule: a square canvas of this size, the product's longer side this share of it. */
const SHOT_SIZE = 2000;
const FILL = 0.85;
const MARGIN = 0.04;

interface Photo extends ProductPhoto {
	bytes: Buffer;
}

export function ecommerceSuite(ctx: () => LineContext): void {
	describe('ecommerce: example 5, cutouts on white with Edit Image', () => {
		let photos: Photo[];
		let server: ImageServer;
		before(async () => {
			photos = await hostedProductPhotos();
			server = await startImageServer(photos);
		});
		after(async () => await server?.close());

		async function runExample(c: LineContext, id: string): Promise<ExecuteResult> {
			const workflow: Workflow = { ...localizeWorkflow(loadExample(EXAMPLES.ecommerceCutouts), { imageUrl: server.url, outputDir: c.home.filesDir }), id };
			await c.home.importWorkflows([workflow]);
			// Filesystem binary mode on both lines: n8n 1.x would otherwise keep every image in memory.
			const result = await c.home.execute(id, { timeoutMs: 10 * 60_000, env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' } });
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr.slice(-3000));
			return result;
		}

		async function assertProducts(c: LineContext, result: ExecuteResult, maskSize?: { width: number; height: number }) {
			const products = photos.filter((p) => p.sku !== 'empty-404');
			const segmented = result.items('SAM 3');
			assert.equal(segmented.length, photos.length, 'every photo was segmented');
			const shots = result.items('White background shot');
			assert.deepEqual(shots.map((s) => s.json.sku), products.map((p) => p.sku), 'one shot per product, none for the empty backdrop');
			const writtenCutouts = result.items('Write cutout');
			const writtenShots = result.items('Write white background shot');

			for (const [i, photo] of products.entries()) {
				const sam3 = segmented.find((s) => s.json.sku === photo.sku) as OutputItem;
				const json = sam3.json;
				assert.deepEqual([json.width, json.height], [photo.width, photo.height], `${photo.sku}: the input size on the item`);
				const [first] = json.masks;
				assert.deepEqual([first.width, first.height], maskSize ? [maskSize.width, maskSize.height] : [photo.width, photo.height], `${photo.sku}: the mask size`);

				const maskBytes = result.binary(sam3.binary!.mask_0);
				const maskRaw = await raw(maskBytes, 1);
				assert.deepEqual([maskRaw.width, maskRaw.height], [first.width, first.height], `${photo.sku}: the mask file's size is the one the JSON states`);
				const mask = maskAtPhotoSize(maskRaw, photo.width, photo.height);
				const object = mask.box!;
				assert.ok(object, `${photo.sku}: empty mask`);
				// The node's crop is the object's box in the photo's pixels, whatever the mask resolution.
				const slack = maskSize ? Math.ceil(Math.max(photo.width / maskSize.width, photo.height / maskSize.height)) : 0;
				assertNear(boxOfCrop(first.crop), object, slack, `${photo.sku}: crop vs the mask's object`);

				// Cutout: the crop plus the margin, clamped to the photo.
				const shot = shots[i];
				const cutoutBytes = result.binary(shot.binary!.data);
				const cutout = await raw(cutoutBytes, 4);
				const m = Math.round(MARGIN * Math.max(first.crop.width, first.crop.height));
				const cut = {
					x0: Math.max(0, first.crop.x - m),
					y0: Math.max(0, first.crop.y - m),
					x1: Math.min(photo.width, first.crop.x + first.crop.width + m),
					y1: Math.min(photo.height, first.crop.y + first.crop.height + m),
				};
				assert.deepEqual([cutout.width, cutout.height], [cut.x1 - cut.x0, cut.y1 - cut.y0], `${photo.sku}: cutout = product box + margin`);
				assert.ok(m >= 10, `${photo.sku}: the margin is visible (${m} px)`);
				const photoRaw = await raw(photo.bytes, 3);
				const checked = assertCutout(cutout, photoRaw, mask, { x: cut.x0, y: cut.y0 }, photo.format === 'jpeg' ? 6 : 0);
				assert.ok(checked.inside > 0.5 * (object.x1 - object.x0) * (object.y1 - object.y0) * 0.3, `${photo.sku}: too few product pixels checked`);
				assert.ok(checked.outside > 0, `${photo.sku}: no background pixel inside the margin checked`);

				// White-background shot: requested size, pure white around the product, product ≈ 85 % and centred.
				const shotRaw = await raw(result.binary(shot.binary!.shot), 3);
				assert.deepEqual([shotRaw.width, shotRaw.height], [SHOT_SIZE, SHOT_SIZE], `${photo.sku}: shot size`);
				const product = nonWhiteBox(shotRaw)!;
				assert.ok(product, `${photo.sku}: the shot is all white`);
				const longer = Math.max(product.x1 - product.x0, product.y1 - product.y0) / SHOT_SIZE;
				assert.ok(Math.abs(longer - FILL) <= 0.015, `${photo.sku}: product fills ${(longer * 100).toFixed(1)} % of the longer side`);
				const centre = [(product.x0 + product.x1) / 2, (product.y0 + product.y1) / 2];
				for (const v of centre) assert.ok(Math.abs(v - SHOT_SIZE / 2) <= 0.01 * SHOT_SIZE, `${photo.sku}: product centre ${centre.join(',')}`);
				assertPureWhiteOutside(shotRaw, product, 4);

				// The files on disk are those binaries.
				assert.equal(writtenCutouts[i].json.fileName, `${c.home.filesDir}/${photo.sku}-cutout.png`);
				assert.equal(writtenShots[i].json.fileName, `${c.home.filesDir}/${photo.sku}-white.png`);
				for (const [file, bytes] of [[writtenCutouts[i].json.fileName, cutoutBytes], [writtenShots[i].json.fileName, result.binary(shot.binary!.shot)]] as const) {
					assert.ok(existsSync(file), `${file} was not written`);
					assert.deepEqual(readFileSync(file), bytes);
				}
			}
		}

		function assertNothingFound(result: ExecuteResult) {
			const empty = result.items('SAM 3').find((s) => s.json.sku === 'empty-404')!;
			assert.equal(empty.json.maskCount, 0);
			assert.deepEqual(empty.json.masks, []);
			const notFound = result.items('No product found');
			assert.deepEqual(notFound.map((n) => [n.json.sku, n.json.outcome]), [['empty-404', 'no product found']]);
		}

		test('masks at the photo size: cutout and white shot per product, "no product found" for the empty backdrop', async () => {
			const c = ctx();
			const result = await runExample(c, 'sam3E2eCutouts01');
			c.record('example 5 execute (4 photos, SAM 3 + Edit Image)', result.ms);
			await assertProducts(c, result);
			assertNothingFound(result);
		});

		test('masks at 1024×1024 (not the photo size): the crop is in photo pixels, the mask is resized before compositing', async () => {
			const c = ctx();
			const maskSize = { width: 1024, height: 1024 };
			await putMasks(c, maskSize);
			try {
				const result = await runExample(c, 'sam3E2eCutouts02');
				await assertProducts(c, result, maskSize);
				assertNothingFound(result);
			} finally {
				await deleteMasks(c);
			}
		});

		test('a photo SAM 3 fails on ends as its own "SAM 3 failed" item; the others are still cut out', async () => {
			const c = ctx();
			await c.emulator!.control('scripts', { match: { prompt: 'product' }, outcome: { type: 'fail', message: 'model crashed' }, times: 1 });
			try {
				const result = await runExample(c, 'sam3E2eCutouts03');
				const shots = result.items('White background shot').map((s) => s.json.sku);
				const others = result.items('No product found').map((n) => ({ sku: n.json.sku, outcome: String(n.json.outcome) }));
				// Every photo comes out exactly once: as a shot or as an outcome.
				assert.deepEqual([...shots, ...others.map((o) => o.sku)].sort(), photos.map((p) => p.sku).sort());
				const failed = others.filter((o) => o.outcome.startsWith('SAM 3 failed: '));
				assert.equal(failed.length, 1, JSON.stringify(others));
				assert.match(failed[0].outcome, /model crashed/);
				if (failed[0].sku !== 'empty-404') assert.deepEqual(others.find((o) => o.sku === 'empty-404')?.outcome, 'no product found');
			} finally {
				await fetch(`${c.emulator!.origin}/__emulator/scripts`, { method: 'DELETE' });
			}
		});
	});
}

function boxOfCrop(crop: { x: number; y: number; width: number; height: number }): Box {
	assert.ok(crop, 'the mask has no crop');
	return { x0: crop.x, y0: crop.y, x1: crop.x + crop.width, y1: crop.y + crop.height };
}

function assertNear(actual: Box, expected: Box, slack: number, label: string) {
	for (const k of ['x0', 'y0', 'x1', 'y1'] as const) {
		assert.ok(Math.abs(actual[k] - expected[k]) <= slack, `${label}: ${k} ${actual[k]} vs ${expected[k]} (±${slack})`);
	}
}

async function putMasks(c: LineContext, size: { width: number; height: number }) {
	const res = await fetch(`${c.emulator!.origin}/__emulator/masks`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(size) });
	assert.equal(res.status, 200, await res.text());
}

async function deleteMasks(c: LineContext) {
	await fetch(`${c.emulator!.origin}/__emulator/masks`, { method: 'DELETE' });
}
