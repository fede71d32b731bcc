/**
 * Each operation as an AI Agent's tool (issue 29 item 5), through n8n-core's own tool path: the model reads a
 * compact, true answer of the operation's own, and an error names the $fromAI argument to fix. Segment Image's
 * answers are in test/node/tool-mode.test.ts.
 */
import type { INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { PRICES, roundUsd } from '../../nodes/Sam3/job/cost';
import { MAX_TOOL_FRAMES } from '../../nodes/Sam3/operations/segment-video/tool-answer';
import { writeMeshPly } from '../../tools/emulator/ply';
import { readVideo } from '../../tools/emulator/video-container';
import { makeTestVideo } from '../../tools/emulator/video-fixture';
import { runAsAgentTool } from '../../tools/rig';
import { credentialsFor, logOf, smallImage, useEmulator } from './harness';

const emulator = useEmulator();

const VIDEO_URL = "={{ $fromAI('videoUrl', 'Public http(s) URL of the video', 'string') }}";
const PROMPT = "={{ $fromAI('prompt', 'What to track, a short noun phrase', 'string') }}";
/** What one tool answer may weigh: the model reads it on every later turn. */
const MAX_ANSWER_CHARS = 4_000;

let clip: Buffer;
beforeAll(async () => {
	clip = await makeTestVideo({ width: 64, height: 48, frames: 40 });
});

async function callVideoTool(calls: Array<Record<string, unknown>>, parameters: INodeParameters = {}) {
	return await runAsAgentTool({
		node: Sam3,
		packageName: 'n8n-nodes-sam3',
		nodeName: 'SAM 3',
		credentials: credentialsFor(emulator()),
		calls,
		parameters: { authentication: 'falApi', operation: 'segmentVideo', videoUrl: VIDEO_URL, prompt: PROMPT, ...parameters },
	});
}

/** The one item the model reads, parsed from the string n8n hands it: small, no RLE, no base64, no files. */
function answerOf(observation: string | undefined): Record<string, any> {
	expect(typeof observation).toBe('string');
	expect(observation!.length).toBeLessThan(MAX_ANSWER_CHARS);
	expect(observation).not.toMatch(/;base64,|"binary"|"raw"|"rle"|"counts"|"frames"/);
	const parsed = JSON.parse(observation!);
	expect(parsed).toHaveLength(1);
	return parsed[0];
}

/** No job ran: the answer names no cost, estimated, reported or unknown. */
function expectNoCost(answer: Record<string, any>) {
	for (const field of ['estimatedCostUsd', 'reportedCostUsd', 'costNote']) expect(answer).not.toHaveProperty(field);
}

const hostClip = () => emulator().hostImage(clip, 'video/mp4', 'street-clip.mp4');
const IMAGE_URL = "={{ $fromAI('imageUrl', 'Public http(s) URL of the photo', 'string') }}";

/** A person: a tall dark figure on a light backdrop (the emulator finds people by contrast). */
async function runnerPhoto(): Promise<string> {
	const photo = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#f0f0f0' } })
		.composite([{ input: { create: { width: 40, height: 120, channels: 3, background: '#3c2878' } }, left: 30, top: 20 }])
		.png()
		.toBuffer();
	return emulator().hostImage(photo, 'image/png', 'runner.png');
}

/** The newer operations as tools (first panel's parameter names; Reconstruct 3D Object's: test/node/reconstruct-3d-object.test.ts): their $fromAI arguments, a call, its list price. */
const NEWER_TOOLS: Record<string, { parameters: INodeParameters; call: () => Promise<Record<string, unknown>>; estimatedCostUsd: number }> = {
	// 40 frames: three started blocks of 16 at $0.005.
	'Track Objects in a Video': {
		parameters: { operation: 'trackObjects', videoUrl: VIDEO_URL, prompt: PROMPT },
		call: async () => ({ videoUrl: hostClip(), prompt: 'ball' }),
		estimatedCostUsd: 0.015,
	},
	'Reconstruct 3D Body': {
		parameters: { operation: 'reconstruct3dBody', imageUrl: IMAGE_URL },
		call: async () => ({ imageUrl: await runnerPhoto() }),
		estimatedCostUsd: 0.02,
	},
	'Align 3D Body and Object': {
		parameters: { operation: 'align3d', imageUrl: IMAGE_URL, bodyMeshUrl: "={{ $fromAI('bodyMeshUrl', 'URL of the body mesh', 'string') }}" },
		call: async () => ({
			imageUrl: await runnerPhoto(),
			bodyMeshUrl: emulator().hostImage(writeMeshPly([[0, 0, 0], [1, 0, 0], [0, 1, 0]], [[0, 1, 2]]), 'application/octet-stream', 'body.ply'),
		}),
		estimatedCostUsd: 0.02,
	},
};

describe('Segment Video as an AI Agent tool', () => {
	it('a finished Segment Video tool call answers with its video URL, not as submitted without waiting', async () => {
		const { calls } = await callVideoTool([{ videoUrl: hostClip(), prompt: 'ball' }]);
		const answer = answerOf(calls[0].observation);
		const [job] = emulator().jobs.list();
		expect(answer).toMatchObject({ provider: 'fal.ai', requestId: job.id, status: 'COMPLETED', model: 'fal-ai/sam-3/video' });
		expect(answer.videoUrl).toBe((job.output as { video: { url: string } }).video.url);
		expect(answer.note ?? '').not.toMatch(/without waiting/);
		// fal bills per 16 frames of the input; a video by URL is counted from the downloaded result video (the clip's frames).
		expect(answer.estimatedCostUsd).toBe(roundUsd(Math.ceil(readVideo(clip).frameCount / 16) * PRICES['fal-ai/sam-3/video'].usd));
		expect(answer.frameCount).toBe(readVideo(clip).frameCount);
		expect(answer).not.toHaveProperty('costNote');
	});

	it('a Segment Video tool call with Download Masks off tells the model why there is no estimate, and what would give one', async () => {
		const { calls } = await callVideoTool([{ videoUrl: hostClip(), prompt: 'ball' }], { options: { downloadMasks: false } });
		const answer = answerOf(calls[0].observation);
		expect(answer).toMatchObject({ status: 'COMPLETED', model: 'fal-ai/sam-3/video' });
		expect(answer).not.toHaveProperty('estimatedCostUsd');
		expect(answer.costNote).toBe(
			"Cost not estimated: $0.005 per 16 frames of input video, fal-ai/sam-3/video; the video's frame count is not known: turn on Options > Download Masks to have it read from the result video, or give the video as a binary file.",
		);
	});

	it('a per-frame Segment Video tool call answers with the frame count and a short summary of the boxes, never the RLE', async () => {
		const { calls } = await callVideoTool([{ videoUrl: hostClip(), prompt: 'ball' }], { videoOutput: 'rle' });
		const answer = answerOf(calls[0].observation);
		const output = emulator().jobs.list()[0].output as { rle: unknown[]; boxes: Array<number[] | null> };
		// The ball leaves the 40-frame clip part way: the frames it shows in are those fal gave a box.
		const boxed = output.boxes.flatMap((box, frameIndex) => (box ? [frameIndex] : []));
		expect(output.rle).toHaveLength(40);
		expect(boxed.length).toBeGreaterThan(MAX_TOOL_FRAMES);
		expect(boxed.length).toBeLessThan(40);
		expect(answer).toMatchObject({
			status: 'COMPLETED',
			model: 'fal-ai/sam-3/video-rle',
			frameCount: 40,
			framesWithObject: boxed.length,
			firstFrame: boxed[0],
			lastFrame: boxed[boxed.length - 1],
		});
		expect(answer.boxes).toHaveLength(MAX_TOOL_FRAMES);
		expect(answer.boxes[0].frameIndex).toBe(boxed[0]);
		expect(answer.boxes[MAX_TOOL_FRAMES - 1].frameIndex).toBe(boxed[boxed.length - 1]);
		for (const { frameIndex, box } of answer.boxes) {
			// The provider's own box for that frame, rounded.
			expect(box).toHaveLength(4);
			box.forEach((value: number, index: number) => expect(value).toBeCloseTo(output.boxes[frameIndex]![index], 3));
		}
		expect(answer.note).toBe(`Boxes of ${MAX_TOOL_FRAMES} of ${boxed.length} frames listed (spread over the video).`);
		// The answer's 40 frames at $0.005 per started 16: 3 blocks.
		expect(answer.estimatedCostUsd).toBe(0.015);
		expect(answer).not.toHaveProperty('costNote');
	});

	it('a Segment Video tool call with a video URL that is none answers naming the video argument, and sends nothing', async () => {
		const { calls } = await callVideoTool([{ videoUrl: 'a clip of a street', prompt: 'ball' }]);
		expect(logOf(emulator()).filter((entry) => entry.route?.startsWith('fal.'))).toHaveLength(0);
		const answer = answerOf(calls[0].observation);
		expect(answer).toMatchObject({ argument: 'videoUrl', hint: 'Call the tool again with a corrected "videoUrl".' });
		expect(answer.error).toMatch(/Video URL is not valid/);
		expectNoCost(answer);
	});

	it('a Segment Video tool call that Max Spend per Run refuses answers with that error and no cost, and sends nothing', async () => {
		// A video by URL has no known length before its job, so no price to hold to the limit.
		const { calls } = await callVideoTool([{ videoUrl: hostClip(), prompt: 'ball' }], { options: { maxSpendUsd: 5 } });
		expect(logOf(emulator()).filter((entry) => entry.route?.startsWith('fal.'))).toHaveLength(0);
		const answer = answerOf(calls[0].observation);
		expect(answer).toMatchObject({ errorType: 'max_spend_reached' });
		expect(answer.error).toMatch(/was not started: Max Spend per Run \(\$5\) needs each job's price before it starts/);
		expectNoCost(answer);
	});

	it('a Segment Video tool call with a video fal cannot read answers with fal’s error, naming the video argument', async () => {
		const notAVideo = emulator().hostImage(await smallImage(), 'video/mp4', 'clip.mp4');
		const { calls } = await callVideoTool([{ videoUrl: notAVideo, prompt: 'ball' }]);
		const answer = answerOf(calls[0].observation);
		expect(answer).toMatchObject({ argument: 'videoUrl', errorType: 'video_load_error' });
	});
});

describe('what a tool call cost', () => {
	it.each(['Track Objects in a Video', 'Reconstruct 3D Body', 'Align 3D Body and Object'])('a finished %s tool call tells the model what its job cost (the list-price estimate)', async (name) => {
		const tool = NEWER_TOOLS[name];
		const { calls } = await runAsAgentTool({
			node: Sam3,
			packageName: 'n8n-nodes-sam3',
			nodeName: 'SAM 3',
			typeVersion: 1,
			credentials: credentialsFor(emulator()),
			calls: [await tool.call()],
			parameters: { authentication: 'falApi', ...tool.parameters },
		});
		const answer = answerOf(calls[0].observation);
		const [job] = emulator().jobs.list();
		expect(answer).toMatchObject({ provider: 'fal.ai', requestId: job.id, status: 'COMPLETED', estimatedCostUsd: tool.estimatedCostUsd });
		// fal reports no cost of its own, and the estimate is known: nothing more to say about it.
		expect(answer).not.toHaveProperty('reportedCostUsd');
		expect(answer).not.toHaveProperty('costNote');
	});
});
