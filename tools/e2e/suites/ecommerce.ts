/**
 * Example 5 (store-ready product photos) on a real n8n: ONE Execute Workflow node calls the remove-background
 * sub-workflow (examples/05-remove-background-subworkflow.json): SAM 3 masks, then n8n's own Edit Image node
 * (GraphicsMagick) makes each preset's file — the Amazon main image, the Shopify square, the transparent cutout.
 * Every file is checked pixel by pixel against its preset's rules, for masks at the photo's size and at another
 * resolution; the photo where nothing is found, a failed SAM 3 job and an unknown preset each come out by name.
 * Example 11 (the same, one run per batch sent to a webhook, two runs at a time) writes the same checked files.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { assertStoreReadyFile, expectedCut, maskAtPhotoSize, PRESET_RULES, raw, type Box, type Preset } from '../lib/cutout-checks';
import { startImageServer, type ImageServer } from '../lib/image-server';
import { hostedProductPhotos, type ProductPhoto } from '../lib/product-photos';
import { activateWorkflow, startN8n } from '../lib/n8n-server';
import { executionsByTag, triggerRuns } from '../lib/queue-workflow';
import { BATCH_WEBHOOK_PATH, batchRemoveBackground, importRemoveBackground, importSubworkflow, pipelineEnv, subExecutions, type ImportedPipeline } from '../lib/remove-background';
import { readBinary, type ExecuteResult, type OutputItem } from '../lib/run-data';
import type { LineContext } from './context';

const ALL_PRESETS = Object.keys(PRESET_RULES) as Preset[];

interface Photo extends ProductPhoto {
	bytes: Buffer;
}

export function ecommerceSuite(ctx: () => LineContext): void {
	describe('ecommerce: example 5, store-ready files from the remove-background sub-workflow', () => {
		let photos: Photo[];
		let server: ImageServer;
		before(async () => {
			photos = await hostedProductPhotos();
			server = await startImageServer(photos);
		});
		after(async () => await server?.close());

		async function runExample(c: LineContext, mainId: string, presets = ALL_PRESETS.join(', ')): Promise<{ result: ExecuteResult; pipeline: ImportedPipeline }> {
			const pipeline = await importRemoveBackground(c.home, {
				mainId,
				photos: photos.map((p) => ({ sku: p.sku, imageUrl: server.url(p.name) })),
				presets,
				outputDir: c.home.filesDir,
			});
			const result = await c.home.execute(mainId, { timeoutMs: 10 * 60_000, env: pipelineEnv(c.home) });
			return { result, pipeline };
		}

		async function assertProducts(c: LineContext, result: ExecuteResult, pipeline: ImportedPipeline, maskSize?: { width: number; height: number }) {
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr.slice(-3000));
			const [sub] = subExecutions(c.home, pipeline.subId).slice(-1);
			assert.ok(sub, 'the sub-workflow ran');
			const segmented = (sub.runData['SAM 3'][0].data?.main?.[0] ?? []) as OutputItem[];
			assert.equal(segmented.length, photos.length, 'every photo was segmented once');
			const products = photos.filter((p) => p.sku !== 'empty-404');
			const files = result.items('Got a file?', 0);
			assert.deepEqual(
				files.map((f) => `${f.json.fileName} ${f.json.preset}`).sort(),
				products.flatMap((p) => ALL_PRESETS.map((preset) => `${p.sku} ${preset}`)).sort(),
				'one file per product and preset, none for the empty backdrop',
			);
			const written = result.items('Write store-ready file');

			for (const photo of products) {
				const sam3 = segmented.find((s) => s.json.fileName === photo.sku)!;
				const json = sam3.json;
				assert.deepEqual([json.width, json.height], [photo.width, photo.height], `${photo.sku}: the input size on the item`);
				const [first] = json.masks;
				assert.deepEqual([first.width, first.height], maskSize ? [maskSize.width, maskSize.height] : [photo.width, photo.height], `${photo.sku}: the mask size`);
				const maskRaw = await raw(result.binary(sam3.binary!.mask_0), 1);
				assert.deepEqual([maskRaw.width, maskRaw.height], [first.width, first.height], `${photo.sku}: the mask file's size is the one the JSON states`);
				const mask = maskAtPhotoSize(maskRaw, photo.width, photo.height);
				assert.ok(mask.box, `${photo.sku}: empty mask`);
				// The node's crop is the object's box in the photo's pixels, whatever the mask resolution.
				const slack = maskSize ? Math.ceil(Math.max(photo.width / maskSize.width, photo.height / maskSize.height)) : 0;
				assertNear(boxOfCrop(first.crop), mask.box, slack, `${photo.sku}: crop vs the mask's object`);
				const cut = expectedCut(first.crop, photo);
				assert.ok(cut.x1 - cut.x0 - first.crop.width >= 20, `${photo.sku}: the margin is visible`);
				const photoRaw = await raw(photo.bytes, 3);

				for (const preset of ALL_PRESETS) {
					const item = files.find((f) => f.json.fileName === photo.sku && f.json.preset === preset)!;
					const bytes = result.binary(item.binary!.data);
					const ext = PRESET_RULES[preset].format === 'jpeg' ? 'jpg' : 'png';
					assert.equal(item.binary!.data.fileName, `${photo.sku}-${preset}.${ext}`, `${photo.sku} ${preset}: file name`);
					assert.equal(item.binary!.data.mimeType, `image/${PRESET_RULES[preset].format}`, `${photo.sku} ${preset}: MIME type`);
					await assertStoreReadyFile(`${photo.sku} ${preset}`, preset, bytes, { raw: photoRaw, format: photo.format }, mask, first.crop);
					// The file on disk is that binary.
					const file = `${c.home.filesDir}/${photo.sku}-${preset}.${ext}`;
					assert.ok(written.some((w) => w.json.fileName === file), `${file} was not written`);
					assert.ok(existsSync(file), `${file} is missing`);
					assert.deepEqual(readFileSync(file), bytes, `${file} holds the store-ready file`);
				}
			}
		}

		function assertNothingFound(result: ExecuteResult) {
			const notFound = result.items('No product found');
			assert.deepEqual(notFound.map((n) => [n.json.fileName, n.json.outcome]), [['empty-404', 'no product found']]);
		}

		test('every preset, masks at the photo size: each file meets its marketplace rules; "no product found" for the empty backdrop', async () => {
			const c = ctx();
			const { result, pipeline } = await runExample(c, 'sam3E2eCutouts01');
			c.record('example 5 execute (4 photos × 3 presets, SAM 3 + Edit Image)', result.ms);
			await assertProducts(c, result, pipeline);
			assertNothingFound(result);
		});

		test('masks at 1024×1024 (not the photo size): the mask is resized before the crop, the files still meet the rules', async () => {
			const c = ctx();
			const maskSize = { width: 1024, height: 1024 };
			await putMasks(c, maskSize);
			try {
				const { result, pipeline } = await runExample(c, 'sam3E2eCutouts02');
				await assertProducts(c, result, pipeline, maskSize);
				assertNothingFound(result);
			} finally {
				await deleteMasks(c);
			}
		});

		test('a photo SAM 3 fails on ends as its own "SAM 3 failed" item; the others still get their files', async () => {
			const c = ctx();
			await c.emulator!.control('scripts', { match: { prompt: 'product' }, outcome: { type: 'fail', message: 'model crashed' }, times: 1 });
			try {
				const { result } = await runExample(c, 'sam3E2eCutouts03', 'amazon');
				assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr.slice(-3000));
				const files = result.items('Got a file?', 0).map((s) => String(s.json.fileName));
				const others = result.items('No product found').map((n) => ({ sku: String(n.json.fileName), outcome: String(n.json.outcome) }));
				// Every photo comes out exactly once: as a file or as an outcome.
				assert.deepEqual([...files, ...others.map((o) => o.sku)].sort(), photos.map((p) => p.sku).sort());
				const failed = others.filter((o) => o.outcome.startsWith('SAM 3 failed: '));
				assert.equal(failed.length, 1, JSON.stringify(others));
				assert.match(failed[0].outcome, /model crashed/);
				if (failed[0].sku !== 'empty-404') assert.deepEqual(others.find((o) => o.sku === 'empty-404')?.outcome, 'no product found');
			} finally {
				await fetch(`${c.emulator!.origin}/__emulator/scripts`, { method: 'DELETE' });
			}
		});

		test('an unknown preset stops the run by name before SAM 3 starts a single job', async () => {
			const c = ctx();
			const before = await c.emulator!.stats();
			const { result } = await runExample(c, 'sam3E2eCutouts04', 'amazon, ebay');
			assert.notEqual(result.exitCode, 0, 'the run must fail');
			assert.match(result.errorMessage() ?? result.stdout + result.stderr, /Preset "ebay" \(item 0\) is not one of: amazon, shopify, cutout/);
			const after = await c.emulator!.stats();
			assert.deepEqual(after.jobs, before.jobs, 'no SAM 3 job was started');
		});

		test('example 11: two batches sent at once, n8n running both at a time: every product\'s files meet their rules and are on disk', async () => {
			const c = ctx();
			const sub = await importSubworkflow(c.home);
			const workflow = batchRemoveBackground({ id: 'sam3E2eBatches01', subId: sub.id, presets: ALL_PRESETS.join(', '), outputDir: c.home.filesDir });
			await c.home.importWorkflows([workflow]);
			await activateWorkflow(c.home, workflow.id);
			const before = subExecutions(c.home, sub.id).length;
			// Example 5's tests wrote files of the same names: only this run's may count.
			for (const p of photos) for (const preset of ALL_PRESETS) rmSync(`${c.home.filesDir}/${p.sku}-${preset}.${PRESET_RULES[preset].format === 'jpeg' ? 'jpg' : 'png'}`, { force: true });
			const n8n = await startN8n(c.home, { env: { ...pipelineEnv(c.home), N8N_CONCURRENCY_PRODUCTION_LIMIT: '2', OMP_NUM_THREADS: '1' } });
			try {
				await n8n.login();
				const batches = [photos.slice(0, 2), photos.slice(2)];
				const tags = ['batch-1', 'batch-2'];
				await triggerRuns(n8n, BATCH_WEBHOOK_PATH, batches.map((batch, k) => ({ tag: tags[k], rows: batch.map((p) => ({ sku: p.sku, imageUrl: server.url(p.name) })) as never })));
				const runs = await executionsByTag(n8n, c.home, workflow.id, tags, { seen: new Set(), timeoutMs: 10 * 60_000 });
				const starts = [...runs.values()].map((r) => Date.parse(r.startedAt ?? ''));
				const ends = [...runs.values()].map((r) => Date.parse(r.stoppedAt ?? ''));
				assert.ok(Math.max(...starts) < Math.min(...ends), 'the two runs overlapped');
				const files: OutputItem[] = [];
				const nothing: OutputItem[] = [];
				for (const [tag, run] of runs) {
					assert.equal(run.status, 'success', `${tag}: ${run.status}`);
					files.push(...((run.data.resultData.runData['Got a file?']?.[0]?.data?.main?.[0] ?? []) as OutputItem[]));
					nothing.push(...((run.data.resultData.runData['No product found']?.[0]?.data?.main?.[0] ?? []) as OutputItem[]));
				}
				const products = photos.filter((p) => p.sku !== 'empty-404');
				assert.deepEqual(
					files.map((f) => `${f.json.fileName} ${f.json.preset}`).sort(),
					products.flatMap((p) => ALL_PRESETS.map((preset) => `${p.sku} ${preset}`)).sort(),
					'one file per product and preset, none for the empty backdrop',
				);
				assert.deepEqual(nothing.map((n) => [n.json.fileName, n.json.outcome]), [['empty-404', 'no product found']]);
				const subs = subExecutions(c.home, sub.id).slice(before);
				assert.equal(subs.length, 2, 'one sub-workflow run per batch');
				const segmented = subs.flatMap((s) => (s.runData['SAM 3'][0].data?.main?.[0] ?? []) as OutputItem[]);
				for (const photo of products) {
					const sam3 = segmented.find((s) => s.json.fileName === photo.sku)!;
					const first = sam3.json.masks[0];
					const mask = maskAtPhotoSize(await raw(readBinary(sam3.binary!.mask_0, c.home.n8nDir), 1), photo.width, photo.height);
					const photoRaw = await raw(photo.bytes, 3);
					for (const preset of ALL_PRESETS) {
						const file = `${c.home.filesDir}/${photo.sku}-${preset}.${PRESET_RULES[preset].format === 'jpeg' ? 'jpg' : 'png'}`;
						assert.ok(existsSync(file), `${file} is missing`);
						await assertStoreReadyFile(`${photo.sku} ${preset} (example 11)`, preset, readFileSync(file), { raw: photoRaw, format: photo.format }, mask, first.crop);
					}
				}
			} finally {
				await n8n.stop();
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
