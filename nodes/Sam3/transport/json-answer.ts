/**
 * A JSON answer read as a stream within its bounds (bounded-reader.ts readAll) and parsed as axios would: text that
 * is not JSON stays text. n8n lets axios buffer an answer of any size; this is the cap it cannot set.
 */
import { DOWNLOAD_LIMIT_BYTES, SMALL_ANSWER_LIMIT_BYTES } from '../limits';
import { type ReadBounds, type ReadCut, isStreamBody, readAll } from './bounded-reader';
import type { JobStage } from './errors';

export type JsonAnswer = { ok: true; body: unknown } | ReadCut;

/** A JSON answer read within its bounds, parsed as axios would. A body that is no stream is what the helper parsed. */
export async function readJsonAnswer(stream: unknown, bounds: ReadBounds): Promise<JsonAnswer> {
	if (!isStreamBody(stream)) return { ok: true, body: stream };
	const read = await readAll(stream, bounds);
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
