/**
 * Segment Video through the real n8n engine against the emulator's four fal video endpoints: what each endpoint
 * is sent, what comes out (the result video and the boxes zip as n8n binaries, per-frame masks as JSON), and the
 * shared job machinery (status stream, Max Wait → cancel, Wait for Result off, webhook, binary upload) for video.
 */
import type { IDataObject, INodeParameters, INodeProperties } from 'n8n-workflow';

import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { VIDEO_INPUT_SCHEMAS } from '../../nodes/Sam3/contract/video.schema';
import { PRICES, roundUsd } from '../../nodes/Sam3/job/cost';

import { readVideo } from '../../tools/emulator/video-container';
import { startReceiver, waitFor } from '../support/http';
import { makeTestVideo } from '../../tools/emulator/video-fixture';
import { runSam3 } from './fixture';
import { binaryNames, entries, maskGeometry, onlySubmit, routeSequence, useEmulator } from './harness';

const emulator = useEmulator();

let clip: Buffer;
beforeAll(async () => {
	clip = await makeTestVideo({ width: 64, height: 48, frames: 8 });
});

const hostClip = () => emulator().hostImage(clip, 'video/mp4', 'street-clip.mp4');

async function segmentVideo(parameters: INodeParameters, run: { continueOnFail?: boolean; provider?: 'falApi' | 'runflowApi' } = {}) {
	return await runSam3(emulator(), {
		provider: run.provider ?? 'falApi',
		continueOnFail: run.continueOnFail,
		parameters: { operation: 'segmentVideo', videoUrl: hostClip(), ...parameters },
	});
}

const submitted = () => onlySubmit(emulator());
const sentBody = () => submitted().body as IDataObject;

describe('Segment Video: what each endpoint is sent', () => {
	it.each([
		['sam-3', 'video', '/fal-queue/fal-ai/sam-3/video'],
		['sam-3-1', 'video', '/fal-queue/fal-ai/sam-3-1/video'],
		['sam-3', 'rle', '/fal-queue/fal-ai/sam-3/video-rle'],
		['sam-3-1', 'rle', '/fal-queue/fal-ai/sam-3-1/video-rle'],
	])('%s / %s submits to %s with only what the user set', async (model, videoOutput, path) => {
		const result = await segmentVideo({ model, videoOutput, prompt: 'ball' });
		expect(result.error).toBeUndefined();
		expect(submitted().url).toBe(path);
		expect(sentBody()).toEqual({ video_url: expect.stringContaining('street-clip.mp4'), prompt: 'ball' });
	});

	it('/video: apply mask, output type and threshold as set; a row Frame Index is not sent (the endpoint has none)', async () => {
		const result = await segmentVideo({
			videoOutput: 'video',
			boxPrompts: { boxes: [{ xMin: 10, yMin: 10, xMax: 30, yMax: 30, objectId: '', frameIndex: 4 }] },
			videoOptions: { applyMask: false, videoOutputType: 'VP9 (.webm)', detectionThreshold: 0.3 },
		});
		expect(result.error).toBeUndefined();
		expect(sentBody()).toEqual({
			video_url: expect.any(String),
			box_prompts: [{ x_min: 10, y_min: 10, x_max: 30, y_max: 30 }],
			apply_mask: false,
			video_output_type: 'VP9 (.webm)',
			detection_threshold: 0.3,
		});
		expect(result.items[0].json.video).toMatchObject({ mimeType: 'video/webm', binaryProperty: 'video' });
	});

	it('3.1 /video-rle: frame indices on prompts, its own threshold range, max objects, mask frame and the zip flag', async () => {
		const maskUrl = emulator().hostImage(Buffer.from(await makeMaskPng()), 'image/png', 'mask.png');
		const result = await segmentVideo({
			model: 'sam-3-1',
			videoOutput: 'rle',
			pointPrompts: { points: [{ x: 5, y: 6, label: 'foreground', objectId: 2, frameIndex: 3 }] },
			videoOptions: { applyMaskToVideo: true, rleDetectionThreshold: 0.05, maxNumObjects: 4, maskUrl, maskFrameIndex: 2, boundingBoxZip: true },
		});
		expect(result.error).toBeUndefined();
		expect(submitted().url).toBe('/fal-queue/fal-ai/sam-3-1/video-rle');
		expect(sentBody()).toEqual({
			video_url: expect.any(String),
			point_prompts: [{ x: 5, y: 6, label: 1, object_id: 2, frame_index: 3 }],
			apply_mask: true,
			detection_threshold: 0.05,
			max_num_objects: 4,
			mask_url: maskUrl,
			frame_index: 2,
			boundingbox_zip: true,
		});
	});

	it('refuses, before anything is sent, what the chosen endpoint does not take', async () => {
		const cases: Array<[INodeParameters, RegExp]> = [
			[{ videoOutput: 'video', videoOptions: { detectionThreshold: 0.05 } }, /Video Options > Detection Threshold .* must be between 0.1 and 1/],
			[{ model: 'sam-3-1', videoOutput: 'video', videoOptions: { maxNumObjects: 129 } }, /Video Options > Max Objects .* between 1 and 128/],
			[{ videoOutput: 'video', pointPromptsInput: 'json', pointPromptsJson: '[{"x": 1, "y": 2, "label": 1, "frame_index": 3}]' }, /Point Prompts \(JSON\).*unknown key\(s\) frame_index; allowed: x, y, label, object_id/],
			[{ videoOutput: 'rle', prompt: '' }, /No prompt in item 0.*Mask URL/],
			[{ videoUrl: 'ftp://example.com/clip.mp4' }, /Video URL in item 0 is not valid/],
		];
		for (const [parameters, message] of cases) {
			const result = await segmentVideo({ prompt: 'ball', ...parameters }, { continueOnFail: true });
			expect(String((result.items[0].json.error as IDataObject).message)).toMatch(message);
		}
		expect(routeSequence(emulator()).filter((route) => route?.startsWith('fal.'))).toEqual([]);
	});
});

