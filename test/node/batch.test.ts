/**
 * Many items in one execution: each item's own parameters (by expression) reach its own job, and its output comes
 * back in input order, paired with its input item, with masks made from its own image and prompts, however the
 * jobs finish.
 */
import type { IDataObject } from 'n8n-workflow';

import { PROVIDERS, type Provider, runSam3, solidImage } from './fixture';
import { RigCredentialsHelper } from '../../tools/rig/credentials-helper';
import { hostImage, maskGeometry, submitEntries, sentInput, useEmulator } from './harness';

const emulator = useEmulator();

interface Row {
	id: number;
	width: number;
	height: number;
	prompt: string;
	box: { x_min: number; y_min: number; x_max: number; y_max: number };
}

/** Six items with their own image size, prompt and box; earlier items run longer, so they finish later. */
const ROWS: Row[] = Array.from({ length: 6 }, (_, id) => {
	const width = 160 + id * 24;
	const height = 120 + id * 10;
	return { id, width, height, prompt: `object ${id}`, box: { x_min: 10 + id * 5, y_min: 12 + id * 3, x_max: width - 20 - id * 4, y_max: height - 15 } };
});
const latencyOf = (row: Row) => 60 + (ROWS.length - row.id) * 50;

const pointX = (row: Row) => row.id * 10 + 40;

/** Whether a job's input is this row's: by its text prompt or by its point. */
function isRow(input: unknown, row: Row): boolean {
	const { prompt, point_prompts: points } = input as { prompt?: string; point_prompts?: Array<{ x: number }> };
	return prompt === row.prompt || points?.[0]?.x === pointX(row);
}

function scriptLatencies(): void {
	for (const row of ROWS) {
		emulator().jobs.script({ match: { predicate: ({ input }) => isRow(input, row) }, latencyMs: latencyOf(row) });
	}
}

function near(pixelBox: IDataObject | undefined, box: Row['box']): boolean {
	if (!pixelBox) return false;
	const pairs: Array<[unknown, number]> = [[pixelBox.xMin, box.x_min], [pixelBox.yMin, box.y_min], [pixelBox.xMax, box.x_max], [pixelBox.yMax, box.y_max]];
	return pairs.every(([got, want]) => Math.abs(Number(got) - want) <= 2);
}

describe.each(PROVIDERS)('a batch of items (%s)', (provider: Provider) => {
	it('sends each item its own prompt and boxes, and outputs results in input order with pairedItem', async () => {
		scriptLatencies();
		const items = await Promise.all(
			ROWS.map(async (row) => ({ json: { id: row.id, url: hostImage(emulator(), await solidImage(row.width, row.height, 'png')), prompt: row.prompt, boxes: [row.box] } })),
		);
		const result = await runSam3(emulator(), {
			provider,
			items,
			parameters: {
				imageUrl: '={{ $json.url }}',
				prompt: '={{ $json.prompt }}',
				boxPromptsInput: 'json',
				boxPromptsJson: '={{ $json.boxes }}',
				modelOptions: { returnMultipleMasks: true, maxMasks: 8, includeBoxes: true, applyMask: false },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.errorItems).toEqual([]);

		// On the wire: one job per item, each with that item's own inputs.
		const sent = submitEntries(emulator()).map((entry) => sentInput(entry, provider));
		expect(sent).toHaveLength(ROWS.length);
		for (const row of ROWS) {
			expect(sent.filter((input) => input.prompt === row.prompt)).toEqual([
				{ image_url: items[row.id].json.url, prompt: row.prompt, box_prompts: [row.box], return_multiple_masks: true, max_masks: 8, include_boxes: true, apply_mask: false },
			]);
		}
		// The jobs did not finish in input order...
		const jobs = emulator().jobs.list();
		const finishOrder = [...jobs].sort((a, b) => a.completedAt! - b.completedAt!).map((job) => job.prompt);
		expect(finishOrder).not.toEqual(ROWS.map((row) => row.prompt));

		// ...but the output is in input order, each item with masks from its own image and box.
		expect(result.items).toHaveLength(ROWS.length);
		for (const [index, item] of result.items.entries()) {
			const row = ROWS[index];
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject({ id: row.id, prompt: row.prompt });
			const masks = item.json.masks as IDataObject[];
			expect(masks.length).toBeGreaterThan(0);
			for (const mask of masks) expect([mask.width, mask.height]).toEqual([row.width, row.height]);
			const fromBox = masks.filter((mask) => near(mask.pixelBox as IDataObject, row.box));
			expect(fromBox).toHaveLength(1);
			const { white, width, height } = await maskGeometry(await result.readBinary(item, String(fromBox[0].binaryProperty)));
			expect([width, height]).toEqual([row.width, row.height]);
			expect(near(white && { xMin: white.x0, yMin: white.y0, xMax: white.x1, yMax: white.y1 }, row.box)).toBe(true);
		}
	});

	it('segments each item\'s own binary file (filesystem binary mode)', async () => {
		scriptLatencies();
		const items = await Promise.all(
			ROWS.map(async (row) => ({
				json: { id: row.id },
				binary: { data: { data: await solidImage(row.width, row.height, 'png'), mimeType: 'image/png', fileName: `item-${row.id}.png` } },
			})),
		);
		const result = await runSam3(emulator(), {
			provider,
			items,
			binaryMode: 'filesystem',
			parameters: {
				imageSource: 'binary',
				pointPrompts: { points: [{ x: '={{ Math.round($json.id * 10 + 40) }}', y: 50, label: 'foreground' }] },
				modelOptions: { applyMask: false },
				options: { keepInputData: false },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual(ROWS.map((row) => ({ item: row.id })));
		const sent = submitEntries(emulator()).map((entry) => sentInput(entry, provider));
		for (const row of ROWS) {
			expect(sent.filter((input) => isRow(input, row)).map((input) => input.point_prompts)).toEqual([[{ x: pointX(row), y: 50, label: 1 }]]);
		}
		for (const [index, item] of result.items.entries()) {
			const geometry = await maskGeometry(await result.readBinary(item, 'mask_0'));
			expect([geometry.width, geometry.height]).toEqual([ROWS[index].width, ROWS[index].height]);
			// The object is drawn around this item's own point.
			const x = pointX(ROWS[index]);
			expect(geometry.white!.x0 < x && x < geometry.white!.x1 && geometry.white!.y0 < 50 && 50 < geometry.white!.y1).toBe(true);
			expect(Object.keys(item.binary ?? {})).toEqual(['mask_0']);
		}
	});

	it('loads the credential once for the run, not once per item, and every job still carries the key', async () => {
		const loads = jest.spyOn(RigCredentialsHelper.prototype, 'getDecrypted');
		try {
			const url = hostImage(emulator(), await solidImage(96, 64, 'png'));
			const result = await runSam3(emulator(), {
				provider,
				items: ROWS.map((row) => ({ json: { id: row.id } })),
				parameters: { imageUrl: url, prompt: 'object', modelOptions: { applyMask: false } },
			});
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(ROWS.length);
			expect(submitEntries(emulator())).toHaveLength(ROWS.length);
			// n8n's RoutingNode reads it once for the run itself; the node's jobs add one read, whatever the item count.
			expect(loads.mock.calls.length).toBeLessThanOrEqual(2);
		} finally {
			loads.mockRestore();
		}
	});
});
