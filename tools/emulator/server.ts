/**
 * The one HTTP server: path-prefixed virtual hosts, the request log, fault injection and writing replies.
 * node:http (not a framework) because faults need the socket: resets, stalls, dribbled bodies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rewriteReply, statusFaultReply, type FaultRegistry } from './faults';
import type { RequestLog } from './log';
import type { EventFeed, Fault, IncomingCall, LogEntry, Reply, Route, VirtualHost } from './types';

export const EMULATOR_HEADER = 'x-emulator';
export const EMULATOR_HEADER_VALUE = 'n8n-nodes-sam3 test double';

export interface VirtualHostModule {
	resolve(call: IncomingCall): Route | undefined;
	notFound(call: IncomingCall): Reply;
	/** Last touch on every reply of this host (e.g. fal's x-fal-request-id). */
	decorate?(reply: Reply, call: IncomingCall): Reply;
}

export interface ServerParts {
	hosts: Partial<Record<VirtualHost, VirtualHostModule>>;
	/** /__emulator/ controls: not logged, never faulted. */
	control: (call: IncomingCall) => Promise<Reply>;
	log: RequestLog;
	faults: FaultRegistry;
}

const PREFIXES: Array<[string, VirtualHost]> = [
	['/fal-run', 'fal-run'],
	['/fal-queue', 'fal-queue'],
	['/fal-rest', 'fal-rest'],
	['/runflow', 'runflow'],
	['/files', 'files'],
	['/__emulator', 'control'],
];

const MAX_BODY_BYTES = 200 * 1024 * 1024;

export function splitVirtualHost(pathname: string): { vhost: VirtualHost; path: string } {
	for (const [prefix, vhost] of PREFIXES) {
		if (pathname === prefix || pathname.startsWith(prefix + '/')) {
			return { vhost, path: pathname.slice(prefix.length) || '/' };
		}
	}
	return { vhost: 'unknown', path: pathname };
}

async function readCall(req: IncomingMessage): Promise<IncomingCall> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY_BYTES) throw new Error('body too large');
		chunks.push(chunk as Buffer);
	}
	const rawBody = Buffer.concat(chunks);
	const url = new URL(req.url ?? '/', 'http://emulator.invalid');
	const { vhost, path } = splitVirtualHost(url.pathname);
	const call: IncomingCall = { method: req.method ?? 'GET', url, path, vhost, headers: req.headers, rawBody };
	const contentType = String(req.headers['content-type'] ?? '');
	const looksJson = contentType.includes('json') || (!contentType && /^\s*[[{]/.test(rawBody.subarray(0, 16).toString()));
	if (rawBody.length > 0 && looksJson) {
		try {
			call.json = JSON.parse(rawBody.toString('utf8'));
		} catch (error) {
			call.jsonError = (error as Error).message;
		}
	}
	return call;
}

function serialize(reply: Reply): { headers: Record<string, string>; body: Buffer } {
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k.toLowerCase()] = v;
	let body: Buffer;
	if (reply.body === undefined) body = Buffer.alloc(0);
	else if (Buffer.isBuffer(reply.body)) body = reply.body;
	else if (typeof reply.body === 'string') body = Buffer.from(reply.body);
	else {
		body = Buffer.from(JSON.stringify(reply.body));
		headers['content-type'] ??= 'application/json';
	}
	headers[EMULATOR_HEADER] = EMULATOR_HEADER_VALUE;
	return { headers, body };
}

/** Resolves after `ms` or as soon as the response's connection closes (so stalls never leak). */
function waitOrClose(res: ServerResponse, ms: number): Promise<void> {
	return new Promise((resolve) => {
		if (res.destroyed || res.socket?.destroyed) return resolve();
		const done = () => {
			clearTimeout(timer);
			res.off('close', done);
			resolve();
		};
		const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
		res.on('close', done);
	});
}

/**
 * A `text/event-stream` answer: `data: <json>` + blank line per event, the end after the last; the stream
 * faults drop, stall or corrupt it. Resolves when the response is over (ended, dropped or the client gone).
 */
