/**
 * The one reader of every byte stream the node takes in: JSON answers, error bodies, downloads, image headers and
 * fal's status stream. n8n's request helper hands axios `maxContentLength: -1` and takes no option to change it
 * (n8n-core request-helper-functions, convertN8nRequestToAxios), so answers are fetched as streams
 * (`encoding: 'stream'`) and read here, within every bound at once:
 * - bytes: counted as they arrive; the read stops the moment the cap is crossed, nothing past it is kept;
 * - the declared size: a Content-Length over the cap is refused before a byte of the body is read;
 * - idle time: no byte from the source for `idleMs` (time the consumer takes to store a chunk does not count);
 * - the deadline: a point in time (the job's Max Wait); the read ends when it passes, whatever is in flight;
 * - the signal: a stop or the batch failing.
 * Three ways to read: all of it (`readAll`), its first bytes (`readHead`), or handed on as it arrives
 * (`passThrough`, e.g. into n8n's binary storage). Every way out destroys the body, so no connection outlives a read.
 * One timer per read, the platform's (AbortSignal.timeout): community nodes may not set their own, and it keeps no
 * process alive.
 */

export type ReadEnd =
	/** More bytes than the cap, or a Content-Length over it (then nothing was read). */
	| 'too_large'
	/** No byte for `idleMs`: the source stalled. */
	| 'idle'
	/** The deadline (Max Wait) passed. */
	| 'deadline'
	/** The signal aborted. */
	| 'stopped'
	/** The connection broke or closed before the body ended. */
	| 'broken';

export type ReadCut = { ok: false; why: ReadEnd; error?: unknown };
export type BytesRead = { ok: true; bytes: Buffer } | ReadCut;
export type PassedOn<T> = { ok: true; value: T; bytes: number } | ReadCut;

export interface ReadBounds {
	/** The most bytes the body may hold (readHead: how many bytes to read at most). */
	limitBytes: number;
	/** The Content-Length header (raw value or number), when the server sent one. */
	declared?: unknown;
	/** Longest silence of the source accepted (ms). */
	idleMs?: number;
	/** The read ends at this time (ms since epoch). */
	deadline?: number;
	signal?: AbortSignal;
}

type Body = {
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	off(event: string, listener: (...args: unknown[]) => void): unknown;
	destroy(error?: Error): void;
	[Symbol.asyncIterator]?: () => AsyncIterator<unknown>;
	constructor: unknown;
};

/** Whether a response body is a stream this module can read (else it is already what the helper parsed). */
export function isStreamBody(stream: unknown): boolean {
	const body = stream as Partial<Body> | undefined;
	return !!body && typeof body.on === 'function' && typeof body.off === 'function' && typeof body.destroy === 'function';
}

/** A Content-Length value as a byte count; undefined when absent or not a whole number. */
export function declaredBytes(value: unknown): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text === 'number') return Number.isSafeInteger(text) && text >= 0 ? text : undefined;
	return typeof text === 'string' && /^\s*\d+\s*$/.test(text) ? Number(text) : undefined;
}

const asBuffer = (chunk: unknown): Buffer => (Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));

/** The longest a platform timer can be set for (about 24.8 days); later points are checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The bounds of one read, watched in one place. `stop` ends the read: the body is destroyed and `cut` resolves
 * with why. `finish` ends it normally (and releases the body too).
 */
class ReadGuard {
	bytes = 0;

	readonly cut: Promise<ReadCut>;

	ended: ReadCut | undefined;

	/** Whether the reader is waiting on the source: idle time counts only then. */
	waiting = true;

	private settled = false;

	private lastByteAt = Date.now();

	private timer: AbortSignal | undefined;

	private resolveCut: (cut: ReadCut) => void = () => {};

	constructor(
		private readonly body: Body,
		private readonly bounds: ReadBounds,
	) {
		this.cut = new Promise((resolve) => (this.resolveCut = resolve));
	}

