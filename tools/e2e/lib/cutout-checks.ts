/**
 * Pixel checks on background-removal results (sharp): a cutout against its photo and mask, a white-background
 * shot against the marketplace rule (square, pure white, product ≈ 85 % of the longer side, centred).
 */
import assert from 'node:assert/strict';
import sharp from 'sharp';

export interface Raw {
	data: Buffer;
	width: number;
	height: number;
	channels: number;
}

export interface Box {
	x0: number;
	y0: number;
	/** exclusive */
	x1: number;
	y1: number;
}

/** A PNG's chunk types in order, and its bit depth (IHDR). */
export function pngChunks(bytes: Buffer): { types: string[]; bitDepth: number } {
	const types: string[] = [];
	for (let at = 8; at + 8 <= bytes.length; at += 12 + bytes.readUInt32BE(at)) types.push(bytes.toString('latin1', at + 4, at + 8));
	return { types, bitDepth: bytes[24] };
}

export async function raw(bytes: Buffer, channels: 1 | 3 | 4): Promise<Raw> {
	let image = sharp(bytes);
	if (channels === 1) image = image.extractChannel(0);
	else if (channels === 3) image = image.removeAlpha();
	else image = image.ensureAlpha();
	const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height, channels: info.channels };
}

/**
 * The mask, sampled at the photo's pixels (nearest), and which of those pixels are "sure": at least `edge` photo
 * pixels away from the mask's edge, where any resampling method agrees on 0 or 255.
 */
export function maskAtPhotoSize(mask: Raw, width: number, height: number, edge = 2) {
	const value = new Uint8Array(width * height);
	const sx = mask.width / width;
	const sy = mask.height / height;
	const at = (x: number, y: number) => {
		const mx = Math.min(mask.width - 1, Math.max(0, Math.floor((x + 0.5) * sx)));
		const my = Math.min(mask.height - 1, Math.max(0, Math.floor((y + 0.5) * sy)));
		return mask.data[my * mask.width + mx] >= 128 ? 1 : 0;
	};
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) value[y * width + x] = at(x, y);
	// One mask pixel spans up to ceil(1/s) photo pixels: the uncertain band grows with the scale.
	const reach = edge + Math.ceil(Math.max(1 / sx, 1 / sy));
	const sure = new Uint8Array(width * height);
	// Row-then-column runs: a pixel is sure when every pixel within `reach` has its value.
	const rowSame = new Uint8Array(width * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const v = value[y * width + x];
			let same = 1;
			for (let d = -reach; d <= reach && same; d++) {
				const xx = Math.min(width - 1, Math.max(0, x + d));
				if (value[y * width + xx] !== v) same = 0;
			}
			rowSame[y * width + x] = same;
		}
	}
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const v = value[y * width + x];
			let same = 1;
			for (let d = -reach; d <= reach && same; d++) {
				const yy = Math.min(height - 1, Math.max(0, y + d));
				if (!rowSame[yy * width + x] || value[yy * width + x] !== v) same = 0;
			}
			sure[y * width + x] = same;
		}
	}
	return { value, sure, box: boxOf(value, width, height) };
}

export function boxOf(value: Uint8Array, width: number, height: number): Box | undefined {
	let box: Box | undefined;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			if (!value[y * width + x]) continue;
			if (!box) box = { x0: x, y0: y, x1: x + 1, y1: y + 1 };
			box.x0 = Math.min(box.x0, x);
			box.x1 = Math.max(box.x1, x + 1);
			box.y1 = y + 1;
		}
	}
	return box;
}

/**
 * Cutout vs photo and mask: alpha 0 where the mask is surely 0, 255 where surely 255, and there the photo's own
 * colours (`rgbTolerance` for JPEG, whose decoders may round differently). Returns how many pixels were checked.
 */
export function assertCutout(
	cutout: Raw,
	photo: Raw,
	mask: ReturnType<typeof maskAtPhotoSize>,
	offset: { x: number; y: number },
	rgbTolerance: number,
): { inside: number; outside: number } {
	let inside = 0;
	let outside = 0;
	for (let v = 0; v < cutout.height; v++) {
		for (let u = 0; u < cutout.width; u++) {
			const x = u + offset.x;
			const y = v + offset.y;
			const p = y * photo.width + x;
			if (!mask.sure[p]) continue;
			const c = (v * cutout.width + u) * 4;
			const alpha = cutout.data[c + 3];
			if (!mask.value[p]) {
				assert.equal(alpha, 0, `cutout pixel (${u}, ${v}) is outside the mask but has alpha ${alpha}`);
				outside++;
				continue;
			}
			assert.equal(alpha, 255, `cutout pixel (${u}, ${v}) is inside the mask but has alpha ${alpha}`);
			for (let k = 0; k < 3; k++) {
				const diff = Math.abs(cutout.data[c + k] - photo.data[p * 3 + k]);
				assert.ok(diff <= rgbTolerance, `cutout pixel (${u}, ${v}) channel ${k} differs from the photo by ${diff}`);
			}
			inside++;
		}
	}
	return { inside, outside };
}

/** The box of pixels that are not white (any channel below `threshold`). */
export function nonWhiteBox(image: Raw, threshold = 250): Box | undefined {
	const value = new Uint8Array(image.width * image.height);
	for (let i = 0; i < value.length; i++) {
		const c = i * image.channels;
		if (image.data[c] < threshold || image.data[c + 1] < threshold || image.data[c + 2] < threshold) value[i] = 1;
	}
	return boxOf(value, image.width, image.height);
}

