/**
 * Segment Video on a real n8n against the emulator's fal video endpoints (a test double): a video job by URL
 * (the result video and the boxes zip come back as n8n binaries) and a SAM 3.1 per-frame-mask job from a
 * downloaded video file (uploaded through fal storage).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { readVideo } from '../../emulator/video-container';
import { FAL_CREDENTIAL_ID } from '../lib/emulator';
import { TEST_VIDEO } from '../lib/test-images';
import { chain, manualTrigger, node } from '../lib/workflows';
import type { LineContext } from './context';

const falCredential = { falApi: { id: FAL_CREDENTIAL_ID, name: 'fal.ai account' } };

const segmentVideo = (parameters: Record<string, unknown>) =>
	node('SAM 3', 'n8n-nodes-sam3.sam3', 1, { authentication: 'falApi', operation: 'segmentVideo', prompt: 'ball', ...parameters }, { credentials: falCredential });

export function videoSuite(ctx: () => LineContext): void {
	describe('video', () => {
		test('SAM 3 Segment Video by URL: the result video and the per-frame boxes zip as binaries, the job in the JSON', async () => {
			const c = ctx();
			const workflow = chain('sam3E2eVideo0001', 'e2e video by URL', [manualTrigger(), segmentVideo({ model: 'sam-3', videoOutput: 'video', videoUrl: c.images.url(TEST_VIDEO.name) })]);
			await c.home.importWorkflows([workflow]);
			const result = await c.home.execute(workflow.id);
			c.record('video job (fal queue, 8 frames)', result.ms);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);

			const [item, ...rest] = result.items('SAM 3');
			assert.equal(rest.length, 0);
			assert.equal(item.json.model, 'fal-ai/sam-3/video');
			assert.match(String(item.json.requestId), /^[0-9a-f-]{36}$/);
			assert.equal(item.json.video.mimeType, 'video/mp4');
			const video = result.binary(item.binary!.video);
			assert.equal(item.json.video.fileSize, video.length);
			const info = readVideo(video);
			assert.deepEqual([info.width, info.height, info.frameCount], [TEST_VIDEO.width, TEST_VIDEO.height, 8]);
			const zip = result.binary(item.binary!.boundingBoxes);
			assert.equal(zip.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
			assert.equal(item.binary!.boundingBoxes.mimeType, 'application/zip');
			assert.ok(!result.stdout.includes(c.emulator!.keys.fal), 'the API key appears in the run output');
		});

		test('SAM 3.1 per-frame masks from a downloaded video file: uploaded to fal storage, one RLE mask and box per frame', async () => {
			const c = ctx();
			const download = node('Download video', 'n8n-nodes-base.httpRequest', 4.2, {
				url: c.images.url(TEST_VIDEO.name),
				options: { response: { response: { responseFormat: 'file' } } },
			});
			const sam3 = segmentVideo({
				model: 'sam-3-1',
				videoOutput: 'rle',
				videoSource: 'binary',
				videoBinaryPropertyName: 'data',
				videoOptions: { maxNumObjects: 2 },
				options: { uploadMode: 'upload' },
			});
			const workflow = chain('sam3E2eVideo0002', 'e2e video-rle from a file', [manualTrigger(), download, sam3]);
			await c.home.importWorkflows([workflow]);
			const since = ((await c.emulator!.control('log')) as Array<{ seq: number }>).at(-1)?.seq ?? 0;
			const result = await c.home.execute(workflow.id);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);

			const [item] = result.items('SAM 3');
			assert.equal(item.json.model, 'fal-ai/sam-3-1/video-rle');
			assert.equal(item.json.frameCount, 8);
			assert.deepEqual(item.json.rleFormat, { pairs: 'start length', base: 1, order: 'row-major' });
			for (const frame of item.json.frames) {
				assert.match(frame.rle, /^\d+ \d+( \d+ \d+)*$/);
				assert.equal(frame.box.length, 4);
			}
			const log = (await c.emulator!.control(`log?since=${since}`)) as Array<{ route: string; url: string; body?: any }>;
			const submit = log.find((entry) => entry.route === 'fal.submit');
			assert.equal(submit?.url, '/fal-queue/fal-ai/sam-3-1/video-rle');
			assert.deepEqual(Object.keys(submit?.body ?? {}).sort(), ['max_num_objects', 'prompt', 'video_url']);
			assert.ok(log.some((entry) => entry.route === 'files.put'), 'the video was uploaded through fal storage');
			assert.ok(String(submit?.body?.video_url).startsWith(c.emulator!.filesUrl), 'the submit names the uploaded file');
		});

		test('a long SAM 3.1 video job past Max Wait: an error item, and the job cancelled at fal under fal-ai/sam-3-1', async () => {
			const c = ctx();
			await c.emulator!.control('scripts', { match: { promptPattern: '^slow ball$' }, latencyMs: 120_000, times: 1 });
			const sam3 = segmentVideo({ model: 'sam-3-1', prompt: 'slow ball', videoUrl: c.images.url(TEST_VIDEO.name), options: { maxWaitSeconds: 2 } });
			sam3.onError = 'continueRegularOutput';
			const workflow = chain('sam3E2eVideo0003', 'e2e video Max Wait', [manualTrigger(), sam3]);
			await c.home.importWorkflows([workflow]);
			const since = ((await c.emulator!.control('log')) as Array<{ seq: number }>).at(-1)?.seq ?? 0;
			const result = await c.home.execute(workflow.id);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);
			const [item] = result.items('SAM 3');
			assert.equal(item.json.error?.errorType, 'max_wait_exceeded', JSON.stringify(item.json));
			const cancels = (await c.emulator!.control(`log?since=${since}&route=fal.cancel`)) as Array<{ url: string }>;
			assert.deepEqual(cancels.map((entry) => entry.url), [`/fal-queue/fal-ai/sam-3-1/requests/${item.json.error.requestId}/cancel`]);
		});

		test('Wait for Result off with a Callback URL: the video job is submitted with fal_webhook, its ids and links come out at once', async () => {
			const c = ctx();
			// A local receiver (the image server answers 404): fal's webhook goes nowhere outside this machine.
			const callbackUrl = c.images.url('sam3-video-webhook');
			const sam3 = segmentVideo({ videoOutput: 'rle', videoUrl: c.images.url(TEST_VIDEO.name), waitForResult: false, options: { callbackUrl } });
			const workflow = chain('sam3E2eVideo0004', 'e2e video no wait', [manualTrigger(), sam3]);
			await c.home.importWorkflows([workflow]);
			const result = await c.home.execute(workflow.id);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);
			const [item] = result.items('SAM 3');
			const base = `${c.emulator!.falQueueUrl}/fal-ai/sam-3/requests/${item.json.requestId}`;
			assert.deepEqual([item.json.statusUrl, item.json.resultUrl, item.json.cancelUrl], [`${base}/status`, base, `${base}/cancel`]);
			const submits = (await c.emulator!.control(`log?route=fal.submit`)) as Array<{ url: string }>;
			assert.equal(submits.at(-1)?.url, `/fal-queue/fal-ai/sam-3/video-rle?fal_webhook=${encodeURIComponent(callbackUrl)}`);
		});
	});
}