function writeEvents(res: ServerResponse, status: number, headers: Record<string, string>, feed: EventFeed, fault?: Fault, entry?: LogEntry): Promise<void> {
	res.writeHead(status, headers);
	res.flushHeaders();
	const afterEvents = fault && 'afterEvents' in fault ? (fault.afterEvents ?? 0) : 0;
	let sent = 0;
	let stalled = false;
	let malformedSent = false;
	let dropping = false;
	// Destroyed once what was written is out, so the client sees exactly `afterEvents` events, then the break.
	const drop = () => {
		dropping = true;
		if (res.socket) res.socket.write('', () => res.destroy());
		else res.destroy();
	};
	const checkpoint = () => {
		if (fault?.kind === 'streamDrop' && sent >= afterEvents) drop();
		if (fault?.kind === 'streamStall' && sent >= afterEvents) stalled = true;
	};
	return new Promise((resolve) => {
		let stop = () => {};
		res.once('close', () => {
			stop();
			resolve();
		});
		checkpoint();
		if (dropping) return;
		stop = feed.open(
			(data) => {
				if (stalled || dropping || res.destroyed) return;
				if (fault?.kind === 'streamMalformed' && !malformedSent && sent >= afterEvents) {
					malformedSent = true;
					res.write(`data: ${data.slice(0, Math.ceil(data.length / 2))}\n\n`);
				}
				res.write(`data: ${data}\n\n`);
				sent++;
				if (entry) entry.events = sent;
				checkpoint();
			},
			() => {
				if (!stalled && !dropping && !res.destroyed) res.end();
			},
		);
	});
}

async function writeReply(res: ServerResponse, call: IncomingCall, reply: Reply, fault?: Fault, entry?: LogEntry): Promise<void> {
	const { headers, body: fullBody } = serialize(reply);
	let body = fullBody;
	if (fault?.kind === 'malformedJson') {
		body = fullBody.length > 2 ? fullBody.subarray(0, Math.floor(fullBody.length / 2)) : Buffer.from('{"status": ');
		headers['content-type'] = 'application/json';
	}
	if (fault?.kind === 'slowResponse') await waitOrClose(res, fault.delayMs);
	if (fault?.kind === 'reset' || res.destroyed) {
		res.socket?.destroy();
		return;
	}
	if (reply.events) return writeEvents(res, reply.status, headers, reply.events, fault, entry);
	if (fault?.kind === 'hugeJson') return writeHugeJson(res, reply, headers, body, fault, entry);
	if (fault?.kind === 'hugeFile' && reply.status === 200) return writeHugeFile(res, call, reply, headers, body, fault, entry);
	headers['content-length'] = String(body.length);
	res.writeHead(reply.status, headers);
	if (call.method === 'HEAD') return void res.end();
	if (fault?.kind !== 'slowBody' || body.length === 0) return void res.end(body);
	// Headers and a first piece go out, then the rest stalls or dribbles.
	const first = Math.max(1, Math.floor(body.length / 4));
	res.write(body.subarray(0, first));
	if (fault.dribbleMs !== undefined) {
		for (let i = first; i < body.length; i += 16) {
			await waitOrClose(res, fault.dribbleMs);
			if (res.destroyed) return;
			res.write(body.subarray(i, i + 16));
		}
	} else {
		await waitOrClose(res, fault.stallMs ?? Infinity);
		if (res.destroyed) return;
		res.write(body.subarray(first));
	}
	res.end();
}

/**
 * The answer's JSON object with a `padding` string field that makes the whole about `fault.bytes` long, written in
 * 64 KiB pieces as the client takes them; stops when the client hangs up.
 */
async function writeHugeJson(
	res: ServerResponse,
	reply: Reply,
	headers: Record<string, string>,
	body: Buffer,
	fault: Extract<Fault, { kind: 'hugeJson' }>,
	entry?: LogEntry,
): Promise<void> {
	const text = body.toString('utf8').trim();
	const object = text.startsWith('{') && text.endsWith('}') ? text.slice(0, -1) : '{"answer":' + (text || 'null');
	const head = Buffer.from(`${object}${object.length > 1 ? ',' : ''}"padding":"`);
	const tail = Buffer.from('"}');
	const padding = Math.max(0, fault.bytes - head.length - tail.length);
	headers['content-type'] = 'application/json';
	if (fault.declareLength) headers['content-length'] = String(head.length + padding + tail.length);
	res.writeHead(reply.status, headers);
	const piece = Buffer.alloc(64 * 1024, 'a');
	if (entry) entry.sentBytes = 0;
	const write = async (chunk: Buffer) => {
		if (res.destroyed) return;
		if (entry) entry.sentBytes = (entry.sentBytes ?? 0) + chunk.length;
		if (!res.write(chunk)) {
			await new Promise<void>((resolve) => {
				const done = () => {
					res.off('drain', done);
					res.off('close', done);
					resolve();
				};
				res.on('drain', done);
				res.on('close', done);
			});
		}
	};
	await write(head);
	for (let left = padding; left > 0 && !res.destroyed; left -= piece.length) await write(left >= piece.length ? piece : piece.subarray(0, left));
	if (!res.destroyed) res.end(tail);
}

