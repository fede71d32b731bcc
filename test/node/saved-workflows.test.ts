/**
 * Workflows saved by 0.1.0 (commit d7f74b7) run unchanged: every Segment Image and Segment Video parameter set
 * to a value other than its default (test/node/fixtures/workflows/saved-d7f74b7.json, one node per combination
 * the panel allows), each node run through the real engine (which keeps only the parameters the panel displays,
 * as n8n does when it loads a workflow). The requests that reach the emulator and the items that come out must
 * equal what d7f74b7 itself produced from the same workflow, recorded in saved-d7f74b7.expected.json.
 *
 * To record (only ever from d7f74b7's tree, never to make a change pass): SAM3_RECORD_SAVED_WORKFLOWS=1.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IBinaryData, INode, INodeExecutionData } from 'n8n-workflow';

import { makeTestVideo } from '../../tools/emulator/video-fixture';
import { readBinary } from '../../tools/rig/binary-data';
import type { RigInputItem } from '../../tools/rig';
import { runSam3, solidImage } from './fixture';
import { useEmulator } from './harness';

const emulator = useEmulator();
const FIXTURES = join(__dirname, 'fixtures', 'workflows');
const workflow = JSON.parse(readFileSync(join(FIXTURES, 'saved-d7f74b7.json'), 'utf8')) as { nodes: INode[] };
const EXPECTED_FILE = join(FIXTURES, 'saved-d7f74b7.expected.json');
const RECORD = process.env.SAM3_RECORD_SAVED_WORKFLOWS === '1';
const expected = existsSync(EXPECTED_FILE) ? (JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')) as Record<string, unknown>) : {};
const recorded: Record<string, unknown> = {};

/** Requests whose number depends on timing (status polls, the status stream) are left out; the rest, in a fixed order. */
const TIMED_ROUTES = new Set(['fal.status', 'fal.status.stream', 'runflow.get']);

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex').slice(0, 16);

/**
 * Run-specific text made comparable: emulator addresses, job and file ids, the emulator's random file names and
 * upload signatures, inline files (by their hash).
 */
