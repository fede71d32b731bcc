/**
 * A recording forwarding proxy on 127.0.0.1: the node's credential points its endpoint URLs here
 * (`http://127.0.0.1:PORT/fal-queue` …), each request goes on unchanged to the provider's real host (or to an
 * emulator in the tool's own tests) and each answer comes back unchanged — event streams piece by piece, as they
 * arrive — while a redacted copy is kept: route, status, the headers that matter, the JSON body or the stream's
 * events. The key passes through in memory only (the Authorization header is never recorded, and any echo of it
 * is cut out of what is). Only the configured upstreams are reachable: nothing else can be asked of it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser } from 'eventsource-parser';
import { request } from 'undici';

import { createRedactor, type Redactor } from './redact';

/** The path prefixes the node's credentials use, and the real host each stands for. */
export type Upstreams = Record<string, string>;

export interface Exchange {
	/** What the request was, in the protocol's terms (fal.submit, fal.status.stream, runflow.get …). */
	route: string;
	method: string;
	/** Path below the prefix, ids redacted. */
	path: string;
	status: number;
	headers: Record<string, string>;
	/** The JSON answer (redacted); a non-JSON answer is described instead. */
	body?: unknown;
	/** A `text/event-stream` answer: each event's JSON (redacted), in order. */
	events?: unknown[];
	/** The request's JSON body (redacted), for submits. */
	requestBody?: unknown;
	error?: string;
}

export interface RecordingProxy {
	url: string;
	/** The credential URL for an upstream prefix, e.g. urlFor('fal-queue'). */
	urlFor(prefix: string): string;
	/** Everything recorded since the last take(), oldest first. */
	take(): Exchange[];
	/** Any value redacted as the exchanges are (keys, links, the request ids seen). */
	redact<T>(value: T): T;
	close(): Promise<void>;
}

/** Headers worth keeping: what the node reads, and anything a provider adds under its own names. */
const KEPT_HEADER = /^(content-type|retry-after|x-fal-.*|x-ratelimit-.*|runflow-.*|x-request-id|x-emulator)$/i;
const MAX_REQUEST_BYTES = 100 * 1024 * 1024;
const MAX_RECORDED_BYTES = 8 * 1024 * 1024;

export function routeOf(prefix: string, method: string, path: string): string {
	if (prefix === 'fal-run') return 'fal.sync';
	if (prefix === 'fal-rest') return 'fal.upload';
	if (prefix === 'runflow') {
		if (method === 'POST' && /^\/v1\/models\/.+\/runs$/.test(path)) return 'runflow.create';
		if (method === 'GET' && /^\/v1\/runs\/[^/]+$/.test(path)) return 'runflow.get';
		return `runflow.${path.startsWith('/v1/asset-uploads') ? 'upload' : 'other'}`;
	}
	if (prefix === 'fal-queue') {
		if (/\/requests\/[^/]+\/status\/stream$/.test(path)) return 'fal.status.stream';
		if (/\/requests\/[^/]+\/status$/.test(path)) return 'fal.status';
		if (/\/requests\/[^/]+\/cancel$/.test(path)) return 'fal.cancel';
		if (/\/requests\/[^/]+$/.test(path)) return 'fal.result';
		if (method === 'POST') return 'fal.submit';
	}
	return `${prefix}.other`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_REQUEST_BYTES) throw new Error('request body over 100 MiB');
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

const parseJson = (text: string): unknown => {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
};

/** Ids an answer names (fal request_id, Runflow id): replaced by `<request-id>` in everything recorded. */
function collectIds(body: unknown, headers: Record<string, string>, into: Set<string>): void {
	const id = headers['x-fal-request-id'];
	if (id) into.add(id);
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const { request_id, id: runId } = body as Record<string, unknown>;
		for (const value of [request_id, runId]) if (typeof value === 'string' && value.length >= 6) into.add(value);
	}
}

