/** The examples/ workflows, imported and run headless on a real n8n against the provider emulator. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { assertSegmentedItem, pairedIndex } from '../lib/checks';
import { allExampleFiles, EXAMPLE_SUITES, EXAMPLES, loadExample, localizeWorkflow, type Workflow } from '../lib/examples';
import { TEST_IMAGES } from '../lib/test-images';
import type { LineContext } from './context';

const imageSize = (url: string) => {
	const image = TEST_IMAGES.find((i) => i.name === basename(new URL(url).pathname));
	if (!image) throw new Error(`no test image for ${url}`);
	return image;
};

/** Example with local images and the home's files folder. */
function localExample(ctx: LineContext, file: string): Workflow {
	return localizeWorkflow(loadExample(file), { imageUrl: ctx.images.url, outputDir: ctx.home.filesDir });
}

export function examplesSuite(ctx: () => LineContext): void {
	describe('examples', () => {
		test('every file in examples/ is one a suite runs', () => {
			assert.deepEqual(allExampleFiles(), Object.values(EXAMPLES).sort());
			for (const key of Object.keys(EXAMPLES)) assert.ok(EXAMPLE_SUITES[key as keyof typeof EXAMPLES], `${key} has no suite`);
		});

		test('1 e-commerce: every product URL gets its mask, as a file on disk and as binary', async () => {
			const c = ctx();
			const workflow = localExample(c, EXAMPLES.ecommerce);
			await c.home.importWorkflows([workflow]);
			const result = await c.home.execute(workflow.id);
			c.record('example 1 execute (3 images, fal queue)', result.ms);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);

			const products = result.items('Product images');
			const segmented = result.items('SAM 3');
			const written = result.items('Write mask files');
			assert.equal(segmented.length, products.length);
			assert.equal(written.length, products.length);
			for (const [i, item] of segmented.entries()) {
				assert.equal(pairedIndex(item), i, `SAM 3 item ${i} is paired with its product`);
				await assertSegmentedItem(result, item, { provider: 'fal', image: imageSize(products[i].json.imageUrl) });
				const file = written[i].json.fileName as string;
				assert.equal(file, `${c.home.filesDir}/${products[i].json.sku}-mask.png`);
				assert.ok(existsSync(file), `${file} was not written`);
				assert.deepEqual(readFileSync(file), result.binary(item.binary!.mask_0));
			}
		});

		test('2 binary in: a downloaded image is segmented on Runflow without the provider fetching its URL', async () => {
			const c = ctx();
			const workflow = localExample(c, EXAMPLES.binaryRunflow);
			const before = c.images.requests.length;
			await c.home.importWorkflows([workflow]);
			const result = await c.home.execute(workflow.id);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);

			const [item, ...rest] = result.items('SAM 3');
			assert.equal(rest.length, 0);
			await assertSegmentedItem(result, item, { provider: 'runflow', image: imageSize(c.images.url('truck.jpg')), maxMasks: 4 });
			for (const mask of item.json.masks) {
				assert.equal(typeof mask.score, 'number', 'includeScores was set');
				assert.ok(mask.box, 'includeBoxes was set');
			}
			// Only the HTTP Request node downloaded the image: SAM 3 sent the bytes, not the URL.
			assert.deepEqual(c.images.requests.slice(before), ['/truck.jpg']);
		});

		test('3 scheduled content: box prompts taken from each item reach the provider', async () => {
			const c = ctx();
			const workflow = localExample(c, EXAMPLES.scheduledBoxes);
			await c.home.importWorkflows([workflow]);
			const since = await lastLogSeq(c);
			const result = await c.home.execute(workflow.id);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);

			const inputs = result.items('Images and regions');
			const summaries = result.items('Summary');
			assert.equal(summaries.length, inputs.length);
			for (const [i, summary] of summaries.entries()) {
				assert.equal(summary.json.title, inputs[i].json.title);
				assert.ok(summary.json.maskCount >= 1, `item ${i} got no mask`);
				assert.equal(summary.json.imageUrl, inputs[i].json.imageUrl, 'keepInputData kept the input fields');
			}
			const submitted = (await c.emulator!.control(`log?since=${since}&route=fal.submit`)) as Array<{ body?: any }>;
			const sentBoxes = submitted.map((e) => e.body?.box_prompts).sort((a, b) => a.length - b.length);
			const wanted = inputs.map((i) => i.json.boxes).sort((a, b) => a.length - b.length);
			assert.deepEqual(sentBoxes, wanted);
		});

		test('8 SAM 3.1 with RLE masks: one item per object with score, crop and its mask file, decoded by the node', async () => {
			const c = ctx();
			const workflow = localExample(c, EXAMPLES.sam31Rle);
			await c.home.importWorkflows([workflow]);
			const since = await lastLogSeq(c);
			const result = await c.home.execute(workflow.id);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);

			const photos = result.items('Photos');
			const segmented = result.items('SAM 3');
			const objects = result.items('Objects');
			assert.equal(objects.length, segmented.length);
			assert.ok(objects.length >= photos.length, 'every photo gives at least one object');
			for (const [i, item] of segmented.entries()) {
				const photo = photos[pairedIndex(item)!];
				const image = imageSize(photo.json.imageUrl);
				const bytes = result.binary(item.binary!.mask);
				const meta = await sharp(bytes).metadata();
				assert.deepEqual([meta.format, meta.width, meta.height], ['png', image.width, image.height], `object ${i}: its mask file`);
				assert.equal(objects[i].json.photo, photo.json.photo);
				assert.equal(typeof objects[i].json.score, 'number');
				const crop = objects[i].json.crop as { x: number; y: number; width: number; height: number };
				assert.ok(crop.x + crop.width <= image.width && crop.y + crop.height <= image.height, `object ${i}: crop inside the photo`);
			}
			const submitted = (await c.emulator!.control(`log?since=${since}&route=fal.submit`)) as Array<{ url: string }>;
			assert.deepEqual([...new Set(submitted.map((entry) => entry.url))], ['/fal-queue/fal-ai/sam-3-1/image-rle']);
		});

		test('9 product photos to 3D: Segment Image finds each product, Reconstruct 3D Object turns its mask into a GLB on disk', async () => {
			const c = ctx();
			const workflow = localExample(c, EXAMPLES.productsTo3d);
			await c.home.importWorkflows([workflow]);
			const since = await lastLogSeq(c);
			const result = await c.home.execute(workflow.id);
			c.record('example 9 execute (2 photos: segment + 3D, fal queue)', result.ms);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);

			const products = result.items('Product photos');
			const models = result.items('Reconstruct 3D');
			const written = result.items('Write GLB');
			assert.equal(models.length, products.length);
			for (const [i, item] of models.entries()) {
				assert.equal(item.json.sku, products[i].json.sku, 'Keep Input Data kept the product');
				assert.equal(item.json.model, 'fal-ai/sam-3/3d-objects');
				assert.deepEqual(item.json.cost, { estimatedUsd: 0.02, basis: item.json.cost.basis, estimate: true });
				const glb = result.binary(item.binary!.model);
				assert.equal(glb.subarray(0, 4).toString('latin1'), 'glTF');
				assert.equal(item.binary!.model.fileName, `${products[i].json.sku}-model.glb`);
				const file = written[i].json.fileName as string;
				assert.equal(file, `${c.home.filesDir}/${products[i].json.sku}.glb`);
				assert.deepEqual(readFileSync(file), glb);
			}
			// The 3D job was given the product's mask from Segment Image, one per photo.
			const submitted = (await c.emulator!.control(`log?since=${since}&route=fal.submit`)) as Array<{ url: string; body?: any }>;
			const threeD = submitted.filter((entry) => entry.url === '/fal-queue/fal-ai/sam-3/3d-objects');
			assert.equal(threeD.length, products.length);
			for (const entry of threeD) assert.equal(entry.body?.mask_urls?.length, 1);
		});

		test('10 clip to tracked objects: one item per object with the frames it is on', async () => {
			const c = ctx();
			const workflow = localExample(c, EXAMPLES.clipTracks);
			await c.home.importWorkflows([workflow]);
			const result = await c.home.execute(workflow.id);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);

			const tracked = result.items('Track objects');
			const objects = result.items('Objects');
			assert.ok(tracked.length >= 1, 'at least one object tracked');
			assert.equal(objects.length, tracked.length);
			assert.deepEqual(tracked.map((item) => item.json.trackId), [...tracked.keys()]);
			for (const [i, object] of objects.entries()) {
				assert.equal(object.json.object, i);
				assert.ok(object.json.framesSeen >= 1 && object.json.framesSeen <= 8, `object ${i}: frames seen`);
				assert.ok(object.json.lastFrame >= object.json.firstFrame);
				assert.equal(object.json.jobCostUsd, 0.005);
			}
		});

		test('7 video: SAM 3 Segment Video, then n8n\'s Compression node unpacks the per-frame boxes zip', async () => {
			const c = ctx();
			const workflow = localExample(c, EXAMPLES.videoUnzip);
			await c.home.importWorkflows([workflow]);
			const result = await c.home.execute(workflow.id);
			c.record('example 7 execute (video-rle + zip, fal queue)', result.ms);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);

			const [segmented] = result.items('SAM 3 Segment Video');
			assert.equal(segmented.json.model, 'fal-ai/sam-3/video-rle');
			assert.equal(segmented.json.frameCount, 8);
			const [unpacked, ...rest] = result.items('Unpack boxes');
			assert.equal(rest.length, 0);
			const frames = Object.keys(unpacked.binary ?? {}).filter((name) => name.startsWith('frame_')).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
			assert.deepEqual(frames, Array.from({ length: 8 }, (_, i) => `frame_${i}`));
			for (const name of frames) {
				const picture = result.binary(unpacked.binary![name]);
				assert.equal(picture.subarray(1, 4).toString('latin1'), 'PNG', `${name} is no PNG`);
				assert.match(unpacked.binary![name].fileName ?? '', /^frame_\d{5}\.png$/);
			}
		});
	});
}

async function lastLogSeq(c: LineContext): Promise<number> {
	const entries = (await c.emulator!.control('log')) as Array<{ seq: number }>;
	return entries.length ? entries[entries.length - 1].seq : 0;
}
