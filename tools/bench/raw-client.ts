/**
 * The baseline the node is measured against: a bare undici client doing one item's work the way each provider's
 * own client learns of completion, and nothing more (no n8n, no validation, no retries: the floor).
 * - fal queue (default): submit, then the queue STATUS STREAM like fal-js `queue.streamStatus` (one request until
 *   COMPLETED, read with eventsource-parser as fal-js does), result, download every file. `falStatus: 'poll'` polls
 *   status every 500 ms instead (fal-js `subscribe`'s default mode and interval, DEFAULT_POLL_INTERVAL).
 * - Runflow: create the run, GET it every 2 s like Runflow's SDK until terminal, download every output.
 * The cap is held as the node holds it: a slot covers the provider job (submit until done); result and downloads
 * come after it.
 * `transport: 'n8n'` sends the same requests through n8n-core's own `httpRequest` (the function behind every node's
 * `this.helpers.httpRequest`) instead of a pooled undici agent: the floor of any n8n node making these requests.
 */
import { createParser } from 'eventsource-parser';
import pLimit from 'p-limit';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import * as requestHelpers from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';

import type { EmulatorInfo } from '../e2e/lib/emulator';

/** fal-js `queue.ts` DEFAULT_POLL_INTERVAL; Runflow's SDK polls every 2 s (providers.md). */
export const FAL_CLIENT_POLL_MS = 500;
export const RUNFLOW_SDK_POLL_MS = 2_000;

interface FalFile {
	url: string;
}

interface FalOutput {
	masks: FalFile[];
	image?: FalFile;
}

export interface RawRunStats {
	items: number;
	/** Status polls (fal GET …/status, Runflow GET v1/runs/{id}). */
	polls: number;
	/** fal status streams opened. */
	streams: number;
	downloadedBytes: number;
}

export interface RawClientOptions {
	provider?: 'fal' | 'runflow';
	/** undici with a keep-alive pool (default), or n8n-core's request helper for every request. */
	transport?: 'undici' | 'n8n';
	/** fal only: the status stream (default, like fal-js streamStatus) or polling every 500 ms (fal-js subscribe's default). */
	falStatus?: 'stream' | 'poll';
}

const dispatcher = new Agent({ keepAliveTimeout: 10_000 });

type Auth = { authorization: string };

interface N8nResponse {
	body: unknown;
	statusCode: number;
}
type N8nHttpRequest = (options: Record<string, unknown>) => Promise<N8nResponse>;
/** n8n-core's httpRequest (not in its index; the module every node context's helpers.httpRequest calls). */
const n8nHelper = () => requestHelpers.httpRequest as unknown as N8nHttpRequest;

let transport: 'undici' | 'n8n' = 'undici';

