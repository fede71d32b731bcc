/**
 * The one bounded reader (transport/bounded-reader.ts) on its own: each bound ends the read for the reason it names,
 * nothing is kept past the cap, and every way out releases the body (a stream destroyed; over HTTP, the server sees
 * its response closed). No timing is asserted: silences are sources that never send, and what must not be cut gets
 * bounds far beyond what it needs.
 */
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

import { declaredBytes, passThrough, readAll, readHead } from '../../nodes/Sam3/transport/bounded-reader';

const KiB = 1024;

/** A source that hands out `count` chunks of `size` bytes as they are asked for (Infinity: never ends); counts what it gave. */
function source(size: number, count = Infinity): Readable & { given: number } {
	const stream = new Readable({
		read() {
			if (stream.given >= size * count) return void this.push(null);
			stream.given += size;
			this.push(Buffer.alloc(size, 1));
		},
	}) as Readable & { given: number };
	stream.given = 0;
	return stream;
}

/** A source that never sends a byte (a stalled connection). */
const silent = () => new Readable({ read() {} });

/** A source that sends a small chunk every `everyMs` for ever (a trickle), and whether it is still being read. */
function trickle(everyMs: number): Readable {
	let timer: NodeJS.Timeout | undefined;
	const stream = new Readable({
		read() {
			timer ??= setInterval(() => stream.push(Buffer.alloc(16, 2)), everyMs);
		},
		destroy(error, callback) {
			clearInterval(timer);
			callback(error);
		},
	});
	return stream;
}

describe('readAll', () => {
	it('reads a whole body and releases it', async () => {
		const body = source(4 * KiB, 3);
		const read = await readAll(body, { limitBytes: 64 * KiB, declared: '12288', idleMs: 60_000 });
		expect(read).toEqual({ ok: true, bytes: Buffer.alloc(12 * KiB, 1) });
		expect(body.destroyed).toBe(true);
	});

	it('a Content-Length over the cap: refused as too large before a byte is read', async () => {
		const body = source(4 * KiB);
		const read = await readAll(body, { limitBytes: 64 * KiB, declared: String(65 * KiB) });
		expect(read).toMatchObject({ ok: false, why: 'too_large' });
		expect(body.given).toBe(0);
		expect(body.destroyed).toBe(true);
	});

	it('a body that grows past the cap (no Content-Length): cut the moment it is crossed', async () => {
		const body = source(4 * KiB);
		const read = await readAll(body, { limitBytes: 64 * KiB });
		expect(read).toMatchObject({ ok: false, why: 'too_large' });
		// What the stream had buffered ahead (its highWaterMark) at most: never read on to the end.
		expect(body.given).toBeLessThan(64 * KiB + 32 * KiB);
		expect(body.destroyed).toBe(true);
	});

	it('a source that stops sending: ended as idle, released', async () => {
		const body = silent();
		expect(await readAll(body, { limitBytes: KiB, idleMs: 50 })).toMatchObject({ ok: false, why: 'idle' });
		expect(body.destroyed).toBe(true);
	});

	it('a trickle that never idles: ended at the deadline, whatever is in flight', async () => {
		const body = trickle(5);
		const read = await readAll(body, { limitBytes: 64 * KiB * KiB, idleMs: 600_000, deadline: Date.now() + 200 });
		expect(read).toMatchObject({ ok: false, why: 'deadline' });
		expect(body.destroyed).toBe(true);
	});

	it('a deadline already past: nothing is read', async () => {
		const body = source(KiB);
		expect(await readAll(body, { limitBytes: 64 * KiB, deadline: Date.now() - 1 })).toMatchObject({ ok: false, why: 'deadline' });
		expect(body.given).toBe(0);
		expect(body.destroyed).toBe(true);
	});

	it('a stop (the signal) ends the read; a signal aborted before reads nothing', async () => {
		const stop = new AbortController();
		const body = silent();
		const reading = readAll(body, { limitBytes: KiB, signal: stop.signal });
		stop.abort();
		expect(await reading).toMatchObject({ ok: false, why: 'stopped' });
		expect(body.destroyed).toBe(true);
		const untouched = source(KiB);
		expect(await readAll(untouched, { limitBytes: KiB, signal: AbortSignal.abort() })).toMatchObject({ ok: false, why: 'stopped' });
		expect(untouched.given).toBe(0);
	});

	it('a connection that breaks mid-body: broken, with its error', async () => {
		const body = silent();
		const reading = readAll(body, { limitBytes: KiB, idleMs: 60_000 });
		body.push(Buffer.from('{"status":'));
		body.destroy(new Error('socket hang up'));
		expect(await reading).toMatchObject({ ok: false, why: 'broken', error: expect.objectContaining({ message: 'socket hang up' }) });
	});
});

