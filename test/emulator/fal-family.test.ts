/** The SAM 3 family's image endpoints (sam3-family.md §1, §3, §9): SAM 3.1, the RLE answers, the app-root rule. */
import sharp from 'sharp';

import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { rleFault } from '../../tools/emulator/rle';
import { call, falAuth, waitFor } from '../support/http';
import { testImage } from '../support/images';

let emu: Emulator;
let imageUrl: string;
let auth: Record<string, string>;

beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 30, queueMs: 20, dispatchMs: 10 } });
	imageUrl = emu.hostImage(await testImage(96, 64), 'image/png', 'street.png');
	auth = falAuth(emu.keys.fal);
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

/** A test's own reading of the pairs (1-based starts, row-major) into 0/255 bytes. */
function decode(rle: string, width: number, height: number): Buffer {
	const pixels = Buffer.alloc(width * height);
	const numbers = rle.trim() ? rle.trim().split(/\s+/).map(Number) : [];
	for (let i = 0; i < numbers.length; i += 2) pixels.fill(255, numbers[i] - 1, numbers[i] - 1 + numbers[i + 1]);
	return pixels;
}

const grey = async (png: Buffer) => await sharp(png).toColourspace('b-w').raw().toBuffer();

const input = { prompt: 'car', return_multiple_masks: true, max_masks: 4, include_scores: true, include_boxes: true };

async function sync(path: string, body: unknown) {
	const response = await call('POST', `${emu.falRunUrl}/${path}`, { headers: auth, json: body });
	expect(response.status).toBe(200);
	return response.json;
}

describe.each(['fal-ai/sam-3', 'fal-ai/sam-3-1'])('%s', (app) => {
	it('image-rle answers the run-length encoding of exactly the masks image serves as files, with the same metadata', async () => {
		const files = await sync(`${app}/image`, { ...input, image_url: imageUrl });
		const rle = await sync(`${app}/image-rle`, { ...input, image_url: imageUrl });
		expect(rle.masks).toBeUndefined();
		expect(rle.image).toBeUndefined();
		expect(Array.isArray(rle.rle)).toBe(true);
		expect(rle.rle).toHaveLength(files.masks.length);
		expect([rle.metadata, rle.scores, rle.boxes]).toEqual([files.metadata, files.scores, files.boxes]);
		for (const [index, mask] of (files.masks as Array<{ url: string }>).entries()) {
			const png = (await call('GET', mask.url)).body;
			expect(decode(rle.rle[index], 96, 64).equals(await grey(png))).toBe(true);
		}
	});

	it('one mask comes back as one RLE string', async () => {
		const answer = await sync(`${app}/image-rle`, { image_url: imageUrl, box_prompts: [{ x_min: 10, y_min: 10, x_max: 50, y_max: 40 }] });
		expect(typeof answer.rle).toBe('string');
		expect(answer.rle).toMatch(/^\d+ \d+( \d+ \d+)*$/);
	});

	it('queues under its own app: status and result under it, 404 under the other app and under the endpoint path', async () => {
		const submitted = await call('POST', `${emu.falQueueUrl}/${app}/image-rle`, { headers: auth, json: { image_url: imageUrl, prompt: 'car' } });
		const { request_id: id, status_url: statusUrl, response_url: resultUrl } = submitted.json;
		expect(statusUrl).toBe(`${emu.falQueueUrl}/${app}/requests/${id}/status`);
		await waitFor(async () => ((await call('GET', statusUrl, { headers: auth })).json.status === 'COMPLETED' ? true : undefined));
		expect(typeof (await call('GET', resultUrl, { headers: auth })).json.rle).toBe('string');
		const other = app === 'fal-ai/sam-3' ? 'fal-ai/sam-3-1' : 'fal-ai/sam-3';
		expect((await call('GET', `${emu.falQueueUrl}/${other}/requests/${id}/status`, { headers: auth })).status).toBe(404);
		expect((await call('GET', `${emu.falQueueUrl}/${app}/image-rle/requests/${id}/status`, { headers: auth })).status).toBe(404);
	});
});

it('SAM 3.1 has no text_prompt: one sent is not read (SAM 3 reads it as the deprecated alias)', async () => {
	const body = { image_url: imageUrl, text_prompt: 'zebra' };
	const three = await sync('fal-ai/sam-3/image-rle', body);
	const threeOne = await sync('fal-ai/sam-3-1/image-rle', body);
	const wheel = await sync('fal-ai/sam-3-1/image-rle', { image_url: imageUrl, prompt: 'wheel' });
	expect(threeOne.rle).toEqual(wheel.rle); // fal's default concept, as with no prompt at all
	expect(three.rle).not.toEqual(wheel.rle);
});

it('rleFault distorts an RLE answer the way a malformed one would look', async () => {
	emu.jobs.script({ times: 1, resultBody: rleFault('zeroBased') });
	const answer = await sync('fal-ai/sam-3/image-rle', { image_url: imageUrl, box_prompts: [{ x_min: 0, y_min: 0, x_max: 40, y_max: 30 }] });
	const clean = await sync('fal-ai/sam-3/image-rle', { image_url: imageUrl, box_prompts: [{ x_min: 0, y_min: 0, x_max: 40, y_max: 30 }] });
	const starts = (rle: string) => rle.split(' ').filter((_, index) => index % 2 === 0).map(Number);
	expect(starts(answer.rle)).toEqual(starts(clean.rle).map((start) => start - 1));
});
