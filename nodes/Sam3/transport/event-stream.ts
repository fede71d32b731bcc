/**
 * Server-sent events (`text/event-stream`) read from a response body, for fal's queue status stream. No runtime
 * dependency: the framing is the WHATWG rule — `data:` lines joined by "\n", an event dispatched at a blank line,
 * `:` comments and other fields ignored, CR / LF / CRLF line ends. What fal sends was verified in fal-js 1.10.1
 * (it feeds the same framing to eventsource-parser and JSON-parses each event's data); see
 * notes/fal-status-stream.md for the sources and what stays assumed.
 */

import { MAX_STREAM_EVENT_BYTES, STATUS_STREAM_LIMIT_BYTES } from '../limits';
import { type ReadEnd, passThrough } from './bounded-reader';

/** Why reading stopped. */
export type StreamEnd =
	/** The consumer had what it needed (e.g. COMPLETED). */
	| 'done'
	/** The server closed the stream. */
	| 'ended'
	/** Nothing arrived within the quiet bound: the stream may be stalled. */
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
	/** Longest silence of the stream accepted (ms): no byte at all for this long (fal sends an event on every change). */
	quietMs: number;
	/** Give up at this time (ms since epoch). */
	deadline: number;
	signal?: AbortSignal;
}

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

/** How each way the reader ends a read shows up here. */
const END_OF_READ: Record<ReadEnd, StreamEnd> = { idle: 'quiet', deadline: 'deadline', stopped: 'stopped', broken: 'dropped', too_large: 'dropped' };

/**
 * Reads JSON events from a stream until `onEvent` returns true, the stream ends or breaks, an event is not JSON,
 * nothing arrives for `quietMs`, the deadline passes or the signal aborts. The bounds are the reader's
 * (bounded-reader.ts passThrough): the body is always destroyed on return, so the connection never outlives the read.
 */
export async function readJsonEvents(body: unknown, bounds: StreamBounds, onEvent: (event: unknown) => boolean): Promise<StreamEnd> {
	const readBounds = { limitBytes: STATUS_STREAM_LIMIT_BYTES, idleMs: bounds.quietMs, deadline: bounds.deadline, signal: bounds.signal };
	const passed = await passThrough(body, readBounds, async ({ chunks }): Promise<StreamEnd> => {
		try {
			for await (const data of eventData(chunks)) {
				const values = parseEventJson(data);
				if (!values) return 'malformed';
				for (const value of values) if (onEvent(value)) return 'done';
			}
		} catch {
			// An event past its size bound (eventData) breaks the stream as a drop would; a cut of the read wins over this.
			return 'dropped';
		}
		return 'ended';
	});
	return passed.ok ? passed.value : END_OF_READ[passed.why];
}
