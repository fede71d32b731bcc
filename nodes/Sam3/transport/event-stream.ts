/**
 * Server-sent events (`text/event-stream`) read from a response body, for fal's queue status stream. No runtime
 * dependency: the framing is the WHATWG rule — `data:` lines joined by "\n", an event dispatched at a blank line,
 * `:` comments and other fields ignored, CR / LF / CRLF line ends. What fal sends was verified in fal-js 1.10.1
 * (it feeds the same framing to eventsource-parser and JSON-parses each event's data); see
 * notes/fal-status-stream.md for the sources and what stays assumed.
 */

import { MAX_STREAM_EVENT_BYTES } from '../limits';

/** Why reading stopped. */
export type StreamEnd =
	/** The consumer had what it needed (e.g. COMPLETED). */
	| 'done'
	/** The server closed the stream. */
	| 'ended'
	/** No event within the quiet bound: the stream may be stalled. */
	| 'quiet'
	/** The caller's deadline (Max Wait) passed. */
	| 'deadline'
	/** An event's data was not JSON. */
	| 'malformed'
	/** The connection broke mid-stream. */
	| 'dropped'
	/** The signal aborted (a stop, the batch failing). */
	| 'stopped';

export interface StreamBounds {
	/** Longest silence accepted between events (ms). */
	quietMs: number;
	/** Give up at this time (ms since epoch). */
	deadline: number;
	signal?: AbortSignal;
}

type Body = AsyncIterable<Buffer | string> & { destroy?: (error?: Error) => void };

/** Splits a body into event data strings. */
export async function* eventData(body: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
	const decoder = new TextDecoder();
	let pending = '';
	let data: string[] = [];
	for await (const chunk of body) {
		pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
		// A CR at the very end may be the first half of a CRLF: keep it for the next chunk.
		const lines = pending.split(/\r\n|\r(?!$)|\n/);
		pending = lines.pop() ?? '';
		// A stream that never ends a line or an event would grow without bound: treated as broken (polling takes over).
		if (pending.length + data.reduce((sum, line) => sum + line.length, 0) > MAX_STREAM_EVENT_BYTES) {
			throw new Error(`a status event is larger than ${MAX_STREAM_EVENT_BYTES} bytes`);
		}
		for (const line of lines) {
			if (line === '') {
				if (data.length) yield data.join('\n');
				data = [];
			} else if (line.startsWith('data:')) {
				data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
			}
		}
	}
}

/**
 * One event's data as JSON values. fal sends one JSON object per event; one public client reports successive
 * `data:` lines without the blank line between them, which the framing joins into one event: then each line is
 * read on its own. undefined when the data is not JSON either way.
 */
export function parseEventJson(data: string): unknown[] | undefined {
	const whole = tryJson(data);
	if (whole.ok) return [whole.value];
	const parts = data.split('\n').map(tryJson);
	return parts.every((part) => part.ok) ? parts.map((part) => (part as { value: unknown }).value) : undefined;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false };
	}
}

/**
 * Reads JSON events from a stream until `onEvent` returns true, the stream ends or breaks, an event is not JSON,
 * nothing arrives for `quietMs`, the deadline passes or the signal aborts. The body is always destroyed on return,
 * so the connection never outlives the read. Timers are the platform's (AbortSignal.timeout): nothing lingers.
 */
export async function readJsonEvents(body: Body, bounds: StreamBounds, onEvent: (event: unknown) => boolean): Promise<StreamEnd> {
	const events = eventData(body)[Symbol.asyncIterator]();
	let onStop = () => {};
	const stopped = new Promise<'stopped'>((resolve) => {
		onStop = () => resolve('stopped');
		bounds.signal?.addEventListener('abort', onStop, { once: true });
	});
	try {
		for (;;) {
			if (bounds.signal?.aborted) return 'stopped';
			const left = bounds.deadline - Date.now();
			if (left <= 0) return 'deadline';
			const limit = Math.min(bounds.quietMs, left);
			const quiet = AbortSignal.timeout(Math.max(1, limit));
			let onQuiet = () => {};
			const silence = new Promise<'quiet' | 'deadline'>((resolve) => {
				onQuiet = () => resolve(limit < bounds.quietMs ? 'deadline' : 'quiet');
				quiet.addEventListener('abort', onQuiet, { once: true });
			});
			const next = await Promise.race([
				events.next().then(
					(result) => result,
					() => 'dropped' as const,
				),
				silence,
				stopped,
			]);
			quiet.removeEventListener('abort', onQuiet);
			if (typeof next === 'string') return next;
			if (next.done) return 'ended';
			const values = parseEventJson(next.value);
			if (!values) return 'malformed';
			for (const value of values) if (onEvent(value)) return 'done';
		}
	} finally {
		bounds.signal?.removeEventListener('abort', onStop);
		body.destroy?.();
		// Lets the generator finish; a read still pending settles as the destroyed body ends it.
		void events.return?.(undefined).catch(() => {});
	}
}
