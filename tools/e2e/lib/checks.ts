/** Checks on what the SAM 3 node hands to the next node, as a user of the workflow would see it. */
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { ExecuteResult, OutputItem } from './run-data';

export interface ExpectedImage {
	width: number;
	height: number;
}

/** pairedItem of an output item, as an index (n8n writes a number, an object or an array of one). */
export function pairedIndex(item: OutputItem): number | undefined {
	const p = item.pairedItem;
	if (typeof p === 'number') return p;
	if (Array.isArray(p)) return p[0]?.item;
	return p?.item;
}

/**
 * A successful SAM 3 output item: metadata JSON, and every mask present as a binary file that decodes as an image
 * of the input's size in the declared format.
 */
export async function assertSegmentedItem(
	result: ExecuteResult,
	item: OutputItem,
	expect: { provider: 'fal' | 'runflow'; image: ExpectedImage; format?: 'png' | 'jpeg' | 'webp'; minMasks?: number; maxMasks?: number },
): Promise<void> {
	const json = item.json;
	// The node names the provider as users know it ("fal.ai", "Runflow").
	assert.match(String(json.provider), new RegExp(`^${expect.provider}`, 'i'));
	assert.equal(typeof json.requestId, 'string');
	assert.ok(Array.isArray(json.masks), `no masks array in ${JSON.stringify(json).slice(0, 300)}`);
	assert.ok(json.masks.length >= (expect.minMasks ?? 1), `expected at least ${expect.minMasks ?? 1} mask(s), got ${json.masks.length}`);
	if (expect.maxMasks !== undefined) assert.ok(json.masks.length <= expect.maxMasks);
	const format = expect.format ?? 'png';
	for (const mask of json.masks) {
		assert.equal(typeof mask.binaryProperty, 'string', 'mask has no binaryProperty');
		const binary = item.binary?.[mask.binaryProperty];
		assert.ok(binary, `binary property ${mask.binaryProperty} is missing (have: ${Object.keys(item.binary ?? {}).join(', ')})`);
		assert.equal(binary.mimeType, `image/${format}`);
		const bytes = result.binary(binary);
		const meta = await sharp(bytes).metadata();
		assert.equal(meta.format, format, `${mask.binaryProperty} decodes as ${meta.format}`);
		assert.equal(meta.width, expect.image.width, `${mask.binaryProperty} width`);
		assert.equal(meta.height, expect.image.height, `${mask.binaryProperty} height`);
		if (mask.width !== undefined) assert.equal(mask.width, expect.image.width);
		if (mask.height !== undefined) assert.equal(mask.height, expect.image.height);
	}
}