describe('Segment Video: every field of each endpoint is in the panel and reaches fal when set', () => {
	const properties = new Sam3().description.properties;
	const videoOptions = (properties.find((property) => property.name === 'videoOptions')?.options ?? []) as INodeProperties[];
	/** Shown for this model and output (the panel's displayOptions, as n8n reads them). */
	const shownFor = (option: INodeProperties, model: string, output: string) =>
		(option.displayOptions?.show?.['/model'] ?? [model]).includes(model) && (option.displayOptions?.show?.['/videoOutput'] ?? [output]).includes(output);
	const nonDefault = (option: INodeProperties, maskUrl: string): unknown => {
		if (option.type === 'boolean') return !option.default;
		if (option.type === 'number') return option.name.endsWith('hreshold') ? 0.25 : Math.min(Number(option.default) + 1, option.typeOptions?.maxValue ?? Infinity);
		if (option.type === 'options') return (option.options as Array<{ value: unknown }>).find((entry) => entry.value !== option.default)?.value;
		return maskUrl;
	};

	it.each(Object.keys(VIDEO_INPUT_SCHEMAS))('%s', async (endpoint) => {
		const [, model, path] = endpoint.split('/');
		const output = path === 'video-rle' ? 'rle' : 'video';
		const shown = videoOptions.filter((option) => shownFor(option, model, output));
		// One panel option per field: no field has two rows (and two defaults) for the same endpoint.
		expect(new Set(shown.map((option) => option.displayName)).size).toBe(shown.length);
		const maskUrl = emulator().hostImage(await makeMaskPng(), 'image/png', 'mask.png');
		const result = await segmentVideo({
			model,
			videoOutput: output,
			prompt: 'ball',
			pointPrompts: { points: [{ x: 5, y: 5, label: 'foreground', objectId: '', frameIndex: 1 }] },
			boxPrompts: { boxes: [{ xMin: 1, yMin: 1, xMax: 20, yMax: 20, objectId: '', frameIndex: 1 }] },
			videoOptions: Object.fromEntries(shown.map((option) => [option.name, nonDefault(option, maskUrl)])) as INodeParameters,
			options: { downloadMasks: false },
		});
		expect(result.error).toBeUndefined();
		const schemaFields = Object.keys(VIDEO_INPUT_SCHEMAS[endpoint as keyof typeof VIDEO_INPUT_SCHEMAS].shape);
		expect(Object.keys(sentBody()).sort()).toEqual([...schemaFields].sort());
	});
});