function normalized(value: unknown): unknown {
	const text = JSON.stringify(value ?? null)
		.replace(/http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+/g, 'http://emulator')
		.replace(/data:([\w/.+-]+);base64,[A-Za-z0-9+/=]+/g, (uri: string, type: string) => `data:${type};sha=${sha(uri)}`)
		.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
		.replace(/X-Emulator-Signature=[0-9a-f]+/g, 'X-Emulator-Signature=<signature>')
		.replace(/(?<=[/"])[A-Za-z0-9_-]{12}\.(png|jpe?g|webp|mp4|webm|zip|json|bin)\b/g, '<random>.$1');
	return JSON.parse(text);
}

/** Timing varies from run to run (whether a job was seen queued, how many polls): only its presence is compared. */
function withoutTiming(json: Record<string, unknown>): Record<string, unknown> {
	const { timing, ...rest } = json;
	return { ...rest, timing: timing === undefined ? undefined : typeof timing };
}

/**
 * Every item now carries its job's estimated cost (issue 31: `cost: {estimatedUsd, basis, estimate}`), checked
 * here; what d7f74b7 wrote under `cost` (Runflow's reported run cost, a number) is compared with where it now is,
 * `cost.reportedUsd`. Every other field must be as d7f74b7 wrote it.
 */
function withCostAsBefore(json: Record<string, unknown>): Record<string, unknown> {
	const { cost, ...rest } = json;
	if (rest.error === undefined) expect(cost).toMatchObject({ estimate: true, basis: expect.any(String) });
	return { ...rest, cost: (cost as { reportedUsd?: number } | undefined)?.reportedUsd };
}

/** The test clip's frames. */
const CLIP_FRAMES = 8;

/**
 * Segment Video now gives `frameCount` whenever it counted the video's frames (a binary video's container, the
 * result video's), not only beside per-frame masks: an added field, checked here to be the clip's frame count.
 * Where d7f74b7 wrote it (beside `frames`), it is compared as it was.
 */
function withFrameCountAsBefore(json: Record<string, unknown>): Record<string, unknown> {
	if (json.frames !== undefined || json.frameCount === undefined) return json;
	const { frameCount, ...rest } = json;
	expect(frameCount).toBe(CLIP_FRAMES);
	return rest;
}

async function binarySummary(binary: Record<string, IBinaryData> | undefined) {
	if (!binary) return undefined;
	const entries = await Promise.all(
		Object.entries(binary).map(async ([name, file]) => [name, { mimeType: file.mimeType, fileName: file.fileName, fileExtension: file.fileExtension, sha: sha(await readBinary(file)) }]),
	);
	return Object.fromEntries(entries.sort(([a], [b]) => String(a).localeCompare(String(b))));
}

async function observed(items: INodeExecutionData[]) {
	const requests = emulator()
		.requests.filter((entry) => entry.route && !TIMED_ROUTES.has(entry.route))
		.map((entry) => {
			// fal's queue options travel as headers (X-Fal-Queue-Priority, X-Fal-Request-Timeout …).
			const falHeaders = Object.fromEntries(Object.entries(entry.headers).filter(([header]) => /^x-fal/i.test(header)));
			return normalized({ route: entry.route, method: entry.method, url: entry.url, authorization: entry.authorization, falHeaders, body: entry.body });
		})
		// Downloads run in parallel: compared as a set.
		.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
	const outputs = await Promise.all(items.map(async (item) => ({ json: withoutTiming(withFrameCountAsBefore(withCostAsBefore(item.json))), binary: await binarySummary(item.binary) })));
	return { requests, outputs: normalized(outputs) };
}

let input: RigInputItem;
beforeAll(async () => {
	const photo = await solidImage(320, 200, 'png');
	const clip = await makeTestVideo({ width: 64, height: 48, frames: CLIP_FRAMES });
	const mask = await solidImage(64, 48, 'png');
	input = { json: {}, binary: { photo: { data: photo, mimeType: 'image/png', fileName: 'shelf.png' }, clip: { data: clip, mimeType: 'video/mp4', fileName: 'street.mp4' } } };
	Object.assign(input, { mask, photo, clip });
});

afterAll(() => {
	if (RECORD) writeFileSync(EXPECTED_FILE, `${JSON.stringify(recorded, null, '\t')}\n`);
});

describe('workflows saved by 0.1.0 (d7f74b7) run unchanged', () => {
	it('the fixture sets every Segment Image and Segment Video parameter away from its default', () => {
		const set = new Set(workflow.nodes.flatMap((node) => Object.keys(node.parameters)));
		for (const name of ['model', 'imageSource', 'imageUrl', 'binaryPropertyName', 'prompt', 'pointPromptsInput', 'pointPrompts', 'pointPromptsJson', 'boxPromptsInput', 'boxPrompts', 'boxPromptsJson', 'maskDelivery', 'modelOptions', 'videoOutput', 'videoSource', 'videoUrl', 'videoBinaryPropertyName', 'frameMaskFiles', 'videoOptions', 'waitForResult', 'falMode', 'options']) {
			expect(set).toContain(name);
		}
		const collection = (name: string) => new Set(workflow.nodes.flatMap((node) => Object.keys((node.parameters[name] as object | undefined) ?? {})));
		expect([...collection('modelOptions')].sort()).toEqual(['applyMask', 'includeBoxes', 'includeScores', 'maxMasks', 'outputFormat', 'returnMultipleMasks', 'syncMode']);
		expect([...collection('videoOptions')].sort()).toEqual(
			['applyMask', 'applyMaskToVideo', 'boundingBoxZip', 'detectionThreshold', 'maskFrameIndex', 'maskUrl', 'maxNumObjects', 'rleDetectionThreshold', 'videoOutputType'].sort(),
		);
		expect([...collection('options')].sort()).toEqual(
			['binaryPropertyPrefix', 'callbackUrl', 'downloadMasks', 'includeRawResponse', 'keepInputData', 'maxConcurrency', 'maxWaitSeconds', 'queuePriority', 'runMetadata', 'splitMasks', 'startTimeoutSeconds', 'uploadMode'].sort(),
		);
		expect(new Set(workflow.nodes.map((node) => node.parameters.operation))).toEqual(new Set(['segment', 'segmentVideo']));
	});

	it.each(workflow.nodes.map((node) => [node.name, node] as const))('%s: the same requests and the same items as d7f74b7', async (name, node) => {
		const { mask, photo, clip } = input as unknown as { mask: Buffer; photo: Buffer; clip: Buffer };
		const json = {
			imageUrl: emulator().hostImage(photo, 'image/png', 'shelf.png'),
			videoUrl: emulator().hostImage(clip, 'video/mp4', 'street.mp4'),
			maskUrl: emulator().hostImage(mask, 'image/png', 'start-mask.png'),
		};
		const result = await runSam3(emulator(), {
			provider: node.parameters.authentication as 'falApi' | 'runflowApi',
			parameters: node.parameters,
			items: [{ ...input, json }],
		});
		expect(result.error).toBeUndefined();
		const seen = await observed(result.items);
		recorded[name] = seen;
		if (RECORD) return;
		expect(expected[name]).toBeDefined();
		expect(seen).toEqual(expected[name]);
	});
});
