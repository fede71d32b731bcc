/**
 * Segment Video when things go wrong: video jobs are long and billed per frame, their files large. Every give-up
 * cancels the fal job under its model's app; every file from the answer is checked by its bytes and bounded;
 * every bad input is refused before a request.
 */
import type { IDataObject } from 'n8n-workflow';

import { MAX_VIDEO_FRAMES } from '../../nodes/Sam3/limits';
import { makeTestVideo } from '../../tools/emulator/video-fixture';
import type { RigInputItem } from '../../tools/rig';
import { eventually, logOf, runSam3, useEmulator } from './harness';

const emulator = useEmulator();
const MiB = 1024 * 1024;

let clip: Buffer;
beforeAll(async () => {
	clip = await makeTestVideo();
});

async function segmentVideo(parameters: Record<string, unknown>, items?: RigInputItem[]) {
	return await runSam3(emulator(), {
		provider: 'falApi',
		continueOnFail: true,
		binaryMode: 'filesystem',
		items,
		parameters: { operation: 'segmentVideo', videoUrl: emulator().hostImage(clip, 'video/mp4', 'clip.mp4'), prompt: 'ball', ...parameters } as never,
	});
}

const errorOf = (result: Awaited<ReturnType<typeof segmentVideo>>) => result.items[0].json.error as IDataObject;
const falCalls = () => emulator().requests.filter((entry) => entry.route?.startsWith('fal.'));

