/**
 * bench:pipeline's file check: every photo gives one file per preset, each meeting its preset's rules pixel by pixel
 * (tools/e2e/lib/cutout-checks.ts, as the e2e checks them); identical bytes for the same photo are checked once.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertStoreReadyFile, maskAtPhotoSize, raw, type Preset } from '../e2e/lib/cutout-checks';
import type { hostedProductPhotos } from '../e2e/lib/product-photos';
import type { OutputItem } from '../e2e/lib/run-data';

export type BenchPhoto = { variant: Awaited<ReturnType<typeof hostedProductPhotos>>[number]; sku: string };

export type CheckFiles = (
	outputs: OutputItem[],
	subRunData: Record<string, any>,
	photos: BenchPhoto[],
	read: (ref: any) => Buffer,
) => Promise<{ files: number; checkedFull: number }>;

/** Every photo gives one file per preset, each meeting its rules; identical bytes for the same photo are checked once. */
export function fileChecker(presetList: string): CheckFiles {
	const presets = presetList.split(',').map((p) => p.trim()) as Preset[];
	return async (outputs, subRunData, photos, read) => {
		assert.equal(outputs.length, photos.length * presets.length, 'one file per photo and preset');
		const segmented = (subRunData['SAM 3'][0].data.main[0] as OutputItem[]);
		const bySku = new Map(segmented.map((s) => [String(s.json.fileName), s]));
		const passed = new Set<string>();
		const decoded = new Map<string, { photoRaw: Awaited<ReturnType<typeof raw>>; mask: ReturnType<typeof maskAtPhotoSize> }>();
		let checkedFull = 0;
		const skus = new Map(photos.map((p) => [p.sku, p]));
		const seen = new Set<string>();
		for (const item of outputs) {
			const photo = skus.get(String(item.json.fileName))!;
			const preset = item.json.preset as Preset;
			assert.ok(photo && presets.includes(preset), `an unexpected file: ${item.json.fileName} ${preset}`);
			assert.ok(!seen.has(`${photo.sku} ${preset}`), `${photo.sku} ${preset} came out twice`);
			seen.add(`${photo.sku} ${preset}`);
			const bytes = read(item.binary!.data);
			if (process.env.SAM3_BENCH_DUMP) writeFileSync(join(process.env.SAM3_BENCH_DUMP, String(item.binary!.data.fileName)), bytes);
			const digest = `${photo.variant.name} ${preset} ${createHash('sha1').update(bytes).digest('hex')}`;
			if (passed.has(digest)) continue;
			const sam3 = bySku.get(photo.sku)!;
			let d = decoded.get(photo.variant.name);
			if (!d) {
				const maskRaw = await raw(read(sam3.binary!.mask_0), 1);
				d = { photoRaw: await raw(photo.variant.bytes, 3), mask: maskAtPhotoSize(maskRaw, photo.variant.width, photo.variant.height) };
				decoded.set(photo.variant.name, d);
			}
			await assertStoreReadyFile(`${photo.sku} ${preset}`, preset, bytes, { raw: d.photoRaw, format: photo.variant.format }, d.mask, sam3.json.masks[0].crop);
			passed.add(digest);
			checkedFull++;
		}
		return { files: outputs.length, checkedFull };
	};
}