export async function startRecordingProxy(upstreams: Upstreams, secrets: string[]): Promise<RecordingProxy> {
	const ids = new Set<string>();
	const redact: Redactor = createRedactor(secrets, () => ids);
	let exchanges: Exchange[] = [];

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const incoming = new URL(req.url ?? '/', 'http://proxy.invalid');
		const [, prefix = '', ...rest] = incoming.pathname.split('/');
		const upstream = upstreams[prefix];
		if (!upstream) {
			res.writeHead(404, { 'content-type': 'text/plain' }).end(`no upstream for /${prefix}`);
			return;
		}
		const path = `/${rest.join('/')}`;
		const method = req.method ?? 'GET';
		const route = routeOf(prefix, method, path);
		const body = await readBody(req);
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(req.headers)) {
			if (value === undefined || /^(host|connection|content-length|accept-encoding|keep-alive|transfer-encoding)$/i.test(name)) continue;
			headers[name] = Array.isArray(value) ? value.join(', ') : value;
		}
		const abort = new AbortController();
		res.on('close', () => abort.abort());
		const exchange: Exchange = { route, method, path, status: 0, headers: {} };
		if (method === 'POST' && body.length && /json/i.test(String(req.headers['content-type']))) exchange.requestBody = parseJson(body.toString('utf8'));
		exchanges.push(exchange);
		let answer;
		try {
			answer = await request(`${upstream.replace(/\/+$/, '')}${path}${incoming.search}`, {
				method: method as 'GET',
				headers: { ...headers, 'accept-encoding': 'identity' },
				body: body.length ? body : undefined,
				signal: abort.signal,
			});
		} catch (error) {
			exchange.error = (error as Error).message;
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: upstream unreachable: ${exchange.error}`);
			return;
		}
		exchange.status = answer.statusCode;
		const answerHeaders: Record<string, string> = {};
		for (const [name, value] of Object.entries(answer.headers)) {
			if (value === undefined || /^(connection|keep-alive|transfer-encoding|content-length)$/i.test(name)) continue;
			answerHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
		}
		const kept = Object.fromEntries(Object.entries(answerHeaders).filter(([name]) => KEPT_HEADER.test(name)));
		const streaming = /^text\/event-stream/i.test(answerHeaders['content-type'] ?? '');
		res.writeHead(answer.statusCode, answerHeaders);
		if (streaming) {
			const events: unknown[] = [];
			const parser = createParser((event) => {
				if (event.type === 'event') events.push(parseJson(event.data) ?? { unparsed: event.data.slice(0, 200) });
			});
			let seen = 0;
			try {
				for await (const chunk of answer.body) {
					res.write(chunk);
					seen += (chunk as Buffer).length;
					if (seen <= MAX_RECORDED_BYTES) parser.feed((chunk as Buffer).toString('utf8'));
				}
			} catch (error) {
				exchange.error = `stream ended: ${(error as Error).message}`;
			}
			res.end();
			for (const event of events) collectIds(event, {}, ids);
			exchange.events = events;
		} else {
			const bytes = Buffer.from(await answer.body.arrayBuffer());
			res.end(bytes);
			const text = bytes.subarray(0, MAX_RECORDED_BYTES).toString('utf8');
			const json = /json/i.test(answerHeaders['content-type'] ?? '') || /^\s*[[{]/.test(text.slice(0, 8)) ? parseJson(text) : undefined;
			collectIds(json, kept, ids);
			exchange.body = json !== undefined ? json : { nonJsonAnswer: { contentType: answerHeaders['content-type'] ?? null, bytes: bytes.length } };
		}
		exchange.headers = kept;
	}

	const server = createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy error: ${error.message}`);
			else res.destroy();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		urlFor: (prefix) => `${url}/${prefix}`,
		take: () => {
			const taken = exchanges;
			exchanges = [];
			// Redacted at the end, when every id the answers named is known.
			return taken.map((exchange) => redact.json({ ...exchange, path: exchange.path }));
		},
		redact: (value) => redact.json(value),
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
