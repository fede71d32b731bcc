/**
 * A response body read whole with a byte cap, for the answers n8n's request helper would buffer without one: it
 * hands axios `maxContentLength: -1` and takes no option to change it (n8n-core request-helper-functions,
 * convertN8nRequestToAxios). So the body is fetched as a stream (`encoding: 'stream'`, passed through as axios'
 * responseType) and read here: counted as it arrives, cut at the cap (or at once when Content-Length says it is
 * over), bounded in time and by the job's signal. JSON answers are then parsed the way axios would have (text that
 * is not JSON stays text); small downloads are stored from the bytes (job/provider-files.ts).
 */
import { DOWNLOAD_LIMIT_BYTES, SMALL_ANSWER_LIMIT_BYTES } from '../limits';
import type { JobStage } from './errors';

type Body = {
	on?: (event: string, listener: (...args: unknown[]) => void) => unknown;
	off?: (event: string, listener: (...args: unknown[]) => void) => unknown;
	destroy?: (error?: Error) => void;
};

export type BodyCut = { ok: false; why: 'too_large' | 'timeout' | 'stopped' | 'broken'; error?: unknown };
export type BodyRead = { ok: true; bytes: Buffer } | BodyCut;
export type JsonAnswer = { ok: true; body: unknown } | BodyCut;

export interface BodyBounds {
	limitBytes: number;
	/** Content-Length, when the server sent one. */
	declaredBytes?: number;
	timeoutMs: number;
	signal?: AbortSignal;
}

/** Whether a response body is a stream this module can read (else it is already what the helper parsed). */
export function isStreamBody(stream: unknown): boolean {
	const body = stream as Body | undefined;
	return !!body && typeof body.on === 'function' && typeof body.off === 'function';
}

/** Reads a whole body within its bounds; the stream is destroyed when reading stops early. */
export async function readBoundedBody(stream: unknown, bounds: BodyBounds): Promise<BodyRead> {
	const body = stream as Required<Body>;
	if (bounds.declaredBytes !== undefined && bounds.declaredBytes > bounds.limitBytes) {
		body.destroy();
		return { ok: false, why: 'too_large' };
	}
	// The stream's own events, not its async iterator: a promise per chunk costs more CPU than the answer is worth.
	const chunks: Buffer[] = [];
	let size = 0;
	const cut = await new Promise<BodyCut | undefined>((resolve) => {
		// The platform's timer (AbortSignal.timeout): it neither lingers nor keeps n8n's process alive.
		const timer = AbortSignal.timeout(Math.max(1, bounds.timeoutMs));
		const finish = (answer?: BodyCut) => {
			body.off('data', onData);
			body.off('end', onEnd);
			body.off('error', onError);
			body.off('close', onClose);
			timer.removeEventListener('abort', onTimeout);
			bounds.signal?.removeEventListener('abort', onStop);
			if (answer) body.destroy();
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
		body.on('data', onData);
		body.on('end', onEnd);
		body.on('error', onError);
		body.on('close', onClose);
		timer.addEventListener('abort', onTimeout, { once: true });
		bounds.signal?.addEventListener('abort', onStop, { once: true });
		if (bounds.signal?.aborted) onStop();
	});
	return cut ?? { ok: true, bytes: Buffer.concat(chunks, size) };
}

/** A JSON answer read within its bounds (readBoundedBody), parsed as axios would. */
export async function readJsonAnswer(stream: unknown, bounds: BodyBounds): Promise<JsonAnswer> {
	if (!isStreamBody(stream)) return { ok: true, body: stream };
	const read = await readBoundedBody(stream, bounds);
	if (!read.ok) return read;
	const text = read.bytes.toString('utf8');
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
