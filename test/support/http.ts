/** HTTP helpers for tests that talk to the emulator directly: calls, a callback receiver, polling (images: images.ts). */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface CallResult {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	text: string;
	json: any;
}

export async function call(
	method: string,
	url: string,
	options: { headers?: Record<string, string>; json?: unknown; body?: Buffer | string } = {},
): Promise<CallResult> {
	const headers = { ...(options.headers ?? {}) };
	let body = options.body;
	if (options.json !== undefined) {
		body = JSON.stringify(options.json);
		headers['content-type'] ??= 'application/json';
	}
	const response = await request(url, { method: method as 'GET', headers, body });
	const buffer = Buffer.from(await response.body.arrayBuffer());
	const text = buffer.toString('utf8');
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.statusCode, headers: response.headers, body: buffer, text, json };
}

export const falAuth = (key: string) => ({ authorization: `Key ${key}` });
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export interface Received {
	headers: IncomingHttpHeaders;
	body: string;
}

/** A webhook/callback receiver on 127.0.0.1:0 answering the given statuses in turn (then 200). */
export async function startReceiver(statuses: number[] = []) {
	const received: Received[] = [];
	const answers = [...statuses];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(answers.shift() ?? 200).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 20): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error('waitFor: timed out');
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}