	/** Checks what is known before reading (declared size, a passed deadline, a stop) and arms the watch. */
	start(checkDeclared: boolean): ReadCut | undefined {
		const { bounds } = this;
		const declared = declaredBytes(bounds.declared);
		if (checkDeclared && declared !== undefined && declared > bounds.limitBytes) this.stop('too_large');
		else if (bounds.signal?.aborted) this.stop('stopped');
		else if (bounds.deadline !== undefined && Date.now() >= bounds.deadline) this.stop('deadline');
		if (this.ended) return this.ended;
		bounds.signal?.addEventListener('abort', this.onStop, { once: true });
		this.arm();
		return undefined;
	}

	/** Notes bytes taken from the source (the source is alive). */
	took(length: number): void {
		this.bytes += length;
		this.lastByteAt = Date.now();
	}

	/** Counts a chunk; false when it crossed the cap (the read is then over). */
	count(length: number): boolean {
		this.took(length);
		if (this.bytes > this.bounds.limitBytes) {
			this.stop('too_large');
			return false;
		}
		return true;
	}

	/** The consumer asks for more: silence counts from now. */
	wait(): void {
		this.waiting = true;
		this.lastByteAt = Date.now();
	}

	stop(why: ReadEnd, error?: unknown): void {
		if (this.settled) return;
		this.ended = { ok: false, why, ...(error === undefined ? {} : { error }) };
		this.release();
		this.resolveCut(this.ended);
	}

	finish(): void {
		if (!this.settled) this.release();
	}

	private release(): void {
		this.settled = true;
		this.timer?.removeEventListener('abort', this.onTimer);
		this.bounds.signal?.removeEventListener('abort', this.onStop);
		this.body.destroy();
	}

	private readonly onStop = () => this.stop('stopped');

	/** One timer at a time, set for the nearer of the idle limit and the deadline; re-armed when it fires early. */
	private arm(): void {
		const { idleMs, deadline } = this.bounds;
		const at = Math.min(idleMs === undefined ? Infinity : this.lastByteAt + idleMs, deadline ?? Infinity);
		if (at === Infinity) return;
		this.timer = AbortSignal.timeout(Math.min(MAX_TIMER_MS, Math.max(1, at - Date.now())));
		this.timer.addEventListener('abort', this.onTimer, { once: true });
	}

	private readonly onTimer = () => {
		if (this.settled) return;
		const now = Date.now();
		const { idleMs, deadline } = this.bounds;
		if (deadline !== undefined && now >= deadline) return this.stop('deadline');
		if (!this.waiting) this.lastByteAt = now;
		else if (idleMs !== undefined && now - this.lastByteAt >= idleMs) return this.stop('idle');
		this.arm();
	};
}

/**
 * Reads bytes through the stream's own events (a promise per chunk costs more CPU than a small answer is worth)
 * until `enough` says so, the body ends, or a bound ends the read.
 */
async function collect(stream: unknown, bounds: ReadBounds, mode: 'all' | 'head', enough?: (head: Buffer) => boolean): Promise<BytesRead> {
	const body = stream as Body;
	const guard = new ReadGuard(body, bounds);
	const early = guard.start(mode === 'all');
	if (early) return early;
	const chunks: Buffer[] = [];
	let done = false;
	// A predicate that throws (a parser meeting odd bytes) has seen enough: the caller parses the head and hears why.
	const enoughIn = (head: Buffer[]) => {
		try {
			return enough?.(Buffer.concat(head)) === true;
		} catch {
			return true;
		}
	};
	const read = new Promise<void>((resolve) => {
		const finish = () => {
			body.off('data', onData);
			body.off('end', onEnd);
			body.off('error', onError);
			body.off('close', onClose);
			// Released at once, inside the stream's own event: a flowing stream would otherwise read on without a listener.
			guard.finish();
			resolve();
		};
		const onData = (chunk: unknown) => {
			const bytes = asBuffer(chunk);
			if (mode === 'head') {
				const room = bounds.limitBytes - guard.bytes;
				chunks.push(bytes.length > room ? bytes.subarray(0, room) : bytes);
				guard.took(Math.min(bytes.length, room));
				if (guard.bytes >= bounds.limitBytes || enoughIn(chunks)) {
					done = true;
					finish();
				}
				return;
			}
			if (!guard.count(bytes.length)) return finish();
			chunks.push(bytes);
		};
		const onEnd = () => {
			done = true;
			finish();
		};
		const onError = (error: unknown) => {
			guard.stop('broken', error);
			finish();
		};
		const onClose = () => {
			guard.stop('broken', new Error('the connection closed before the answer ended'));
			finish();
		};
		body.on('data', onData);
		body.on('end', onEnd);
		body.on('error', onError);
		body.on('close', onClose);
		void guard.cut.then(finish);
	});
	await read;
	if (!done && guard.ended) return guard.ended;
	return { ok: true, bytes: Buffer.concat(chunks) };
}

