/**
 * The stand-in model on product photos (an object on a plain backdrop): a text prompt finds the object itself, so
 * a cutout from its mask looks right; an empty backdrop gives no mask; flat test cards and busy images keep the
 * deterministic ellipses the rest of the tests rely on. And masks at another resolution than the input's.
 */
import sharp from 'sharp';
import { PRODUCT_PHOTOS, renderProductPhoto } from '../../tools/e2e/lib/product-photos';
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { call, falAuth } from '../support/http';
import { decodeMask, testImage, whiteBox } from '../support/images';

let emu: Emulator;
beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 0, queueMs: 0, dispatchMs: 0 } });
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

async function segment(image: Buffer, input: Record<string, unknown> = {}) {
	const imageUrl = emu.hostImage(image, 'image/png');
	const response = await call('POST', `${emu.falRunUrl}/fal-ai/sam-3/image`, {
		headers: falAuth(emu.keys.fal),
		json: { image_url: imageUrl, prompt: 'product', include_boxes: true, ...input },
	});
	expect(response.status).toBe(200);
	return response.json;
}

const mug = PRODUCT_PHOTOS.find((p) => p.name === 'mug.png')!;
const empty = PRODUCT_PHOTOS.find((p) => p.name === 'empty-backdrop.jpg')!;

/** Pixels that differ from the backdrop by more than `contrast` (the object as drawn). */
async function objectPixels(bytes: Buffer, backdrop: number[], contrast = 60) {
	const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
	const inside = Buffer.alloc(info.width * info.height);
	for (let i = 0; i < inside.length; i++) {
		const d = Math.max(...[0, 1, 2].map((c) => Math.abs(data[i * 3 + c] - backdrop[c])));
		if (d > contrast) inside[i] = 255;
	}
	return { inside, width: info.width, height: info.height };
}

it('segments the product on a plain backdrop: the mask covers the object and leaves the backdrop out', async () => {
	const photo = await renderProductPhoto(mug);
	const output = await segment(photo);
	expect(output.masks).toHaveLength(1);
	const mask = await decodeMask((await call('GET', output.masks[0].url)).body);
	expect([mask.width, mask.height]).toEqual([mug.width, mug.height]);
	const object = await objectPixels(photo, mug.backdrop);
	let covered = 0;
	let objectCount = 0;
	let spill = 0;
	for (let i = 0; i < object.inside.length; i++) {
		if (object.inside[i]) {
			objectCount++;
			if (mask.pixels[i] > 128) covered++;
		}
	}
	// Backdrop pixels far from the object (outside its box grown by 3 px) are never in the mask.
	const box = whiteBox(object.inside, object.width, object.height)!;
	for (let y = 0; y < mask.height; y++) {
		for (let x = 0; x < mask.width; x++) {
			const near = x >= box.x0 - 3 && x < box.x1 + 3 && y >= box.y0 - 3 && y < box.y1 + 3;
			if (!near && mask.pixels[y * mask.width + x] > 128) spill++;
		}
	}
	expect(covered / objectCount).toBeGreaterThan(0.999);
	expect(spill).toBe(0);
	// The mug handle's opening shows the backdrop: it is not part of the mask.
	expect(mask.pixels[500 * mask.width + 690]).toBe(0);
	// The box matches the mask's pixels (normalized, as fal gives it).
	const white = whiteBox(mask.pixels, mask.width, mask.height)!;
	const [cx, cy, w, h] = output.boxes[0];
	expect([cx * mug.width, cy * mug.height, w * mug.width, h * mug.height]).toEqual([
		(white.x0 + white.x1) / 2,
		(white.y0 + white.y1) / 2,
		white.x1 - white.x0,
		white.y1 - white.y0,
	]);
});

it('finds nothing on an empty backdrop: a successful answer with no masks', async () => {
	const output = await segment(await renderProductPhoto(empty));
	expect(output.masks).toEqual([]);
	expect(output.metadata).toEqual([]);
});

it('keeps the seeded ellipses for flat test cards and busy images (same prompt, same masks as before)', async () => {
	const flat = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 40, g: 120, b: 200 } } }).png().toBuffer();
	const busy = await testImage(300, 200);
	for (const image of [flat, busy]) {
		const first = await segment(image, { prompt: 'person' });
		const again = await segment(image, { prompt: 'person' });
		expect(first.masks.length).toBeGreaterThan(0);
		expect(again.boxes).toEqual(first.boxes);
	}
});

it('draws masks at another resolution when told to (PUT /__emulator/masks), with the same normalized boxes', async () => {
	const photo = await renderProductPhoto(mug);
	const same = await segment(photo, { apply_mask: true });
	const put = await call('PUT', `${emu.controlUrl}/masks`, { json: { width: 1024, height: 512 } });
	expect(put.status).toBe(200);
	const other = await segment(photo, { apply_mask: true });
	expect(other.masks[0]).toMatchObject({ width: 1024, height: 512 });
	expect(other.image).toMatchObject({ width: 1024, height: 512 });
	const mask = await decodeMask((await call('GET', other.masks[0].url)).body);
	expect([mask.width, mask.height]).toEqual([1024, 512]);
	for (const [a, b] of (other.boxes[0] as number[]).map((v, i) => [v, same.boxes[0][i]])) expect(Math.abs(a - b)).toBeLessThan(0.003);
	expect((await call('DELETE', `${emu.controlUrl}/masks`)).status).toBe(200);
	expect((await segment(photo)).masks[0]).toMatchObject({ width: mug.width, height: mug.height });
});

it('refuses a mask size that is not whole positive pixels', async () => {
	expect((await call('PUT', `${emu.controlUrl}/masks`, { json: { width: 0, height: 10 } })).status).toBe(400);
	expect(emu.maskSize).toBeUndefined();
});