describe('Segment Video: the output', () => {
	it('/video: the result video and the boxes zip as n8n binaries, downloaded without the key; the JSON names them', async () => {
		const result = await segmentVideo({ prompt: 'ball' });
		expect(result.error).toBeUndefined();
		const [job] = emulator().jobs.list();
		const [item] = result.items;
		expect(binaryNames(item)).toEqual(['boundingBoxes', 'video']);
		const video = await result.readBinary(item, 'video');
		expect(readVideo(video)).toMatchObject({ container: 'mp4', width: 64, height: 48, frameCount: 8 });
		expect(item.binary?.video).toMatchObject({ mimeType: 'video/mp4', fileName: 'street-clip-segmented.mp4' });
		const zip = await result.readBinary(item, 'boundingBoxes');
		expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
		expect(item.binary?.boundingBoxes).toMatchObject({ mimeType: 'application/zip', fileName: 'street-clip-boxes.zip' });
		expect(item.json).toMatchObject({
			provider: 'fal.ai',
			requestId: job.id,
			status: 'COMPLETED',
			model: 'fal-ai/sam-3/video',
			video: { binaryProperty: 'video', mimeType: 'video/mp4', fileSize: video.length, url: expect.stringMatching(/^http:\/\/localhost:\d+\/files\//) },
			boundingBoxes: { binaryProperty: 'boundingBoxes', mimeType: 'application/zip', fileSize: zip.length },
		});
		const downloads = entries(emulator(), 'files.get').filter((entry) => !entry.url.includes('street-clip.mp4'));
		expect(downloads).toHaveLength(2);
		expect(downloads.every((entry) => !entry.authorization)).toBe(true);
	});

	it('/video-rle: per-frame masks (RLE, normalized box) in the JSON, the zip when asked for; no video by default', async () => {
		const result = await segmentVideo({
			videoOutput: 'rle',
			boxPrompts: { boxes: [{ xMin: 20, yMin: 10, xMax: 40, yMax: 30, objectId: '', frameIndex: 3 }] },
			videoOptions: { boundingBoxZip: true },
		});
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(binaryNames(item)).toEqual(['boundingBoxes']);
		const json = item.json as IDataObject & { frames: IDataObject[] };
		expect(json).toMatchObject({ model: 'fal-ai/sam-3/video-rle', frameCount: 8, rleFormat: { pairs: 'start length', base: 1, order: 'row-major' } });
		expect(json.frames).toHaveLength(8);
		expect(json.frames[3]).toEqual({ frameIndex: 3, rle: expect.stringMatching(/^\d+ \d+( \d+ \d+)*$/), box: [30 / 64, 20 / 48, 20 / 64, 20 / 48] });
		expect(json.video).toBeUndefined();
	});

	it('Mask Files per Frame: each frame\'s RLE decoded into a PNG at the binary video\'s frame size', async () => {
		const result = await runSam3(emulator(), {
			provider: 'falApi',
			parameters: {
				operation: 'segmentVideo',
				videoOutput: 'rle',
				videoSource: 'binary',
				frameMaskFiles: true,
				boxPrompts: { boxes: [{ xMin: 20, yMin: 10, xMax: 40, yMax: 30, objectId: '', frameIndex: 3 }] },
			},
			items: [{ json: {}, binary: { data: { data: clip, mimeType: 'video/mp4', fileName: 'clip.mp4' } } }],
		});
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		const frames = (item.json.frames as IDataObject[]).map((frame) => frame.binaryProperty);
		expect(frames).toEqual(Array.from({ length: 8 }, (_, i) => `frame_${i}`));
		expect(item.json.rleFormat).toEqual({ pairs: 'start length', base: 1, order: 'row-major', width: 64, height: 48 });
		expect(item.binary?.frame_3).toMatchObject({ mimeType: 'image/png', fileName: 'clip-frame-3.png' });
		// The prompt's frame: the mask is the box's ellipse, exactly its bounding box, at the video's size.
		const geometry = await maskGeometry(await result.readBinary(item, 'frame_3'));
		expect(geometry).toMatchObject({ format: 'png', width: 64, height: 48, white: { x0: 20, y0: 10, x1: 40, y1: 30 } });
	});

	it('Mask Files per Frame: a frame whose RLE does not fit the video is named, not guessed', async () => {
		emulator().jobs.script({ resultBody: { rle: ['1 4', '3072 2'], boxes: [null, null] } });
		const result = await runSam3(emulator(), {
			provider: 'falApi',
			continueOnFail: true,
			parameters: { operation: 'segmentVideo', videoOutput: 'rle', videoSource: 'binary', frameMaskFiles: true, prompt: 'ball' },
			items: [{ json: {}, binary: { data: { data: clip, mimeType: 'video/mp4', fileName: 'clip.mp4' } } }],
		});
		// 64×48 = 3,072 pixels: a run from pixel 3,072 of length 2 leaves the frame.
		expect(result.items[0].json.error).toMatchObject({ stage: 'result', errorType: 'malformed_rle', message: expect.stringMatching(/frame 1's mask \(rle\) is not valid for 64×48/) });
	});

	it('Mask Files per Frame with a Video URL is refused before anything is sent (no frame size to decode at)', async () => {
		const result = await segmentVideo({ videoOutput: 'rle', prompt: 'ball', frameMaskFiles: true }, { continueOnFail: true });
		expect(String((result.items[0].json.error as IDataObject).message)).toMatch(/Mask Files per Frame in item 0 is not valid: needs the frame size/);
		expect(entries(emulator(), 'fal.submit')).toEqual([]);
	});

	it('reads the other documented answers: `video` as a bare URL, `rle` as a File (kept as a binary)', async () => {
		const rleUrl = emulator().hostImage(Buffer.from('1 3 10 2\n'), 'text/plain', 'masks.txt');
		emulator().jobs.script({ resultBody: (body: IDataObject) => ({ video: (body.video as IDataObject).url, rle: { url: rleUrl, file_size: 9 } }) });
		const result = await segmentVideo({ prompt: 'ball' });
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(binaryNames(item)).toEqual(['rle', 'video']);
		expect((await result.readBinary(item, 'rle')).toString()).toBe('1 3 10 2\n');
		// A bare URL declares no size: the JSON still says the stored bytes as a number, never n8n's "12.3 kB".
		const video = await result.readBinary(item, 'video');
		expect(item.json).toMatchObject({ video: { binaryProperty: 'video', mimeType: 'video/mp4', fileSize: video.length }, rleFile: { binaryProperty: 'rle', fileSize: 9 } });
	});

	it('fileSize is the bytes stored, whatever size the answer declares; the declared size only when nothing was downloaded', async () => {
		const rleUrl = emulator().hostImage(Buffer.from('1 3 10 2\n'), 'text/plain', 'masks.txt');
		const declared = (body: IDataObject) => ({ video: { ...(body.video as IDataObject), file_size: 5 }, rle: { url: rleUrl, file_size: 4096 } });
		emulator().jobs.script({ resultBody: declared });
		const stored = await segmentVideo({ prompt: 'ball' });
		expect(stored.error).toBeUndefined();
		const [item] = stored.items;
		const video = await stored.readBinary(item, 'video');
		expect(video.length).not.toBe(5);
		expect(item.json).toMatchObject({ video: { binaryProperty: 'video', fileSize: video.length }, rleFile: { binaryProperty: 'rle', fileSize: 9 } });

		emulator().jobs.script({ resultBody: declared });
		const linked = await segmentVideo({ prompt: 'ball', options: { downloadMasks: false } });
		expect(linked.error).toBeUndefined();
		expect(linked.items[0].binary).toBeUndefined();
		expect(linked.items[0].json).toMatchObject({ video: { fileSize: 5 }, rleFile: { fileSize: 4096 } });
	});

	it('keeps the valid frames of an odd answer (a box of 3 numbers, a score as text)', async () => {
		emulator().jobs.script({ times: 1, resultBody: { rle: ['1 2', null], boxes: [[0.5, 0.5, 0.1], [0.5, 0.5, 0.2, 0.2]], scores: ['0.9', 'high'] } });
		const odd = await segmentVideo({ videoOutput: 'rle', prompt: 'ball' });
		expect(odd.error).toBeUndefined();
		expect(odd.items[0].json.frames).toEqual([{ frameIndex: 0, rle: '1 2', score: 0.9 }, { frameIndex: 1, box: [0.5, 0.5, 0.2, 0.2] }]);

	});

	it('names an answer with neither a video nor masks, and cancels nothing (the job is done)', async () => {
		emulator().jobs.script({ resultBody: { boundingbox_frames_zip: null } });
		const result = await segmentVideo({ prompt: 'ball' }, { continueOnFail: true });
		expect(result.items[0].json.error).toMatchObject({ stage: 'result', message: expect.stringMatching(/neither a video nor per-frame masks/) });
		expect(entries(emulator(), 'fal.cancel')).toEqual([]);
	});
});

describe('Segment Video: what the item cost (fal bills per started 16 frames of the input)', () => {
	// More than two blocks of 16 frames: a count that is off shows in the price.
	let longClip: Buffer;
	beforeAll(async () => {
		longClip = await makeTestVideo({ width: 64, height: 48, frames: 40 });
	});
	const perBlock = PRICES['fal-ai/sam-3/video'].usd;
	const priceOf = (frames: number) => roundUsd(Math.ceil(frames / 16) * perBlock);
	const urlVideo = async (parameters: INodeParameters = {}, binaryMode?: 'default' | 'filesystem') =>
		await runSam3(emulator(), {
			provider: 'falApi',
			binaryMode,
			parameters: { operation: 'segmentVideo', videoUrl: emulator().hostImage(longClip, 'video/mp4', 'long-clip.mp4'), prompt: 'ball', ...parameters },
		});

	it.each([
		['MP4', 'default'],
		['MP4', 'filesystem'],
		['VP9 (.webm)', 'filesystem'],
	] as const)('a video by URL, plain video output, downloaded: priced by the result video\'s frames (%s, %s binary mode)', async (type, binaryMode) => {
		const result = await urlVideo(type === 'MP4' ? {} : { videoOptions: { videoOutputType: type } }, binaryMode);
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(Boolean(item.binary?.video?.id)).toBe(binaryMode === 'filesystem');
		expect(item.json.video).toMatchObject({ mimeType: type === 'MP4' ? 'video/mp4' : 'video/webm' });
		// The frames of the file the user got, as an independent reader counts them: fal's result has the input's frames.
		const { frameCount } = readVideo(await result.readBinary(item, 'video'));
		expect(frameCount).toBe(readVideo(longClip).frameCount);
		expect(item.json.frames).toBeUndefined();
		expect(item.json.frameCount).toBe(frameCount);
		expect(item.json.cost).toEqual({
			estimatedUsd: priceOf(frameCount),
			basis: expect.stringContaining(`× ${Math.ceil(frameCount / 16)} (${frameCount} frames, read from the result video's container, rounded up), fal-ai/sam-3/video`),
			estimate: true,
		});
	});

	it('Download Masks off: no estimate, and the basis says how to get one', async () => {
		const result = await urlVideo({ options: { downloadMasks: false } });
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(item.binary).toBeUndefined();
		expect(item.json).not.toHaveProperty('frameCount');
		expect(item.json.cost).toEqual({
			basis: expect.stringMatching(/frame count is not known: turn on Options > Download Masks to have it read from the result video, or give the video as a binary file$/),
			estimate: true,
		});
	});

	const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0])]);
	it.each([
		['a box shorter than its own header', Buffer.concat([ftyp, Buffer.from([0, 0, 0, 4]), Buffer.from('junk', 'latin1'), Buffer.alloc(64)]), /\(the MP4\/MOV structure is malformed: the box at byte 16 is 4 bytes long, shorter than its own header\)/],
		['no moov box at all', Buffer.concat([ftyp, Buffer.from([0, 0, 0, 72]), Buffer.from('mdat', 'latin1'), Buffer.alloc(64)]), /container does not tell it; give/],
	])('a result video whose container is garbage (%s): the item succeeds, without an estimate, saying why', async (_, garbage, why) => {
		const garbageUrl = emulator().hostImage(garbage, 'video/mp4', 'garbage.mp4');
		emulator().jobs.script({ resultBody: (body: IDataObject) => ({ ...body, video: garbageUrl }) });
		const result = await urlVideo();
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(item.json.error).toBeUndefined();
		expect(await result.readBinary(item, 'video')).toEqual(garbage);
		expect(item.json.cost).toEqual({
			basis: expect.stringMatching(/the video's frame count is not known: the result video's container does not tell it/),
			estimate: true,
		});
		expect(String((item.json.cost as IDataObject).basis)).toMatch(why);
		expect(String((item.json.cost as IDataObject).basis)).toMatch(/give the video as a binary file to have it read from its container$/);
	});

	it('a binary video is priced by its own container, read before the job (nothing downloaded)', async () => {
		const result = await runSam3(emulator(), {
			provider: 'falApi',
			parameters: { operation: 'segmentVideo', videoSource: 'binary', prompt: 'ball', options: { downloadMasks: false } },
			items: [{ json: {}, binary: { data: { data: longClip, mimeType: 'video/mp4', fileName: 'clip.mp4' } } }],
		});
		expect(result.error).toBeUndefined();
		const { frameCount } = readVideo(longClip);
		expect(result.items[0].json.frameCount).toBe(frameCount);
		expect(result.items[0].json.cost).toEqual({
			estimatedUsd: priceOf(frameCount),
			basis: expect.stringContaining(`(${frameCount} frames, read from the input video's container, rounded up)`),
			estimate: true,
		});
	});
});

describe('Segment Video: the job machinery, as for images', () => {
	it('learns of completion over the status stream under the model\'s app root, then fetches the result once', async () => {
		const result = await segmentVideo({ model: 'sam-3-1', prompt: 'ball' });
		expect(result.error).toBeUndefined();
		const [job] = emulator().jobs.list();
		const api = emulator().requests.filter((entry) => entry.vhost !== 'files');
		expect(api.map((entry) => [entry.route, entry.url.split('?')[0]])).toEqual([
			['fal.submit', '/fal-queue/fal-ai/sam-3-1/video'],
			['fal.status.stream', `/fal-queue/fal-ai/sam-3-1/requests/${job.id}/status/stream`],
			['fal.result', `/fal-queue/fal-ai/sam-3-1/requests/${job.id}`],
		]);
	});

	it('Mode Sync: one fal.run call to the endpoint, its answer read as the result', async () => {
		const result = await segmentVideo({ model: 'sam-3-1', prompt: 'ball', falMode: 'sync' });
		expect(result.error).toBeUndefined();
		expect(submitted().url).toBe('/fal-run/fal-ai/sam-3-1/video');
		expect(emulator().requests.filter((entry) => entry.vhost !== 'files').map((entry) => entry.route)).toEqual(['fal.sync']);
		expect(binaryNames(result.items[0])).toEqual(['boundingBoxes', 'video']);
	});

	it('Wait for Result off with a Callback URL: submits with fal_webhook and outputs the ids and links at once', async () => {
		// A local port nothing listens on: the emulator's webhook attempt goes nowhere outside this machine.
		const callbackUrl = 'http://127.0.0.1:9/webhook/video';
		const result = await segmentVideo({ model: 'sam-3-1', videoOutput: 'rle', prompt: 'ball', waitForResult: false, options: { callbackUrl } });
		expect(result.error).toBeUndefined();
		const [job] = emulator().jobs.list();
		expect(submitted().url).toBe(`/fal-queue/fal-ai/sam-3-1/video-rle?fal_webhook=${encodeURIComponent(callbackUrl)}`);
		const base = `${emulator().falQueueUrl}/fal-ai/sam-3-1/requests/${job.id}`;
		expect(result.items[0].json).toMatchObject({ provider: 'fal.ai', requestId: job.id, status: 'IN_QUEUE', statusUrl: `${base}/status`, resultUrl: base, cancelUrl: `${base}/cancel` });
		expect(entries(emulator(), 'fal.status.stream')).toEqual([]);
		expect(entries(emulator(), 'fal.result')).toEqual([]);
	});

	it('webhook mode: fal POSTs the finished video job (its video and boxes zip) to the Callback URL, without the key', async () => {
		const receiver = await startReceiver();
		try {
			const result = await segmentVideo({ prompt: 'ball', waitForResult: false, options: { callbackUrl: receiver.url } });
			expect(result.error).toBeUndefined();
			const [hook] = await waitFor(() => (receiver.received.length ? receiver.received : undefined));
			const body = JSON.parse(hook.body) as { request_id: string; status: string; payload: IDataObject };
			expect(body).toMatchObject({ request_id: result.items[0].json.requestId, status: 'OK' });
			expect(body.payload).toMatchObject({ video: { content_type: 'video/mp4' }, boundingbox_frames_zip: { content_type: 'application/zip' } });
			expect(hook.headers.authorization).toBeUndefined();
		} finally {
			await receiver.close();
		}
	});

	it('a video from a binary is uploaded through fal storage (the presigned PUT without the key)', async () => {
		const result = await runSam3(emulator(), {
			provider: 'falApi',
			parameters: { operation: 'segmentVideo', videoSource: 'binary', prompt: 'ball', options: { uploadMode: 'upload' } },
			items: [{ json: {}, binary: { data: { data: clip, mimeType: 'application/octet-stream', fileName: 'clip.mp4' } } }],
		});
		expect(result.error).toBeUndefined();
		const [put] = entries(emulator(), 'files.put');
		expect(put).toMatchObject({ authorization: false, bodyBytes: clip.length });
		expect(put.headers['content-type']).toBe('video/mp4');
		expect(String(sentBody().video_url)).toMatch(/^http:\/\/localhost:\d+\/files\/.+\/clip\.mp4$/);
		expect(result.items[0].binary?.data).toBeDefined();
	});
});

/** A 64×48 mask image: a white rectangle on black. */
async function makeMaskPng(): Promise<Buffer> {
	const { default: sharp } = await import('sharp');
	const pixels = Buffer.alloc(64 * 48);
	for (let y = 10; y < 20; y++) pixels.fill(255, y * 64 + 10, y * 64 + 30);
	return await sharp(pixels, { raw: { width: 64, height: 48, channels: 1 } }).png().toBuffer();
}