describe('readHead', () => {
	it('the first bytes only, however large the body says it is; released after them', async () => {
		const body = source(4 * KiB);
		const head = await readHead(body, { limitBytes: 10 * KiB, declared: String(2 * KiB * KiB * KiB), idleMs: 60_000 });
		expect(head.ok && head.bytes.length).toBe(10 * KiB);
		expect(body.destroyed).toBe(true);
	});

	it('stops as soon as the head holds enough; a short body is read whole', async () => {
		const body = source(KiB);
		const head = await readHead(body, { limitBytes: 64 * KiB, enough: (bytes) => bytes.length >= 3 * KiB });
		expect(head.ok && head.bytes.length).toBe(3 * KiB);
		expect(body.destroyed).toBe(true);
		const short = await readHead(source(KiB, 2), { limitBytes: 64 * KiB });
		expect(short.ok && short.bytes.length).toBe(2 * KiB);
	});

	it('a predicate that throws on odd bytes ends the read with the head it saw', async () => {
		const body = source(KiB);
		const head = await readHead(body, {
			limitBytes: 64 * KiB,
			enough: () => {
				throw new RangeError('odd header');
			},
		});
		expect(head.ok && head.bytes.length).toBe(KiB);
		expect(body.destroyed).toBe(true);
	});

	it('a head that never comes: idle, released', async () => {
		const body = silent();
		expect(await readHead(body, { limitBytes: KiB, idleMs: 50 })).toMatchObject({ ok: false, why: 'idle' });
		expect(body.destroyed).toBe(true);
	});
});

describe('passThrough', () => {
	async function drain(chunks: AsyncIterable<Buffer>): Promise<number> {
		let length = 0;
		for await (const chunk of chunks) length += chunk.length;
		return length;
	}

	it('hands every chunk on, counts them, releases the body', async () => {
		const body = source(8 * KiB, 4);
		const passed = await passThrough(body, { limitBytes: 64 * KiB, idleMs: 60_000 }, async ({ chunks }) => await drain(chunks));
		expect(passed).toEqual({ ok: true, value: 32 * KiB, bytes: 32 * KiB });
		expect(body.destroyed).toBe(true);
	});

	it('into a stream of the body’s own class (what n8n’s binary storage takes)', async () => {
		const body = source(KiB, 2);
		const passed = await passThrough(body, { limitBytes: 64 * KiB }, async ({ chunks, asStream }) => {
			const stream = asStream(chunks);
			expect(stream).toBeInstanceOf(Readable);
			return await drain(stream as AsyncIterable<Buffer>);
		});
		expect(passed).toMatchObject({ ok: true, value: 2 * KiB });
	});

	it('a Content-Length over the cap: refused before the consumer starts', async () => {
		const body = source(KiB);
		const consume = jest.fn(async () => 0);
		expect(await passThrough(body, { limitBytes: 64 * KiB, declared: 600 * KiB * KiB }, consume)).toMatchObject({ ok: false, why: 'too_large' });
		expect(consume).not.toHaveBeenCalled();
		expect(body.given).toBe(0);
		expect(body.destroyed).toBe(true);
	});

	it('past the cap: too large, the consumer’s chunks fail, the body is released', async () => {
		const body = source(4 * KiB);
		let consumerSaw: unknown;
		const passed = await passThrough(body, { limitBytes: 64 * KiB }, async ({ chunks }) => {
			try {
				return await drain(chunks);
			} catch (error) {
				consumerSaw = error;
				throw error;
			}
		});
		expect(passed).toMatchObject({ ok: false, why: 'too_large' });
		expect(consumerSaw).toBeInstanceOf(Error);
		expect(body.destroyed).toBe(true);
	});

	it('a trickle into a consumer: ended at the deadline, released', async () => {
		const body = trickle(5);
		const passed = await passThrough(body, { limitBytes: 64 * KiB * KiB, idleMs: 600_000, deadline: Date.now() + 200 }, async ({ chunks }) => await drain(chunks));
		expect(passed).toMatchObject({ ok: false, why: 'deadline' });
		expect(body.destroyed).toBe(true);
	});

	it('a consumer stuck on its side (not on the source) is cut at the deadline too', async () => {
		const body = source(KiB);
		const passed = await passThrough(body, { limitBytes: 64 * KiB, deadline: Date.now() + 100 }, async () => await new Promise<number>(() => {}));
		expect(passed).toMatchObject({ ok: false, why: 'deadline' });
		expect(body.destroyed).toBe(true);
	});

	it('time the consumer takes to store a chunk is not the source’s silence', async () => {
		const body = source(KiB, 3);
		const passed = await passThrough(body, { limitBytes: 64 * KiB, idleMs: 400 }, async ({ chunks }) => {
			let length = 0;
			for await (const chunk of chunks) {
				length += chunk.length;
				await new Promise((resolve) => setTimeout(resolve, 1_000));
			}
			return length;
		});
		expect(passed).toMatchObject({ ok: true, value: 3 * KiB });
	});

	it('the consumer’s own error is thrown, after the body is released', async () => {
		const body = source(KiB);
		await expect(
			passThrough(body, { limitBytes: 64 * KiB }, async () => {
				throw new TypeError('not a video');
			}),
		).rejects.toThrow('not a video');
		expect(body.destroyed).toBe(true);
	});
});

