/**
 * Example 4 on a running n8n: a webhook starts the workflow, SAM 3 submits without waiting and hands the provider
 * the Wait node's resume URL; the emulator's callback resumes the execution, and the webhook caller (responding
 * when the last node finishes) gets the request id at once; the finished execution holds the masks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXAMPLES, loadExample } from '../lib/examples';
import { activateWorkflow, callWebhook, startN8n } from '../lib/n8n-server';
import type { LineContext } from './context';

export function asyncSuite(ctx: () => LineContext): void {
	describe('example 4 (async callback + Wait) on n8n start', () => {
		test('the caller gets the request id at once; the provider callback resumes the execution with the masks', async () => {
			const c = ctx();
			const workflow = loadExample(EXAMPLES.asyncCallback);
			await c.home.importWorkflows([workflow]);
			await activateWorkflow(c.home, workflow.id);
			const server = await startN8n(c.home);
			try {
				const started = Date.now();
				const response = await callWebhook(server, 'sam3-async', { imageUrl: c.images.url('product.png'), prompt: 'product' }, 90_000);
				// The caller's answer comes when the execution pauses at the Wait node: the submission (request id).
				assert.equal(response.status, 200, JSON.stringify(response.body).slice(0, 1000));
				const ack = Array.isArray(response.body) ? response.body[0] : response.body;
				assert.equal(typeof ack.requestId, 'string', `no request id in the answer: ${JSON.stringify(ack).slice(0, 500)}`);

				const execution = await server.finishedExecution(workflow.id, 60_000);
				c.record('example 4 until the execution finished', Date.now() - started);
				assert.equal(execution.status, 'success', JSON.stringify(execution.data.resultData.error ?? {}).slice(0, 1000));
				const result = execution.data.resultData.runData['Result']?.[0]?.data?.main?.[0]?.[0]?.json;
				assert.ok(result, `the Result node did not run (ran: ${Object.keys(execution.data.resultData.runData)})`);
				assert.equal(result.requestId, ack.requestId, 'the callback is for the job this execution submitted');
				assert.equal(result.submittedAs, ack.requestId);
				assert.equal(result.status, 'OK');
				assert.ok(Array.isArray(result.masks) && result.masks.length >= 1, 'the callback carried masks');
				assert.ok(String(result.masks[0].url).startsWith(c.emulator!.filesUrl), 'mask URLs are on the file host');

				const deliveries = (await c.emulator!.control('deliveries')) as Array<{ url: string; attempts?: Array<{ status?: number }> }>;
				const resume = deliveries.filter((d) => d.url.startsWith(`${server.url}/webhook-waiting/`));
				assert.equal(resume.length, 1, `one callback to the resume URL (deliveries: ${JSON.stringify(deliveries).slice(0, 500)})`);
				assert.ok(!server.output().includes(c.emulator!.keys.fal), 'the API key appears in the n8n log');
			} finally {
				await server.stop();
			}
		});
	});
}