/** Writes `chunk`, waiting for the socket to drain (or close) when it is full; counts what went out. */
async function writeDrained(res: ServerResponse, chunk: Buffer, entry?: LogEntry): Promise<void> {
	if (res.destroyed) return;
	if (entry) entry.sentBytes = (entry.sentBytes ?? 0) + chunk.length;
	if (res.write(chunk)) return;
	await new Promise<void>((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

/** A file's bytes then zeros, `fault.bytes` in all, in 64 KiB pieces; stops when the client hangs up. */
async function writeHugeFile(
	res: ServerResponse,
	call: IncomingCall,
	reply: Reply,
	headers: Record<string, string>,
	body: Buffer,
	fault: Extract<Fault, { kind: 'hugeFile' }>,
	entry?: LogEntry,
): Promise<void> {
	if (fault.declareLength) headers['content-length'] = String(Math.max(fault.bytes, body.length));
	res.writeHead(reply.status, headers);
	if (call.method === 'HEAD') return void res.end();
	if (entry) entry.sentBytes = 0;
	await writeDrained(res, body, entry);
	const piece = Buffer.alloc(64 * 1024);
	for (let left = fault.bytes - body.length; left > 0 && !res.destroyed; left -= piece.length) await writeDrained(res, left >= piece.length ? piece : piece.subarray(0, left), entry);
	if (!res.destroyed) res.end();
}

/** What a server answers for a route it does not have (404) or a method it does not take there (405). */
function notOffered(status: 404 | 405): Reply {
	if (status === 404) return { status, body: { detail: 'Not Found' } };
	return { status, body: { detail: 'Method Not Allowed' } };
}

async function handle(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const call = await readCall(req);
	if (call.vhost === 'control') {
		return writeReply(res, call, await parts.control(call));
	}
	const host = parts.hosts[call.vhost];
	const route = host?.resolve(call);
	const entry = parts.log.record(call, route?.name ?? null);
	if (route) res.once('close', parts.log.opened(route.name));
	const decorate = (reply: Reply) => (host?.decorate ? host.decorate(reply, call) : reply);
	if (!host || !route) {
		const reply = host ? host.notFound(call) : { status: 404, body: 'Not found' };
		entry.status = reply.status;
		return writeReply(res, call, decorate(reply));
	}
	const fault = parts.faults.take(route.name);
	if (fault) entry.fault = fault.kind;
	if (fault?.kind === 'hang' && !fault.afterHandling) return; // the request is never answered; close() ends it
	if (fault?.kind === 'reset' && !fault.afterHandling) {
		req.socket.destroy();
		return;
	}
	let reply: Reply;
	if (fault?.kind === 'status' && !fault.afterHandling) reply = statusFaultReply(call.vhost, fault);
	else if (fault?.kind === 'redirect') reply = { status: fault.status ?? 302, headers: { location: fault.location } };
	else if (fault?.kind === 'streamNotOffered') reply = notOffered(fault.status ?? 404);
	else reply = await route.handle(call);
	// After handling: the provider did the work (a job accepted, run, billed); what comes back is lost or wrong.
	if (fault?.kind === 'hang') return;
	if (fault?.kind === 'status') reply = statusFaultReply(call.vhost, fault);
	reply = decorate(reply);
	if (fault?.kind === 'rewrite') reply = rewriteReply(reply, fault);
	entry.status = reply.status;
	return writeReply(res, call, reply, fault, entry);
}

export interface RunningServer {
	server: Server;
	port: number;
	close(): Promise<void>;
}

export async function startServer(parts: ServerParts, port: number, host: string): Promise<RunningServer> {
	const server = createServer((req, res) => {
		handle(parts, req, res).catch((error: Error) => {
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, { 'content-type': 'text/plain', [EMULATOR_HEADER]: EMULATOR_HEADER_VALUE });
				res.end(`emulator error: ${error.message}`);
			} else res.destroy();
		});
	});
	server.keepAliveTimeout = 5_000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve());
	});
	return {
		server,
		port: (server.address() as AddressInfo).port,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