describe('Segment Video', () => {
	it('a SAM 3.1 video job past Max Wait: the item fails and the job is cancelled under fal-ai/sam-3-1', async () => {
		emulator().jobs.script({ latencyMs: 60_000 });
		const result = await segmentVideo({ model: 'sam-3-1', options: { maxWaitSeconds: 1 } });
		const [job] = emulator().jobs.list();
		expect(errorOf(result)).toMatchObject({ errorType: 'max_wait_exceeded', requestId: job.id, stage: 'status' });
		expect(logOf(emulator(), 'fal.cancel').map((entry) => entry.url)).toEqual([`/fal-queue/fal-ai/sam-3-1/requests/${job.id}/cancel`]);
		expect(job.state).toBe('cancelled');
	});

	it('a result video that is not a video (an HTML page on the CDN): refused by its bytes, named, not retried', async () => {
		const page = emulator().hostImage(Buffer.from('<html>Access denied</html>'), 'video/mp4', 'out.mp4');
		emulator().jobs.script({ resultBody: { video: { url: page, content_type: 'video/mp4' } } });
		const result = await segmentVideo({});
		expect(errorOf(result)).toMatchObject({ stage: 'download', requestId: emulator().jobs.list()[0].id, message: expect.stringMatching(/clip-segmented .* is not a video/) });
		expect(logOf(emulator(), 'files.get').filter((entry) => entry.url.includes('out.mp4'))).toHaveLength(1);
	});

	it('a result video whose Content-Length is over 512 MiB: refused at once as too large, not downloaded, not fetched again', async () => {
		emulator().jobs.script({ resultBody: (body: IDataObject) => ({ video: body.video }) });
		// `after: 1`: the provider's own fetch of the input video goes through; every download of the node gets the fault.
		emulator().faults.add({ route: 'files.get', times: 'always', after: 1, fault: { kind: 'hugeFile', bytes: 600 * MiB, declareLength: true } });
		const result = await segmentVideo({});
		expect(errorOf(result)).toMatchObject({
			stage: 'download',
			errorType: 'file_too_large',
			requestId: emulator().jobs.list()[0].id,
			message: expect.stringMatching(/clip-segmented is larger than 512 MiB/),
		});
		const fetched = logOf(emulator(), 'files.get').filter((entry) => entry.fault);
		expect(fetched).toHaveLength(1);
		// Refused on its headers: what left the emulator is what the sockets took before the node hung up.
		expect(fetched[0].sentBytes).toBeLessThan(64 * MiB);
		await eventually(() => (emulator().stats().openNow['files.get'] ?? 0) === 0);
	});

	it('a result video that trickles in: Max Wait ends the item during the download, the error says the job finished and was billed', async () => {
		emulator().jobs.script({ resultBody: (body: IDataObject) => ({ video: body.video }) });
		// 16 bytes every 100 ms: never silent long enough to look stalled, so only Max Wait can end it.
		emulator().faults.add({ route: 'files.get', times: 'always', after: 1, fault: { kind: 'slowBody', dribbleMs: 100 } });
		const result = await segmentVideo({ options: { maxWaitSeconds: 4 } });
		const [job] = emulator().jobs.list();
		const error = errorOf(result);
		expect(error).toMatchObject({
			stage: 'download',
			errorType: 'max_wait_exceeded',
			requestId: job.id,
			message: expect.stringMatching(/clip-segmented did not arrive within Options > Max Wait/),
		});
		expect(String(error.description)).toMatch(/finished at fal\.ai and was billed.*Raise Options > Max Wait/);
		expect(job.state).toBe('succeeded');
		// Not fetched again (Max Wait is final), nothing to cancel (the job is done), the download's connection closed.
		expect(logOf(emulator(), 'files.get').filter((entry) => entry.fault)).toHaveLength(1);
		expect(logOf(emulator(), 'fal.cancel')).toHaveLength(0);
		await eventually(() => (emulator().stats().openNow['files.get'] ?? 0) === 0);
	});

	it('a result video that starts like WebM but holds an element ID longer than 4 bytes: a named error with stage, request id and field; the download closed', async () => {
		// The EBML magic, then an element whose ID claims 6 bytes; 64 MiB behind it, so an unclosed download stays open.
		const hostile = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x88, 0x04, 1, 2, 3, 4, 5, 0x81, 0]), Buffer.alloc(64 * MiB)]);
		const url = emulator().hostImage(hostile, 'video/webm', 'out.webm');
		emulator().jobs.script({ resultBody: { video: { url, content_type: 'video/webm' } } });
		const result = await segmentVideo({});
		expect(errorOf(result)).toMatchObject({
			stage: 'download',
			errorType: 'malformed_video',
			field: 'video',
			requestId: emulator().jobs.list()[0].id,
			message: expect.stringMatching(/clip-segmented from .* is not a valid video: the WebM\/Matroska structure is malformed: the element ID at byte 5 is longer than 4 bytes/),
		});
		expect(logOf(emulator(), 'files.get').filter((entry) => entry.url.includes('out.webm'))).toHaveLength(1);
		await eventually(() => (emulator().stats().openNow['files.get'] ?? 0) === 0, 10_000);
	});

	it('a binary video that starts like WebM but is malformed: refused before any request, naming the field and what is wrong', async () => {
		const data = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x88, 0x04, 1, 2, 3, 4, 5, 0x81, 0, 0, 0, 0]);
		const result = await segmentVideo({ videoSource: 'binary' }, [{ json: {}, binary: { data: { data, mimeType: 'video/webm', fileName: 'clip.webm' } } }]);
		expect(errorOf(result)).toMatchObject({
			errorType: 'invalid_parameter',
			field: 'Input Binary Field "data"',
			message: expect.stringMatching(/Input Binary Field "data" in item 0 is not valid: the file starts like a video \(MP4, MOV or WebM\) but the WebM\/Matroska structure is malformed/),
		});
		expect(falCalls()).toEqual([]);
	});

	it('a boxes zip that is not a zip: refused by its bytes, dropped and named, the video kept', async () => {
		emulator().jobs.script({ resultBody: (body: IDataObject) => ({ ...body, boundingbox_frames_zip: { url: (body.video as IDataObject).url } }) });
		const result = await segmentVideo({});
		const [item] = result.items;
		expect(item.json.error).toBeUndefined();
		expect(item.binary?.video?.mimeType).toBe('video/mp4');
		expect(item.binary?.boundingBoxes).toBeUndefined();
		expect(item.json.boundingBoxes).toBeUndefined();
		expect(item.json.warnings).toEqual([expect.stringMatching(/^boundingbox_frames_zip dropped: fal\.ai: clip-boxes from .* is not a zip/)]);
	});

	it('a per-frame answer with more frames than the cap: refused, not held', async () => {
		emulator().jobs.script({ resultBody: { rle: Array.from({ length: MAX_VIDEO_FRAMES + 1 }, () => '') } });
		const result = await segmentVideo({ videoOutput: 'rle' });
		expect(errorOf(result)).toMatchObject({ stage: 'result', errorType: 'unexpected_output', message: expect.stringMatching(new RegExp(`rle has more than ${MAX_VIDEO_FRAMES} frames`)) });
	});

	it('a video binary over 85 MiB, or one that is no video: refused before any request, naming the field and the item', async () => {
		const oversized = Buffer.concat([clip.subarray(0, 16), Buffer.alloc(86 * MiB)]);
		const cases: Array<[Buffer, RegExp]> = [
			[oversized, /Input Binary Field "data" in item 0 is not valid: the file is 86\.0 MiB; the limit is 85 MiB/],
			[Buffer.from('not a video at all'), /Input Binary Field "data" in item 0 is not valid: the file is not a video SAM 3 can read \(MP4, MOV or WebM\)/],
		];
		for (const [data, message] of cases) {
			const result = await segmentVideo({ videoSource: 'binary' }, [{ json: {}, binary: { data: { data, mimeType: 'video/mp4', fileName: 'clip.mp4' } } }]);
			expect(String(errorOf(result).message)).toMatch(message);
		}
		expect(falCalls()).toEqual([]);
	});

	it('a Runflow credential: refused per item (Runflow has no video model), nothing sent', async () => {
		const result = await runSam3(emulator(), {
			provider: 'runflowApi',
			continueOnFail: true,
			parameters: { operation: 'segmentVideo', videoUrl: 'https://example.com/clip.mp4', prompt: 'ball' },
		});
		expect(result.items[0].json.error).toMatchObject({ field: 'Provider', itemIndex: 0 });
		expect(emulator().requests.filter((entry) => entry.vhost !== 'files')).toEqual([]);
	});
});