describe('over HTTP: the connection is released on every way out', () => {
	let server: Server;
	let port: number;
	const closed: string[] = [];
	let answer: (res: ServerResponse) => void = () => {};

	beforeAll(async () => {
		server = createServer((req, res) => {
			res.once('close', () => closed.push(req.url ?? ''));
			answer(res);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		port = (server.address() as AddressInfo).port;
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	const fetchBody = async (path: string) => await new Promise<IncomingMessage>((resolve, reject) => get({ host: '127.0.0.1', port, path }, resolve).on('error', reject));
	const serverClosed = async (path: string) => {
		while (!closed.includes(path)) await new Promise((resolve) => setTimeout(resolve, 10));
	};

	it('a declared size over the cap: the server sees the response closed, barely any of it sent', async () => {
		let sent = 0;
		answer = (res) => {
			res.writeHead(200, { 'content-length': String(512 * KiB * KiB) });
			const piece = Buffer.alloc(64 * KiB);
			const write = () => {
				while (!res.destroyed && sent < 512 * KiB * KiB && res.write(piece)) sent += piece.length;
			};
			res.on('drain', write);
			write();
		};
		const response = await fetchBody('/declared');
		const read = await readAll(response, { limitBytes: KiB * KiB, declared: response.headers['content-length'] });
		expect(read).toMatchObject({ ok: false, why: 'too_large' });
		await serverClosed('/declared');
		expect(sent).toBeLessThan(64 * KiB * KiB);
	});

	it('a trickle past its deadline: the server sees the response closed', async () => {
		let timer: NodeJS.Timeout | undefined;
		answer = (res) => {
			res.writeHead(200);
			timer = setInterval(() => res.write('x'), 5);
			res.once('close', () => clearInterval(timer));
		};
		const response = await fetchBody('/trickle');
		const passed = await passThrough(response, { limitBytes: KiB * KiB, deadline: Date.now() + 200 }, async ({ chunks }) => {
			for await (const chunk of chunks) void chunk;
			return 'ended';
		});
		expect(passed).toMatchObject({ ok: false, why: 'deadline' });
		await serverClosed('/trickle');
	});

	it('a head read: the server sees the response closed once the head is in', async () => {
		answer = (res) => {
			res.writeHead(200);
			res.write(Buffer.alloc(4 * KiB));
		};
		const response = await fetchBody('/head');
		const head = await readHead(response, { limitBytes: KiB, idleMs: 60_000 });
		expect(head.ok && head.bytes.length).toBe(KiB);
		await serverClosed('/head');
	});
});

it('reads a Content-Length as a byte count, and nothing else as one', () => {
	expect([declaredBytes('1024'), declaredBytes(['7']), declaredBytes(5), declaredBytes(undefined), declaredBytes('-1'), declaredBytes('1e9'), declaredBytes('')]).toEqual([
		1024,
		7,
		5,
		undefined,
		undefined,
		undefined,
		undefined,
	]);
});