/** Every pixel outside `box` grown by `grow` is exactly (255, 255, 255). */
export function assertPureWhiteOutside(image: Raw, box: Box, grow: number): void {
	for (let y = 0; y < image.height; y++) {
		for (let x = 0; x < image.width; x++) {
			if (x >= box.x0 - grow && x < box.x1 + grow && y >= box.y0 - grow && y < box.y1 + grow) continue;
			const c = (y * image.width + x) * image.channels;
			const rgb = [image.data[c], image.data[c + 1], image.data[c + 2]];
			if (rgb[0] !== 255 || rgb[1] !== 255 || rgb[2] !== 255) assert.fail(`pixel (${x}, ${y}) outside the product is ${rgb.join(',')}, not pure white`);
		}
	}
}

/**
 * The store-ready presets of the remove-background sub-workflow and the marketplace rules each must meet
 * (sources: /work/shared/reference/marketplaces.md; README *Presets*). `fill` is the product's longer side as a
 * share of the square: Amazon asks for at least 85 %, the recipe aims at 87 %.
 */
export const PRESET_RULES = {
	amazon: { format: 'jpeg', square: 2000, minSide: 1000, minFill: 0.85, maxFill: 0.9, white: true },
	shopify: { format: 'jpeg', square: 2048, minSide: 2048, minFill: 0.85, maxFill: 0.9, white: true },
	cutout: { format: 'png', square: undefined, minSide: undefined, minFill: undefined, maxFill: undefined, white: false },
} as const;
export type Preset = keyof typeof PRESET_RULES;

/** The cut the recipe makes: the product box plus a 4 % margin, equal on both sides of each axis, inside the photo. */
export function expectedCut(crop: { x: number; y: number; width: number; height: number }, photo: { width: number; height: number }): Box {
	const m = Math.round(0.04 * Math.max(crop.width, crop.height));
	const mx = Math.min(m, crop.x, photo.width - crop.x - crop.width);
	const my = Math.min(m, crop.y, photo.height - crop.y - crop.height);
	return { x0: crop.x - mx, y0: crop.y - my, x1: crop.x + crop.width + mx, y1: crop.y + crop.height + my };
}

export function formatOf(bytes: Buffer): 'jpeg' | 'png' | 'other' {
	if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'jpeg';
	if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
	return 'other';
}

/**
 * One store-ready file against its preset's rules, pixel by pixel.
 * - cutout: PNG with alpha, exactly the expected cut; alpha 0 / 255 where the mask is surely out / in, and there
 *   the photo's own colours.
 * - amazon / shopify: JPEG, the preset's square; every pixel farther than one JPEG block (16 px) from the product
 *   is pure white 255,255,255; the product's longer side fills minFill–maxFill of the square, centred (±1 %), with
 *   the mask box's aspect ratio (±3 %).
 */
export async function assertStoreReadyFile(
	label: string,
	preset: Preset,
	bytes: Buffer,
	photo: { raw: Raw; format: 'png' | 'jpeg' },
	mask: ReturnType<typeof maskAtPhotoSize>,
	crop: { x: number; y: number; width: number; height: number },
): Promise<{ inside?: number; outside?: number; fill?: number }> {
	const rule = PRESET_RULES[preset];
	assert.equal(formatOf(bytes), rule.format, `${label}: ${preset} must be ${rule.format}`);
	if (preset === 'cutout') {
		const cut = expectedCut(crop, photo.raw);
		// A store-ready PNG: 8 bits per channel, and no offset (oFFs) that some tools would place it by.
		const png = pngChunks(bytes);
		assert.equal(png.bitDepth, 8, `${label}: the cutout has ${png.bitDepth} bits per channel`);
		assert.ok(!png.types.includes('oFFs'), `${label}: the cutout carries an image offset (oFFs)`);
		const cutout = await raw(bytes, 4);
		assert.deepEqual([cutout.width, cutout.height], [cut.x1 - cut.x0, cut.y1 - cut.y0], `${label}: cutout = product box + margin`);
		const checked = assertCutout(cutout, photo.raw, mask, { x: cut.x0, y: cut.y0 }, photo.format === 'jpeg' ? 6 : 0);
		const object = mask.box!;
		assert.ok(checked.inside > 0.15 * (object.x1 - object.x0) * (object.y1 - object.y0), `${label}: too few product pixels checked`);
		assert.ok(checked.outside > 0, `${label}: no background pixel inside the margin checked`);
		return checked;
	}
	const shot = await raw(bytes, 3);
	const size = rule.square!;
	assert.deepEqual([shot.width, shot.height], [size, size], `${label}: ${preset} is a ${size} px square`);
	assert.ok(size >= rule.minSide!, `${label}: at least ${rule.minSide} px`);
	const product = nonWhiteBox(shot);
	assert.ok(product, `${label}: the shot is all white`);
	const w = product.x1 - product.x0;
	const h = product.y1 - product.y0;
	const fill = Math.max(w, h) / size;
	assert.ok(fill >= rule.minFill! && fill <= rule.maxFill!, `${label}: product fills ${(fill * 100).toFixed(1)} % of the longer side (rule ${rule.minFill! * 100}–${rule.maxFill! * 100} %)`);
	for (const v of [(product.x0 + product.x1) / 2, (product.y0 + product.y1) / 2]) {
		assert.ok(Math.abs(v - size / 2) <= 0.01 * size, `${label}: product centre ${v} is off the middle ${size / 2}`);
	}
	const object = mask.box!;
	const aspect = (object.x1 - object.x0) / (object.y1 - object.y0);
	assert.ok(Math.abs(w / h / aspect - 1) <= 0.03, `${label}: product aspect ${(w / h).toFixed(3)} vs the mask's ${aspect.toFixed(3)}`);
	assertPureWhiteOutside(shot, product, 16);
	return { fill };
}
