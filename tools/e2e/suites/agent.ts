/**
 * The SAM 3 node as an AI Agent's tool in a real n8n: Manual Trigger → AI Agent (2.2 on n8n 1.123, 3.1 on 2.41) ←
 * OpenAI Chat Model (the OpenAI stand-in, a test double) ← SAM 3 tool with `$fromAI` image URL and prompt. The
 * stand-in asks for the tool, then answers from what the tool returned: the suite reads what the model was
 * shown (the tool list, the tool message) and what reached the provider emulator.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { agentWorkflow, SAM3_TOOL_NAME } from '../lib/agent-workflow';
import { assertCutout, maskAtPhotoSize, raw } from '../lib/cutout-checks';
import { EXAMPLES, loadExample, localizeWorkflow } from '../lib/examples';
import { startImageServer } from '../lib/image-server';
import { hostedProductPhotos } from '../lib/product-photos';
import { describeToolResult, startOpenAiStandIn, type ChatRequest, type OpenAiStandIn } from '../lib/openai-stand-in';
import { TEST_IMAGES } from '../lib/test-images';
import type { LineContext } from './context';

const [truck] = TEST_IMAGES;
/** What a tool answer may weigh: a model reads it on every later turn. */
const MAX_TOOL_ANSWER_CHARS = 8_000;

/** The user's message as the model got it. */
const userText = (request: ChatRequest) => {
	const user = [...request.messages].reverse().find((m) => m.role === 'user');
	return typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content ?? '');
};

async function logSeq(c: LineContext): Promise<number> {
	const entries = (await c.emulator!.control('log')) as Array<{ seq: number }>;
	return entries.length ? entries[entries.length - 1].seq : 0;
}

async function submitsSince(c: LineContext, since: number): Promise<Array<Record<string, any>>> {
	const entries = (await c.emulator!.control(`log?since=${since}&route=fal.submit`)) as Array<{ body?: Record<string, any> }>;
	return entries.map((e) => e.body ?? {});
}

/** One tool message: the JSON array n8n stringifies from the tool's output items. */
function toolAnswer(content: string): Record<string, any> {
	console.log(`# the model read (${content.length} characters): ${content.slice(0, 1500)}`);
	const parsed = JSON.parse(content);
	assert.ok(Array.isArray(parsed) && parsed.length === 1, `the model did not get one item: ${content.slice(0, 300)}`);
	return parsed[0];
}

