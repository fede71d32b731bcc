/**
 * A provider's JSON answer read with a byte cap. n8n's request helper hands axios `maxContentLength: -1` (no
 * limit) and takes no option to change it (n8n-core request-helper-functions, convertN8nRequestToAxios), so a
 * JSON answer is fetched as a stream (`encoding: 'stream'`, which the helper passes through as axios'
 * responseType) and read here: counted as it arrives, cut at the cap (or at once when Content-Length says it is
 * over), bounded by the request's time, then parsed the way axios would have (text that is not JSON stays text).
 */
import { DOWNLOAD_LIMIT_BYTES, SMALL_ANSWER_LIMIT_BYTES } from '../limits';
import type { JobStage } from './errors';

type Body = AsyncIterable<Buffer | string> & {
	on?: (event: string, listener: (...args: unknown[]) => void) => unknown;
	off?: (event: string, listener: (...args: unknown[]) => void) => unknown;
	destroy?: (error?: Error) => void;
};

export type JsonAnswer = { ok: true; body: unknown } | { ok: false; why: 'too_large' | 'timeout' | 'stopped' | 'broken'; error?: unknown };

export interface AnswerBounds {
	limitBytes: number;
	/** Content-Length, when the server sent one. */
	declaredBytes?: number;
	timeoutMs: number;
	signal?: AbortSignal;
}

/** Reads a whole answer within its bounds; the stream is destroyed when reading stops early. */
export async function readJsonAnswer(stream: unknown, bounds: AnswerBounds): Promise<JsonAnswer> {
	const body = stream as Body | undefined;
	if (!body || typeof body.on !== 'function' || typeof body.off !== 'function') return { ok: true, body: stream };
	if (bounds.declaredBytes !== undefined && bounds.declaredBytes > bounds.limitBytes) {
		body.destroy?.();
		return { ok: false, why: 'too_large' };
	}
	// The stream's own events, not its async iterator: a promise per chunk costs more CPU than the answer is worth.
	const chunks: Buffer[] = [];
	let size = 0;
	const ended = await new Promise<JsonAnswer | undefined>((resolve) => {
		// The platform's timer (AbortSignal.timeout): it neither lingers nor keeps n8n's process alive.
		const timer = AbortSignal.timeout(Math.max(1, bounds.timeoutMs));
		const finish = (answer?: JsonAnswer) => {
			body.off!('data', onData);
			body.off!('end', onEnd);
			body.off!('error', onError);
			body.off!('close', onClose);
			timer.removeEventListener('abort', onTimeout);
			bounds.signal?.removeEventListener('abort', onStop);
			if (answer) body.destroy?.();
			resolve(answer);
		};
		const onData = (chunk: unknown) => {
			const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
			size += bytes.length;
			if (size > bounds.limitBytes) return finish({ ok: false, why: 'too_large' });
			chunks.push(bytes);
		};
		const onEnd = () => finish();
		const onError = (error: unknown) => finish({ ok: false, why: 'broken', error });
		const onClose = () => finish({ ok: false, why: 'broken', error: new Error('the connection closed before the answer ended') });
		const onTimeout = () => finish({ ok: false, why: 'timeout' });
		const onStop = () => finish({ ok: false, why: 'stopped' });
		body.on!('data', onData);
		body.on!('end', onEnd);
		body.on!('error', onError);
		body.on!('close', onClose);
		timer.addEventListener('abort', onTimeout, { once: true });
		bounds.signal?.addEventListener('abort', onStop, { once: true });
		if (bounds.signal?.aborted) onStop();
	});
	if (ended) return ended;
	const text = Buffer.concat(chunks, size).toString('utf8');
	if (text === '') return { ok: true, body: text };
	try {
		return { ok: true, body: JSON.parse(text) as unknown };
	} catch {
		// As axios does for a JSON request: an answer that does not parse is handed on as its text.
		return { ok: true, body: text };
	}
}

/**
 * The most a JSON answer of each stage may hold. A submit (fal sync mode) and a result can carry masks and the
 * preview as data: URIs: as much as a download may be. The others are small objects (limits.ts).
 */
export const JSON_ANSWER_LIMIT_BYTES: Record<JobStage, number> = {
	submit: DOWNLOAD_LIMIT_BYTES,
	result: DOWNLOAD_LIMIT_BYTES,
	status: SMALL_ANSWER_LIMIT_BYTES,
	upload: SMALL_ANSWER_LIMIT_BYTES,
	cancel: SMALL_ANSWER_LIMIT_BYTES,
	download: SMALL_ANSWER_LIMIT_BYTES,
};