/** Reads a whole body within its bounds: every byte or a cut, never more than `limitBytes` held. */
export async function readAll(stream: unknown, bounds: ReadBounds): Promise<BytesRead> {
	return await collect(stream, bounds, 'all');
}

/**
 * Reads the first bytes of a body — at most `limitBytes`, fewer once `enough` says the head holds what is needed —
 * and releases the connection: the rest is never fetched. A body shorter than the limit is read whole. The
 * declared size does not matter here (a large file's head is as good as a small one's).
 */
export async function readHead(stream: unknown, bounds: ReadBounds & { enough?: (head: Buffer) => boolean }): Promise<BytesRead> {
	return await collect(stream, bounds, 'head', bounds.enough);
}

/** What a pass-through consumer is handed. */
export interface PassingBody {
	/** The body's chunks, counted and timed as they are taken; they fail with the cut when a bound ends the read. */
	chunks: AsyncIterable<Buffer>;
	/** A readable stream of these chunks (the response's own stream class: no node:stream import, which verified nodes may not make). */
	asStream(chunks: AsyncIterable<Buffer>): NodeJS.ReadableStream;
}

/** A chunk iterator ended by a bound. */
class ReadCutError extends Error {
	constructor(readonly cut: ReadCut) {
		super(`the read was cut: ${cut.why}`);
	}
}

/**
 * Hands a body on as it arrives: `consume` takes its chunks (e.g. into n8n's binary storage) while every bound
 * holds. When one is crossed the body is destroyed, the chunks fail, and the cut is the answer at once (whatever
 * the consumer still does with what it had is abandoned). An error of the consumer's own is thrown, after the body
 * is released. The connection never outlives the call.
 */
export async function passThrough<T>(stream: unknown, bounds: ReadBounds, consume: (body: PassingBody) => Promise<T>): Promise<PassedOn<T>> {
	const body = stream as Body;
	const guard = new ReadGuard(body, bounds);
	const early = guard.start(true);
	if (early) return early;
	const source = (body as unknown as AsyncIterable<unknown>)[Symbol.asyncIterator]();
	async function* chunks(): AsyncGenerator<Buffer> {
		for (;;) {
			guard.wait();
			const next = await Promise.race([
				source.next().then(
					(result) => result,
					(error: unknown) => {
						guard.stop('broken', error);
						return guard.ended!;
					},
				),
				guard.cut,
			]);
			guard.waiting = false;
			if ('ok' in next) throw new ReadCutError(next);
			if (next.done) return;
			const bytes = asBuffer(next.value);
			if (!guard.count(bytes.length)) throw new ReadCutError(guard.ended!);
			yield bytes;
		}
	}
	const streamClass = body.constructor as { from(iterable: AsyncIterable<Buffer>): NodeJS.ReadableStream };
	// Each outcome notes whether a bound had ended the read by then: a consumer that was done first keeps its result.
	const consumed = consume({ chunks: chunks(), asStream: (iterable) => streamClass.from(iterable) }).then(
		(value) => ({ value, cut: guard.ended }),
		(error: unknown) => ({ error, cut: guard.ended }),
	);
	const outcome = await Promise.race([consumed, guard.cut]);
	guard.finish();
	// A source iterator left pending settles as the destroyed body ends it.
	void source.return?.(undefined)?.catch(() => {});
	if ('ok' in outcome) return outcome;
	if (outcome.cut) return outcome.cut;
	if ('error' in outcome) {
		if (outcome.error instanceof ReadCutError) return outcome.error.cut;
		throw outcome.error;
	}
	return { ok: true, value: outcome.value, bytes: guard.bytes };
}