/** Odd optional fields of a video answer: what each does to the default answer, the output it is run for, and what must come out. */
const ODD_VIDEO_FIELDS: Record<string, { output: 'video' | 'rle'; body: (body: IDataObject) => IDataObject; check: (json: IDataObject) => void }> = {
	'video null beside per-frame masks': {
		output: 'rle',
		body: (body) => ({ ...body, video: null }),
		check: (json) => expect(json.warnings).toBeUndefined(),
	},
	'rle null beside the video': {
		output: 'video',
		body: (body) => ({ ...body, rle: null }),
		check: (json) => expect([json.video, json.warnings]).toEqual([expect.objectContaining({ binaryProperty: 'video' }), undefined]),
	},
	'a boxes zip of {}': {
		output: 'video',
		body: (body) => ({ ...body, boundingbox_frames_zip: {} }),
		check: (json) => {
			expect(json.video).toMatchObject({ binaryProperty: 'video' });
			expect(json.boundingBoxes).toBeUndefined();
			expect(json.warnings).toEqual([expect.stringMatching(/^boundingbox_frames_zip dropped: an object \(\{\}\) is not a file/)]);
		},
	},
	'video {} beside per-frame masks': {
		output: 'rle',
		body: (body) => ({ ...body, video: {} }),
		check: (json) => expect(json.warnings).toEqual([expect.stringMatching(/^video dropped: an object \(\{\}\) is not a file/)]),
	},
	'a per-frame RLE entry that is a number': {
		output: 'rle',
		body: (body) => ({ ...body, rle: (body.rle as unknown[]).map((entry, frame) => (frame === 1 ? 7 : entry)) }),
		check: (json) => {
			const frames = json.frames as IDataObject[];
			expect(frames[1].rle).toBeUndefined();
			expect(frames.filter((frame) => typeof frame.rle === 'string').length).toBe(frames.length - 1);
			expect(json.warnings).toEqual(['rle: rle[1] is a number (7): not RLE strings, so that frame has no mask']);
		},
	},
	'boxes a string': {
		output: 'rle',
		body: (body) => ({ ...body, boxes: 'oops', metadata: undefined }),
		check: (json) => {
			expect((json.frames as IDataObject[]).every((frame) => frame.box === undefined && typeof frame.rle === 'string')).toBe(true);
			expect(json.warnings).toEqual([expect.stringMatching(/^boxes dropped: a string \("oops"\) is not a list/)]);
		},
	},
};

describe('odd optional fields in a video answer', () => {
	it.each(['video null beside per-frame masks', 'rle null beside the video', 'a boxes zip of {}', 'video {} beside per-frame masks', 'a per-frame RLE entry that is a number', 'boxes a string'])(
		'odd optional field %s in a video answer: dropped and named, the valid part kept',
		async (name) => {
			const odd = ODD_VIDEO_FIELDS[name];
			emulator().jobs.script({ resultBody: (body: IDataObject) => odd.body(body) });
			const result = await segmentVideo({ videoOutput: odd.output });
			const json = result.items[0].json;
			expect(json.error).toBeUndefined();
			if (odd.output === 'rle') expect((json.frames as IDataObject[]).length).toBeGreaterThan(1);
			odd.check(json);
		},
	);

	it('a video answer with nothing valid left: the error names what was dropped', async () => {
		emulator().jobs.script({ resultBody: { video: {}, rle: 5 } });
		const result = await segmentVideo({ videoOutput: 'rle' });
		expect(errorOf(result)).toMatchObject({
			stage: 'result',
			errorType: 'unexpected_output',
			message: expect.stringMatching(/has neither a video nor per-frame masks \(rle\) \(video dropped: an object \(\{\}\) is not a file .*; rle dropped: a number \(5\) is neither per-frame RLE strings nor a file\)/),
		});
	});
});
