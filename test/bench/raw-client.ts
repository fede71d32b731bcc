/**
 * The baseline for the overhead benchmark: a bare undici client doing one item's work the way the node does it
 * against fal's queue (submit, status until COMPLETED on the node's own poll schedule, result, download every
 * file into memory), with the same cap held the same way: a slot covers the provider job (submit until COMPLETED),
 * the result and the downloads come after it. No n8n, no validation, no retries: the floor.
 */
import pLimit from 'p-limit';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';

import { nextPollDelayMs } from '../../nodes/Sam3/job/wait-for-job';
import type { EmulatorInfo } from '../e2e/lib/emulator';

interface FalFile {
	url: string;
}

interface FalOutput {
	masks: FalFile[];
	image?: FalFile;
}

export interface RawRunStats {
	items: number;
	polls: number;
	downloadedBytes: number;
}

const dispatcher = new Agent({ keepAliveTimeout: 10_000 });

async function json(method: 'GET' | 'POST', url: string, key: string, body?: unknown): Promise<Record<string, unknown>> {
	const response = await request(url, {
		method,
		dispatcher,
		headers: { authorization: `Key ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const parsed = (await response.body.json()) as Record<string, unknown>;
	if (response.statusCode >= 300) throw new Error(`${method} ${url}: HTTP ${response.statusCode} ${JSON.stringify(parsed)}`);
	return parsed;
}

async function download(url: string): Promise<Buffer> {
	const response = await request(url, { method: 'GET', dispatcher });
	const chunks: Buffer[] = [];
	for await (const chunk of response.body) chunks.push(chunk as Buffer);
	if (response.statusCode !== 200) throw new Error(`GET ${url}: HTTP ${response.statusCode}`);
	return Buffer.concat(chunks);
}

/** The provider part of one item, inside a slot: submit, then poll until COMPLETED. */
async function runJob(info: EmulatorInfo, input: Record<string, unknown>): Promise<{ requestId: string; polls: number }> {
	const key = info.keys.fal;
	const submitted = await json('POST', `${info.urls.falQueue}/fal-ai/sam-3/image`, key, input);
	const requestId = String(submitted.request_id);
	const statusUrl = `${info.urls.falQueue}/fal-ai/sam-3/requests/${requestId}/status?logs=1`;
	const started = Date.now();
	for (let polls = 1; ; polls++) {
		const status = await json('GET', statusUrl, key);
		if (status.status === 'COMPLETED') {
			if (status.error) throw new Error(`job failed: ${String(status.error)}`);
			return { requestId, polls };
		}
		await sleep(nextPollDelayMs(Date.now() - started));
	}
}

/** After the slot: the result, then every file. */
async function fetchFiles(info: EmulatorInfo, requestId: string): Promise<Buffer[]> {
	const output = (await json('GET', `${info.urls.falQueue}/fal-ai/sam-3/requests/${requestId}`, info.keys.fal)) as unknown as FalOutput;
	return await Promise.all([...output.masks, ...(output.image ? [output.image] : [])].map(async (file) => await download(file.url)));
}

async function runItem(info: EmulatorInfo, input: Record<string, unknown>, limit: pLimit.Limit): Promise<{ files: Buffer[]; polls: number }> {
	const { requestId, polls } = await limit(async () => await runJob(info, input));
	return { files: await fetchFiles(info, requestId), polls };
}

/** Runs `items` jobs with at most `concurrency` at once, like the node's Max Concurrent Jobs. */
export async function runRawClient(info: EmulatorInfo, inputs: Record<string, unknown>[], concurrency: number): Promise<RawRunStats> {
	const limit = pLimit(concurrency);
	const results = await Promise.all(inputs.map(async (input) => await runItem(info, input, limit)));
	return {
		items: results.length,
		polls: results.reduce((sum, r) => sum + r.polls, 0),
		downloadedBytes: results.reduce((sum, r) => sum + r.files.reduce((s, f) => s + f.length, 0), 0),
	};
}
