/**
 * fal's queue status stream, `GET {queue}/fal-ai/sam-3/requests/{id}/status/stream?logs=1` (route
 * `fal.status.stream`), as fal's official JS client uses it. Verified in fal-ai/fal-js at the 1.10.1 release
 * (the devDependency; libs/client/src, same code as node_modules/@fal-ai/client/src/*.js):
 * - queue.ts `streamStatus`: GET `{queue}/{owner}/{alias}/requests/{id}/status/stream` (owner/app only, like
 *   status; never the `/image` subpath), query `logs=1` when logs are asked for, else `logs=0`.
 * - request.ts `dispatchRequest` + streaming.ts `FalStream`: headers `Authorization: Key <key>`, `Content-Type:
 *   application/json`, and Accept both `application/json` and `text/event-stream` (two object keys that differ in
 *   case; fetch joins them: `accept: application/json, text/event-stream`). No body.
 * - Answer: a non-2xx status is an `ApiError` from the JSON body, not retried (the stream's response handler turns
 *   it into an `error` event instead of throwing); a connection failure before any answer is retried by
 *   dispatchRequest's default policy (retry.ts: 3 retries, 1 s base backoff, network error codes). A 2xx whose content-type starts with `text/event-stream` is parsed with
 *   eventsource-parser: every event (any or no `event:` name) has its `data` JSON.parse'd and emitted; each is a
 *   status object like the status poll's. Invalid JSON -> `error` (done() rejects). Other content types are
 *   read as raw chunks.
 * - The end: the client ends when the SERVER closes the response; done() resolves with the LAST event, whatever
 *   its status (subscribe(mode: 'streaming') then fetches the result: one stream + one result request per job).
 *   So the server must send COMPLETED and then close; fal's docs (the queue page) say the connection stays open
 *   until the status reaches COMPLETED.
 * - Logs: each event carries the log lines new since the previous event (queue.ts subscribeToStatus
 *   "accumulate logs to match previous polling behavior" appends them).
 * - Errors and timeouts: a connection error mid-stream -> `error` (ApiError status 500). The 15 s "no event"
 *   timeout (EVENT_STREAM_TIMEOUT / `timeout` option) is checked right after lastEventTimestamp is set, so it
 *   never fires: a stalled stream hangs the official client. subscribe's `timeout` option aborts the stream and
 *   cancels the request. There is NO fallback to polling; polling stays the default mode ("until status
 *   streaming is stable and faster"), streaming is opt-in and called experimental.
 * Not verified (assumed here): the exact framing fal's server writes (one `data: {json}\n\n` per event, no event
 * names, no heartbeats; the only framing fal-js can read) and whether every app offers the stream. One public
 * Swift client's test claims fal sends successive `data:` lines without blank lines between events.
 *
 * This emulator: 200 `text/event-stream`, the current status at once, then an event on every change (status,
 * queue position, new log lines with logs=1), COMPLETED last (with metrics and error/error_type), then the end.
 * Auth and unknown ids answer like status (401 / 404 JSON). Faults: streamNotOffered, streamDrop, streamStall,
 * streamMalformed (types.ts), plus the generic ones (status, reset, hang, slowResponse).
 */
import type { EmulatorContext } from './context';
import { FAL_APP, appOf, checkFalKey, queueStatus } from './fal-shared';
import type { Job } from './jobs';
import type { EventFeed, IncomingCall, Reply } from './types';

export const STATUS_STREAM_PATH = (id: string) => `/${FAL_APP}/requests/${id}/status/stream`;

/** Events of one job: now, on every change, COMPLETED last; ends early when the emulator drops the job. */
function jobEvents(ctx: EmulatorContext, job: Job, withLogs: boolean): EventFeed {
	return {
		open(send, end) {
			let logsSent = 0;
			let last = '';
			let done = false;
			const finish = () => {
				done = true;
				unwatch();
				end();
			};
			const emit = () => {
				if (done) return;
				if (ctx.jobs.get(job.id) !== job) return finish(); // reset(): the job is gone
				const logs = withLogs ? job.logs.slice(logsSent) : null;
				const status = queueStatus(ctx, job, logs);
				const key = `${status.status}:${'queue_position' in status ? status.queue_position : ''}`;
				if (key === last && !logs?.length) return;
				last = key;
				logsSent = job.logs.length;
				send(JSON.stringify(status));
				if (status.status === 'COMPLETED') finish();
			};
			// Any fal job's change can move this job's queue position.
			const unwatch = ctx.jobs.watch((changed) => {
				if (!changed || changed.provider === 'fal') emit();
			});
			emit();
			return () => {
				done = true;
				unwatch();
			};
		},
	};
}

export async function statusStream(ctx: EmulatorContext, call: IncomingCall, id: string, app = FAL_APP): Promise<Reply> {
	const denied = checkFalKey(ctx, call);
	if (denied) return denied;
	const job = ctx.jobs.get(id);
	if (job?.provider !== 'fal' || job.mode !== 'queue' || appOf(job) !== app) return { status: 404, headers: { 'x-fal-request-id': id }, body: { detail: 'Request not found' } };
	const withLogs = call.url.searchParams.get('logs') === '1';
	const headers = { 'x-fal-request-id': id, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };
	return { status: 200, headers, events: jobEvents(ctx, job, withLogs) };
}