export function agentSuite(ctx: () => LineContext): void {
	describe('AI Agent with the SAM 3 tool', () => {
		let llm: OpenAiStandIn;
		before(async () => {
			llm = await startOpenAiStandIn();
			await ctx().home.importCredentials([llm.credential()]);
		});
		after(async () => await llm?.close());

		/** Runs one agent turn where the model calls the tool with `args`; returns the run, the model's view and the jobs sent. */
		async function callTool(c: LineContext, id: string, args: Record<string, unknown>) {
			llm.requests.length = 0;
			llm.plan = { tool: (tools) => tools.find((t) => t.function.name === SAM3_TOOL_NAME.replace(/ /g, '_')), toolArgs: () => args };
			const workflow = agentWorkflow(id, c.line.key, `Find the products in this photo: ${String(args.imageUrl)}`);
			await c.home.importWorkflows([workflow]);
			const since = await logSeq(c);
			const result = await c.home.execute(workflow.id);
			const submits = await submitsSince(c, since);
			return { result, submits, chats: [...llm.requests] };
		}

		test('the model calls the tool; the emulator gets that job; the model reads compact JSON; the answer is in the output', async () => {
			const c = ctx();
			const args = { imageUrl: c.images.url(truck.name), prompt: 'truck' };
			const { result, submits, chats } = await callTool(c, 'sam3E2eAgentOk001', args);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr.slice(-2000));

			// What the model was offered: the tool, named after the node, described for a model, with both arguments.
			assert.equal(chats.length, 2, `expected a tool call and a final answer, got ${chats.map((r) => r.replied).join(', ')}`);
			const offered = chats[0].body.tools ?? [];
			const tool = offered.find((t) => t.function.name === 'SAM_3');
			assert.ok(tool, `no SAM_3 tool offered: ${offered.map((t) => t.function.name).join(', ')}`);
			assert.match(tool.function.description ?? '', /SAM 3.*mask/s, 'the tool description says what the tool does');
			assert.match(tool.function.description ?? '', /Image URL/, 'the tool description explains the image argument');
			assert.deepEqual(Object.keys(tool.function.parameters?.properties ?? {}).sort(), ['imageUrl', 'prompt']);
			assert.match(userText(chats[0].body), /Find the products/);

			// The job the model asked for, exactly once.
			assert.equal(submits.length, 1, `expected one SAM 3 job, got ${submits.length}`);
			assert.equal(submits[0].prompt, args.prompt);
			assert.equal(submits[0].image_url, args.imageUrl);

			// What the model read back.
			const content = llm.toolContents()[0];
			assert.ok(content, 'the model got no tool message');
			assert.ok(content.length < MAX_TOOL_ANSWER_CHARS, `tool answer is ${content.length} characters`);
			assert.doesNotMatch(content, /;base64,[A-Za-z0-9+/=]{16}|"binary"|"raw"|"timing"|toolCallId/, `tool answer carries more than a model needs: ${content.slice(0, 400)}`);
			const answer = toolAnswer(content);
			assert.ok(answer.maskCount >= 1, `no mask found: ${content}`);
			assert.equal(answer.masks.length, answer.maskCount);
			// What the job cost, at fal's list price for one SAM 3 image request; fal reports none itself.
			assert.equal(answer.estimatedCostUsd, 0.005, `the model was not told what the job cost: ${content.slice(0, 300)}`);
			assert.equal(answer.reportedCostUsd, undefined);
			// The provider's own answer, as the model got it: the job's scores, mask for mask.
			const job = await c.emulator!.control(`jobs/${answer.requestId}`);
			assert.ok(job, `the answer names no job of the emulator: ${answer.requestId}`);
			assert.deepEqual(answer.masks.map((m: { score: number }) => m.score), (job.output?.scores ?? []).map((v: number) => Number(v.toFixed(4))));
			for (const mask of answer.masks) {
				assert.equal(typeof mask.score, 'number');
				assert.deepEqual(Object.keys(mask.box).sort(), ['cx', 'cy', 'h', 'w']);
				assert.ok(mask.pixelBox && mask.pixelBox.xMax > mask.pixelBox.xMin, `mask ${mask.index} has no pixel box`);
				const file = await fetch(mask.url);
				assert.equal(file.status, 200, `mask URL ${mask.url}`);
				assert.match(file.headers.get('content-type') ?? '', /^image\//);
			}

			// The final answer the model built from it is the Agent's output.
			const [output, ...more] = result.items('AI Agent');
			assert.equal(more.length, 0);
			assert.equal(output.json.output, describeToolResult([content]));
			assert.match(output.json.output, new RegExp(`Found ${answer.maskCount} product`));
		});

		test('a bad image URL reaches the model as an error naming the argument; nothing is sent; the run goes on', async () => {
			const c = ctx();
			const { result, submits } = await callTool(c, 'sam3E2eAgentBadUrl01', { imageUrl: 'photo-of-a-truck', prompt: 'truck' });
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr.slice(-2000));
			assert.equal(submits.length, 0, 'a job was started for an invalid URL');
			const answer = toolAnswer(llm.toolContents()[0]);
			assert.equal(answer.argument, 'imageUrl');
			assert.match(answer.error, /Image URL .*http/);
			assert.match(answer.hint, /imageUrl/);
			assert.equal(answer.estimatedCostUsd, undefined, 'no job ran, yet the model was told a cost');
			assert.equal(result.items('AI Agent')[0].json.output, `The SAM 3 tool reported an error: ${answer.error}`);
		});

		test('an image the provider cannot fetch reaches the model as the provider’s error', async () => {
			const c = ctx();
			const { result, submits } = await callTool(c, 'sam3E2eAgent404Img01', { imageUrl: c.images.url('no-such-photo.jpg'), prompt: 'truck' });
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr.slice(-2000));
			assert.equal(submits.length, 1);
			const answer = toolAnswer(llm.toolContents()[0]);
			assert.equal(typeof answer.error, 'string', `no error for the model: ${JSON.stringify(answer)}`);
			assert.match(answer.error, /download/i);
			assert.equal(answer.argument, 'imageUrl', 'the error names the image argument');
			assert.match(result.items('AI Agent')[0].json.output, /reported an error/);
		});

		test('example 6: the agent finds the products in each photo, the cutouts are of what it found', async () => {
			const c = ctx();
			const photos = await hostedProductPhotos();
			const shown = photos.filter((p) => ['sneaker-101', 'mug-202', 'empty-404'].includes(p.sku));
			const server = await startImageServer(shown);
			try {
				llm.requests.length = 0;
				// The model does what the example's system message asks: the photo's URL from the user's message, "product",
				// as the example's ✨ arguments (Image_URL, Text_Prompt: what n8n's ✨ button names them).
				llm.plan = { toolArgs: (request) => ({ Image_URL: /https?:\/\/\S+/.exec(userText(request))?.[0], Text_Prompt: 'product' }) };
				const workflow = localizeWorkflow(loadExample(EXAMPLES.agentFindProducts), { imageUrl: server.url, outputDir: c.home.filesDir });
				await c.home.importWorkflows([workflow]);
				const since = await logSeq(c);
				const result = await c.home.execute(workflow.id, { timeoutMs: 10 * 60_000, env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' } });
				assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr.slice(-3000));

				// One job per photo, for that photo, with the prompt the model chose.
				const submits = await submitsSince(c, since);
				assert.deepEqual(submits.map((s) => s.image_url).sort(), shown.map((p) => server.url(p.name)).sort());
				assert.ok(submits.every((s) => s.prompt === 'product'));

				// Each photo's agent answer is the model's text about what the tool returned for it.
				const answers = result.items('AI Agent').map((item) => item.json.output);
				assert.deepEqual([...answers].sort(), llm.requests.filter((r) => r.replied === 'final').map((r) => r.text).sort());

				const found = result.items('What the agent found');
				assert.equal(found.length, shown.length, 'every photo comes out of the agent');
				const written = result.items('Write cutout');
				const products = shown.filter((p) => p.sku !== 'empty-404');
				assert.deepEqual(written.map((w) => w.json.sku).sort(), products.map((p) => p.sku).sort(), 'one cutout per product, none for the empty backdrop');
				for (const photo of products) {
					const item = found.find((f) => f.json.sku === photo.sku)!;
					assert.match(item.json.answer, /^Found [1-9]\d* product/);
					assert.deepEqual([item.json.width, item.json.height], [photo.width, photo.height], `${photo.sku}: the photo size the tool reported`);
					const out = written.find((w) => w.json.sku === photo.sku)!;
					const file = out.json.fileName as string;
					assert.ok(existsSync(file), `${file} was not written`);
					const cutout = await raw(readFileSync(file), 4);
					assert.deepEqual([cutout.width, cutout.height], [item.json.cut.width, item.json.cut.height], `${photo.sku}: cutout = the found box + margin`);
					// Transparent outside the mask the tool named, the photo's own pixels inside it.
					const maskBytes = Buffer.from(await (await fetch(item.json.mask.url)).arrayBuffer());
					const mask = maskAtPhotoSize(await raw(maskBytes, 1), photo.width, photo.height);
					const checked = assertCutout(cutout, await raw(photo.bytes, 3), mask, { x: item.json.cut.x, y: item.json.cut.y }, photo.format === 'jpeg' ? 6 : 0);
					assert.ok(checked.inside > 100 && checked.outside > 100, `${photo.sku}: too few pixels judged (${JSON.stringify(checked)})`);
				}
				const [none, ...more] = result.items('No product found');
				assert.equal(more.length, 0);
				assert.equal(none.json.sku, 'empty-404');
				assert.equal(none.json.outcome, 'no product found');
				assert.equal(none.json.answer, 'Found 0 product(s).');
			} finally {
				await server.close();
			}
		});

		test('no prompt reaches the model as an error naming the prompt argument; nothing is sent', async () => {
			const c = ctx();
			const { result, submits } = await callTool(c, 'sam3E2eAgentNoPrm01', { imageUrl: c.images.url(truck.name), prompt: '' });
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr.slice(-2000));
			assert.equal(submits.length, 0, 'a job was started without a prompt');
			const answer = toolAnswer(llm.toolContents()[0]);
			assert.equal(answer.argument, 'prompt');
			assert.match(answer.error, /No prompt/);
			assert.match(result.items('AI Agent')[0].json.output, /reported an error: No prompt/);
		});
	});
}
