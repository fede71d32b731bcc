/**
 * Masks that come as RLE carry no size: the node decodes them at the input's size, read from its header. What it
 * reads for that, and what it lets through undecoded, when the answer or the input is odd.
 */
import type { IDataObject } from 'n8n-workflow';
import sharp from 'sharp';

import { rleFault } from '../../tools/emulator/rle';
import { makeTestVideo } from '../../tools/emulator/video-fixture';
import { solidImage } from '../support/images';
import { logOf, runSam3, useEmulator } from './harness';

const emulator = useEmulator();

async function rleRun(parameters: Record<string, unknown>, options: Record<string, unknown> = {}) {
	const url = emulator().hostImage(await solidImage(40, 30, 'png'), 'image/png', 'car.png');
	const result = await runSam3(emulator(), {
		provider: 'falApi',
		continueOnFail: true,
		parameters: { imageUrl: url, prompt: 'car', maskDelivery: 'rle', options, ...parameters } as never,
	});
	return { result, imageFetches: logOf(emulator(), 'files.get').filter((entry) => entry.url.includes('car.png')).length };
}

/** The clip with its video track's matrix turned a quarter (b = 1, c = -1), as a phone stores an upright recording. */
function turnedQuarter(mp4: Buffer): Buffer {
	const bytes = Buffer.from(mp4);
	for (let at = bytes.indexOf('tkhd'); at >= 0; at = bytes.indexOf('tkhd', at + 4)) {
		const matrix = at - 4 + bytes.readUInt32BE(at - 4) - 44;
		[0, 1, 0, -1, 0, 0].forEach((value, index) => bytes.writeInt32BE(value * 0x10000, matrix + index * 4));
	}
	return bytes;
}

describe('RLE masks', () => {
	it('RLE with Wait for Result off: the image header is not fetched, the job is submitted', async () => {
		const { result, imageFetches } = await rleRun({ waitForResult: false });
		expect(result.items[0].json).toMatchObject({ requestId: expect.any(String), status: 'IN_QUEUE' });
		expect(imageFetches).toBe(0);
		expect(logOf(emulator(), 'fal.submit')).toHaveLength(1);
	});

	it('RLE with Download Masks off: a mask that is not valid RLE fails the item, named, as a decoded one would', async () => {
		const valid = await rleRun({}, { downloadMasks: false });
		const masks = valid.result.items[0].json.masks as IDataObject[];
		expect(masks[0].rle).toMatchObject({ counts: expect.stringMatching(/^\d+ \d+/), width: 40, height: 30 });
		expect(valid.result.items[0].binary?.mask_0).toBeUndefined();

		emulator().reset();
		emulator().jobs.script({ resultBody: rleFault('pastEnd') });
		const { result } = await rleRun({}, { downloadMasks: false });
		expect(result.items[0].json.error).toMatchObject({
			stage: 'result',
			errorType: 'malformed_rle',
			requestId: emulator().jobs.list()[0].id,
			message: expect.stringMatching(/mask 0 \(rle\) is not valid RLE for the 40×30 image: .*ends past the image's 40×30/),
		});
	});
});

describe('per-frame RLE of a video', () => {
	it('per-frame RLE handed on undecoded: a frame that is not fal\'s RLE fails the item, naming the frame', async () => {
		const clip = emulator().hostImage(await makeTestVideo(), 'video/mp4', 'clip.mp4');
		emulator().jobs.script({ resultBody: { rle: ['1 4', '9 3 5 2'], boxes: [null, null] } });
		const result = await runSam3(emulator(), {
			provider: 'falApi',
			continueOnFail: true,
			parameters: { operation: 'segmentVideo', videoOutput: 'rle', videoUrl: clip, prompt: 'ball' },
		});
		expect(result.items[0].json.error).toMatchObject({
			stage: 'result',
			errorType: 'malformed_rle',
			field: 'rle[1]',
			requestId: emulator().jobs.list()[0].id,
			message: expect.stringMatching(/frame 1's mask \(rle\) is not valid RLE: run 1 \(start 5\) begins before the previous run ends/),
		});
	});
});

describe('video frame size', () => {
	it('Mask Files per Frame on a video whose headers are malformed: refused before any request, naming the field', async () => {
		const clip = Buffer.from(await makeTestVideo());
		// The movie header box (first inside moov) claims 4 bytes: shorter than a box header can be.
		clip.writeUInt32BE(4, clip.indexOf('mvhd') - 4);
		const result = await runSam3(emulator(), {
			provider: 'falApi',
			continueOnFail: true,
			parameters: { operation: 'segmentVideo', videoOutput: 'rle', videoSource: 'binary', frameMaskFiles: true, prompt: 'ball' },
			items: [{ json: {}, binary: { data: { data: clip, mimeType: 'video/mp4', fileName: 'clip.mp4' } } }],
		});
		expect(result.items[0].json.error).toMatchObject({
			errorType: 'invalid_parameter',
			field: 'Input Binary Field "data"',
			message: expect.stringMatching(/Input Binary Field "data" in item 0 is not valid: Mask Files per Frame needs the frame size, and the video's headers cannot be read: the MP4\/MOV structure is malformed: the box at byte \d+ is 4 bytes long/),
		});
		expect(emulator().requests.filter((entry) => entry.route?.startsWith('fal.'))).toEqual([]);
	});

	it('a phone video recorded turned (tkhd matrix 90°): the per-frame mask files are portrait, at the size shown', async () => {
		const clip = turnedQuarter(await makeTestVideo({ width: 64, height: 48 }));
		// Shown upright the frame is 48 wide: the first 48 pixels are its whole first row.
		emulator().jobs.script({ resultBody: { rle: ['1 48'], boxes: [null] } });
		const result = await runSam3(emulator(), {
			provider: 'falApi',
			parameters: { operation: 'segmentVideo', videoOutput: 'rle', videoSource: 'binary', frameMaskFiles: true, prompt: 'ball' },
			items: [{ json: {}, binary: { data: { data: clip, mimeType: 'video/mp4', fileName: 'phone.mp4' } } }],
		});
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(item.json.rleFormat).toEqual({ pairs: 'start length', base: 1, order: 'row-major', width: 48, height: 64, rotation: 90 });
		const { data, info } = await sharp(await result.readBinary(item, 'frame_0')).greyscale().raw().toBuffer({ resolveWithObject: true });
		expect([info.width, info.height]).toEqual([48, 64]);
		expect([...data.subarray(0, 48)].every((pixel) => pixel === 255)).toBe(true);
		expect([...data.subarray(48)].every((pixel) => pixel === 0)).toBe(true);
	});
});
