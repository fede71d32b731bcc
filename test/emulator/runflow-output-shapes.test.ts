/**
 * The two layouts of a Runflow run's output (issue 33; both assumed, see runflow-routes.ts RunflowOutputShape):
 * masks as `outputs[]` with fal's answer in `model_data` (the default), or the Apply Mask preview as `outputs[0]`
 * with the masks in `model_data`; and an extra artifact in `outputs[]` in either. Selected per emulator, in process
 * or over `/__emulator/runflow-shape`; a run keeps the layout it was created with.
 */
import sharp from 'sharp';

import { bearer, call, startReceiver, waitFor } from '../support/http';
import { testImage } from '../support/images';
import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { readZip } from './formats';

let emu: Emulator;
let imageUrl: string;
let auth: Record<string, string>;

beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 10, queueMs: 5, dispatchMs: 5 }, callbackBackoffMs: [10] });
	imageUrl = emu.hostImage(await testImage(120, 90), 'image/png');
	auth = bearer(emu.keys.runflow);
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

async function run(input: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	const created = await call('POST', `${emu.runflowUrl}/v1/models/meta/sam-3/image/runs`, { headers: auth, json: { input: { image_url: imageUrl, ...input }, ...extra } });
	expect(created.status).toBe(201);
	return await waitFor(async () => {
		const current = (await call('GET', `${emu.runflowUrl}/v1/runs/${created.json.id}`, { headers: auth })).json;
		return current.status_code === 'succeeded' ? current : undefined;
	});
}

const input = { prompt: 'cup', return_multiple_masks: true, max_masks: 3, include_scores: true };

describe('Runflow output layouts', () => {
	it('default (masks-in-outputs): one outputs entry per mask; model_data is fal\'s whole answer, preview included', async () => {
		const { output } = await run(input);
		expect(output.outputs.length).toBe(output.model_data.masks.length);
		expect(output.outputs.map((o: { url: string }) => o.url)).toEqual(output.model_data.masks.map((m: { url: string }) => m.url));
		expect(output.model_data.image.url).toEqual(expect.any(String));
	});

	it('preview-in-outputs: the Apply Mask preview is outputs[0]; masks, scores and actual_prompt are in model_data, the preview is not', async () => {
		emu.setRunflowOutput({ shape: 'preview-in-outputs' });
		const { output } = await run(input);
		expect(output.outputs).toHaveLength(1);
		expect(output.outputs[0]).toMatchObject({ type: 'image', width: 120, height: 90, content_type: 'image/png', file_name: expect.stringMatching(/\.png$/) });
		expect(output.model_data.image).toBeUndefined();
		expect(output.model_data.masks.length).toBeGreaterThan(0);
		expect(output.model_data.scores).toHaveLength(output.model_data.masks.length);
		expect(output.model_data.actual_prompt).toBe('cup');
		const preview = await call('GET', output.outputs[0].url);
		expect(await sharp(preview.body).metadata()).toMatchObject({ width: 120, height: 90, format: 'png' });
		// No preview (Apply Mask off): no outputs entry at all, the masks still in model_data.
		const off = (await run({ ...input, apply_mask: false })).output;
		expect(off.outputs).toEqual([]);
		expect(off.model_data.masks.length).toBeGreaterThan(0);
	});

	it('extraArtifact: one more outputs entry, a zip of the masks with its type, size and URL', async () => {
		emu.setRunflowOutput({ shape: 'preview-in-outputs', extraArtifact: true });
		const { output } = await run(input);
		expect(output.outputs).toHaveLength(2);
		const zip = output.outputs[1];
		expect(zip).toMatchObject({ type: 'file', content_type: 'application/zip', file_name: 'masks.zip' });
		const bytes = (await call('GET', zip.url)).body;
		expect(bytes.length).toBe(zip.file_size);
		const entries = readZip(bytes);
		expect([...entries.keys()]).toEqual(output.model_data.masks.map((_: unknown, i: number) => `mask_${i}.png`));
		expect(entries.get('mask_0.png')!.equals((await call('GET', output.model_data.masks[0].url)).body)).toBe(true);
	});

	it('over HTTP: PUT /__emulator/runflow-shape selects it, DELETE restores the default; a bad shape is refused', async () => {
		const set = await call('PUT', `${emu.controlUrl}/runflow-shape`, { json: { shape: 'preview-in-outputs' } });
		expect(set.json).toEqual({ runflowOutput: { shape: 'preview-in-outputs', extraArtifact: false } });
		expect((await run(input)).output.model_data.image).toBeUndefined();
		await call('DELETE', `${emu.controlUrl}/runflow-shape`);
		expect((await run(input)).output.model_data.image).toBeDefined();
		expect((await call('PUT', `${emu.controlUrl}/runflow-shape`, { json: { shape: 'flat' } })).status).toBe(400);
	});

	it('a run keeps the layout it was created with, in polls and in its callback', async () => {
		const hook = await startReceiver();
		try {
			emu.setRunflowOutput({ shape: 'preview-in-outputs' });
			emu.jobs.script({ times: 1, latencyMs: 200 });
			const created = await call('POST', `${emu.runflowUrl}/v1/models/meta/sam-3/image/runs`, { headers: auth, json: { input: { image_url: imageUrl, ...input }, callback_url: hook.url } });
			emu.setRunflowOutput(undefined);
			const done = await waitFor(async () => {
				const current = (await call('GET', `${emu.runflowUrl}/v1/runs/${created.json.id}`, { headers: auth })).json;
				return current.status_code === 'succeeded' ? current : undefined;
			});
			expect(done.output.model_data.image).toBeUndefined();
			await emu.settleDeliveries();
			expect(JSON.parse(hook.received[0].body).output).toEqual(done.output);
		} finally {
			await hook.close();
		}
	});
});
