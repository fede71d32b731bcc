/** The fake model's masks: real images of the input's size and requested format, matching their boxes. */
import sharp from 'sharp';
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { call, falAuth } from '../support/http';
import { decodeMask, testImage, whiteBox } from '../support/images';

let emu: Emulator;
let imageUrl: string;
const W = 300;
const H = 200;

beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 0, queueMs: 0, dispatchMs: 0 } });
	imageUrl = emu.hostImage(await testImage(W, H), 'image/png');
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

async function segment(input: Record<string, unknown>) {
	const response = await call('POST', `${emu.falRunUrl}/fal-ai/sam-3/image`, { headers: falAuth(emu.keys.fal), json: { image_url: imageUrl, ...input } });
	expect(response.status).toBe(200);
	return response.json;
}

async function download(url: string) {
	return decodeMask((await call('GET', url)).body);
}

it.each(['png', 'jpeg', 'webp'] as const)('renders %s masks at the input size', async (format) => {
	const output = await segment({ output_format: format, prompt: 'person' });
	const mask = output.masks[0];
	expect(mask).toMatchObject({ content_type: `image/${format}`, width: W, height: H });
	expect(mask.file_name.endsWith(`.${format}`)).toBe(true);
	const decoded = await download(mask.url);
	expect(decoded).toMatchObject({ format, width: W, height: H });
	expect(whiteBox(decoded.pixels, W, H)).toBeDefined();
	const preview = await sharp((await call('GET', output.image.url)).body).metadata();
	expect(preview).toMatchObject({ format, width: W, height: H });
});

it('gives scores and normalized [cx, cy, w, h] boxes that match each mask', async () => {
	const output = await segment({ prompt: 'bottle', return_multiple_masks: true, max_masks: 32, include_scores: true, include_boxes: true });
	expect(output.masks.length).toBeGreaterThan(0);
	expect(output.scores).toHaveLength(output.masks.length);
	expect(output.boxes).toHaveLength(output.masks.length);
	for (const [index, mask] of output.masks.entries()) {
		const { pixels } = await download(mask.url);
		const box = whiteBox(pixels, W, H)!;
		const [cx, cy, w, h] = output.boxes[index];
		expect(cx * W).toBeCloseTo((box.x0 + box.x1) / 2, 6);
		expect(cy * H).toBeCloseTo((box.y0 + box.y1) / 2, 6);
		expect(w * W).toBeCloseTo(box.x1 - box.x0, 6);
		expect(h * H).toBeCloseTo(box.y1 - box.y0, 6);
		expect(output.scores[index]).toBeGreaterThan(0);
		expect(output.scores[index]).toBeLessThanOrEqual(1);
		expect(output.metadata[index]).toEqual({ index, score: output.scores[index], box: output.boxes[index] });
	}
	expect([...output.scores].sort((a, b) => b - a)).toEqual(output.scores);
});

it('fills a region inside a box prompt and around a point prompt', async () => {
	const box = { x_min: 40, y_min: 30, x_max: 140, y_max: 110 };
	const boxed = await segment({ box_prompts: [box] });
	expect(boxed.masks).toHaveLength(1);
	const boxPixels = await download(boxed.masks[0].url);
	const white = whiteBox(boxPixels.pixels, W, H)!;
	expect(white.x0).toBeGreaterThanOrEqual(box.x_min);
	expect(white.y0).toBeGreaterThanOrEqual(box.y_min);
	expect(white.x1).toBeLessThanOrEqual(box.x_max);
	expect(white.y1).toBeLessThanOrEqual(box.y_max);
	expect(boxPixels.pixels[70 * W + 90]).toBe(255);
	expect(boxPixels.pixels[10 * W + 10]).toBe(0);

	const pointed = await segment({ point_prompts: [{ x: 220, y: 150, label: 1 }] });
	const pointPixels = await download(pointed.masks[0].url);
	expect(pointPixels.pixels[150 * W + 220]).toBe(255);
	expect(pointPixels.pixels[10 * W + 10]).toBe(0);
});