async function json(method: 'GET' | 'POST', url: string, auth: Auth, body?: unknown): Promise<Record<string, unknown>> {
	if (transport === 'n8n') {
		const response = await n8nHelper()({ method, url, headers: auth, body, json: true, returnFullResponse: true, ignoreHttpStatusErrors: true });
		if (response.statusCode >= 300) throw new Error(`${method} ${url}: HTTP ${response.statusCode} ${JSON.stringify(response.body)}`);
		return response.body as Record<string, unknown>;
	}
	const response = await request(url, {
		method,
		dispatcher,
		headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const parsed = (await response.body.json()) as Record<string, unknown>;
	if (response.statusCode >= 300) throw new Error(`${method} ${url}: HTTP ${response.statusCode} ${JSON.stringify(parsed)}`);
	return parsed;
}

async function download(url: string): Promise<Buffer> {
	if (transport === 'n8n') {
		const response = await n8nHelper()({ method: 'GET', url, encoding: 'arraybuffer', json: false, returnFullResponse: true, ignoreHttpStatusErrors: true });
		if (response.statusCode !== 200) throw new Error(`GET ${url}: HTTP ${response.statusCode}`);
		return Buffer.from(response.body as ArrayBuffer);
	}
	const response = await request(url, { method: 'GET', dispatcher });
	const chunks: Buffer[] = [];
	for await (const chunk of response.body) chunks.push(chunk as Buffer);
	if (response.statusCode !== 200) throw new Error(`GET ${url}: HTTP ${response.statusCode}`);
	return Buffer.concat(chunks);
}

/** Reads the status stream until COMPLETED (fal-js: eventsource-parser, JSON.parse of each event's data). */
async function streamUntilCompleted(url: string, auth: Auth): Promise<Record<string, unknown>> {
	let statusCode: number;
	let body: AsyncIterable<unknown>;
	if (transport === 'n8n') {
		const response = await n8nHelper()({ method: 'GET', url, headers: { ...auth, accept: 'text/event-stream' }, encoding: 'stream', json: false, returnFullResponse: true, ignoreHttpStatusErrors: true });
		({ statusCode } = response);
		body = response.body as AsyncIterable<unknown>;
	} else {
		const response = await request(url, { method: 'GET', dispatcher, headers: { ...auth, accept: 'text/event-stream' } });
		({ statusCode } = response);
		body = response.body;
	}
	if (statusCode !== 200) throw new Error(`GET ${url}: HTTP ${statusCode}`);
	let completed: Record<string, unknown> | undefined;
	const parser = createParser((event) => {
		if (event.type !== 'event') return;
		const status = JSON.parse(event.data) as Record<string, unknown>;
		if (status.status === 'COMPLETED') completed = status;
	});
	// Read to the end as fal-js does (the server ends the response after COMPLETED; the connection is then reused).
	for await (const chunk of body) parser.feed((chunk as Buffer).toString('utf8'));
	if (!completed) throw new Error(`GET ${url}: the stream ended without COMPLETED`);
	return completed;
}

/** fal, inside a slot: submit, then learn of completion (stream or 500 ms polls). */
async function runFalJob(info: EmulatorInfo, input: Record<string, unknown>, mode: 'stream' | 'poll'): Promise<{ requestId: string; polls: number; streams: number }> {
	const auth = { authorization: `Key ${info.keys.fal}` };
	const submitted = await json('POST', `${info.urls.falQueue}/fal-ai/sam-3/image`, auth, input);
	const requestId = String(submitted.request_id);
	const base = `${info.urls.falQueue}/fal-ai/sam-3/requests/${requestId}`;
	if (mode === 'stream') {
		const done = await streamUntilCompleted(`${base}/status/stream?logs=1`, auth);
		if (done.error) throw new Error(`job failed: ${String(done.error)}`);
		return { requestId, polls: 0, streams: 1 };
	}
	for (let polls = 1; ; polls++) {
		const status = await json('GET', `${base}/status?logs=1`, auth);
		if (status.status === 'COMPLETED') {
			if (status.error) throw new Error(`job failed: ${String(status.error)}`);
			return { requestId, polls, streams: 0 };
		}
		await sleep(FAL_CLIENT_POLL_MS);
	}
}

/** fal, after the slot: the result, then every file. */
async function fetchFalFiles(info: EmulatorInfo, requestId: string): Promise<Buffer[]> {
	const output = (await json('GET', `${info.urls.falQueue}/fal-ai/sam-3/requests/${requestId}`, { authorization: `Key ${info.keys.fal}` })) as unknown as FalOutput;
	return await Promise.all([...output.masks, ...(output.image ? [output.image] : [])].map(async (file) => await download(file.url)));
}

const RUNFLOW_TERMINAL = ['succeeded', 'failed', 'canceled', 'cancelled', 'partial_succeeded'];

/** Runflow, inside a slot: create, then GET every 2 s until terminal. */
async function runRunflowJob(info: EmulatorInfo, input: Record<string, unknown>): Promise<{ run: Record<string, unknown>; polls: number }> {
	const auth = { authorization: `Bearer ${info.keys.runflow}` };
	let run = await json('POST', `${info.urls.runflow}/v1/models/meta/sam-3/image/runs`, auth, { input });
	let polls = 0;
	while (!RUNFLOW_TERMINAL.includes(String(run.status_code))) {
		await sleep(RUNFLOW_SDK_POLL_MS);
		run = await json('GET', `${info.urls.runflow}/v1/runs/${String(run.id)}`, auth);
		polls++;
	}
	if (run.status_code !== 'succeeded') throw new Error(`run failed: ${String(run.failure_message)}`);
	return { run, polls };
}

interface ItemResult {
	files: Buffer[];
	polls: number;
	streams: number;
}

async function runItem(info: EmulatorInfo, input: Record<string, unknown>, limit: pLimit.Limit, options: RawClientOptions): Promise<ItemResult> {
	if (options.provider === 'runflow') {
		const { run, polls } = await limit(async () => await runRunflowJob(info, input));
		const outputs = ((run.output as { outputs?: FalFile[] } | null)?.outputs ?? []) as FalFile[];
		return { files: await Promise.all(outputs.map(async (file) => await download(file.url))), polls, streams: 0 };
	}
	const { requestId, polls, streams } = await limit(async () => await runFalJob(info, input, options.falStatus ?? 'stream'));
	return { files: await fetchFalFiles(info, requestId), polls, streams };
}

/** Runs `items` jobs with at most `concurrency` at once, like the node's Max Concurrent Jobs. */
export async function runRawClient(info: EmulatorInfo, inputs: Record<string, unknown>[], concurrency: number, options: RawClientOptions = {}): Promise<RawRunStats> {
	const limit = pLimit(concurrency);
	transport = options.transport ?? 'undici';
	const results = await Promise.all(inputs.map(async (input) => await runItem(info, input, limit, options)));
	return {
		items: results.length,
		polls: results.reduce((sum, r) => sum + r.polls, 0),
		streams: results.reduce((sum, r) => sum + r.streams, 0),
		downloadedBytes: results.reduce((sum, r) => sum + r.files.reduce((s, f) => s + f.length, 0), 0),
	};
}