it('keeps box prompts sharing an object_id as one object, separate otherwise', async () => {
	const boxes = [
		{ x_min: 10, y_min: 10, x_max: 60, y_max: 60, object_id: 1 },
		{ x_min: 70, y_min: 70, x_max: 120, y_max: 120, object_id: 1 },
		{ x_min: 200, y_min: 20, x_max: 280, y_max: 90 },
	];
	const output = await segment({ box_prompts: boxes, return_multiple_masks: true, max_masks: 10 });
	expect(output.masks).toHaveLength(2);
	const background = await segment({ point_prompts: [{ x: 50, y: 50, label: 0 }], return_multiple_masks: true });
	expect(background.masks).toHaveLength(0);
});

it('is deterministic per text prompt and differs between prompts', async () => {
	const first = await segment({ prompt: 'zebra', return_multiple_masks: true, include_boxes: true, include_scores: true });
	const again = await segment({ prompt: 'zebra', return_multiple_masks: true, include_boxes: true, include_scores: true });
	const other = await segment({ prompt: 'giraffe', return_multiple_masks: true, include_boxes: true, include_scores: true });
	expect(again.boxes).toEqual(first.boxes);
	expect(again.scores).toEqual(first.scores);
	expect((await call('GET', again.masks[0].url)).body.equals((await call('GET', first.masks[0].url)).body)).toBe(true);
	expect(other.boxes).not.toEqual(first.boxes);
});

it('returns exactly one mask unless return_multiple_masks, then up to max_masks', async () => {
	// Find a prompt with several instances, so the cap is visible.
	let prompt = '';
	for (const candidate of ['car', 'wheel', 'tree', 'person', 'dog', 'cat', 'cup', 'bird']) {
		if ((await segment({ prompt: candidate, return_multiple_masks: true, max_masks: 32 })).masks.length >= 3) {
			prompt = candidate;
			break;
		}
	}
	expect(prompt).not.toBe('');
	expect((await segment({ prompt })).masks).toHaveLength(1);
	expect((await segment({ prompt, return_multiple_masks: true, max_masks: 2 })).masks).toHaveLength(2);
	const single = await segment({ prompt, include_scores: true });
	const many = await segment({ prompt, return_multiple_masks: true, max_masks: 32, include_scores: true });
	expect(single.scores[0]).toBe(Math.max(...many.scores));
});

it('uses "wheel" only when no prompt of any kind is given; apply_mask=false drops the preview', async () => {
	const defaulted = await segment({ include_boxes: true, return_multiple_masks: true });
	const wheel = await segment({ prompt: 'wheel', include_boxes: true, return_multiple_masks: true });
	expect(defaulted.boxes).toEqual(wheel.boxes);
	expect(defaulted.image).toBeDefined();
	const noPreview = await segment({ apply_mask: false, include_scores: false });
	expect(noPreview.image).toBeUndefined();
	expect(noPreview.scores).toBeUndefined();
	expect(noPreview.boxes).toBeUndefined();
	expect(noPreview.metadata).toEqual([{ index: 0 }]);
});

it('tints the preview where the mask is and leaves the rest of the input as it was', async () => {
	const output = await segment({ box_prompts: [{ x_min: 100, y_min: 50, x_max: 200, y_max: 150 }], output_format: 'png' });
	const preview = await sharp((await call('GET', output.image.url)).body).removeAlpha().raw().toBuffer();
	const input = await sharp(await testImage(W, H)).removeAlpha().raw().toBuffer();
	const at = (buf: Buffer, x: number, y: number) => [...buf.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)];
	expect(at(preview, 10, 10)).toEqual(at(input, 10, 10));
	expect(at(preview, 150, 100)).not.toEqual(at(input, 150, 100));
});
