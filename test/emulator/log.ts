/** The request log tests read, and per-route counters. */
import type { IncomingCall, LogEntry, RouteName } from './types';

/** Bodies above this size are logged by length only (uploads, images). */
const MAX_LOGGED_JSON_BYTES = 256 * 1024;

export class RequestLog {
	readonly entries: LogEntry[] = [];
	private seq = 0;
	private routeCounts: Partial<Record<RouteName, number>> = {};

	record(call: IncomingCall, route: RouteName | null): LogEntry {
		const headers = call.headers;
		const entry: LogEntry = {
			seq: ++this.seq,
			time: Date.now(),
			method: call.method,
			url: call.url.pathname + call.url.search,
			vhost: call.vhost,
			host: typeof headers.host === 'string' ? headers.host : undefined,
			route,
			headers,
			authorization: headers.authorization !== undefined,
			bodyBytes: call.rawBody.length,
		};
		if (call.json !== undefined && call.rawBody.length <= MAX_LOGGED_JSON_BYTES) entry.body = call.json;
		this.entries.push(entry);
		if (route) this.routeCounts[route] = (this.routeCounts[route] ?? 0) + 1;
		return entry;
	}

	counts(): Partial<Record<RouteName, number>> {
		return { ...this.routeCounts };
	}

	resetCounts(): void {
		this.routeCounts = {};
	}

	clear(): void {
		this.entries.length = 0;
		this.routeCounts = {};
	}
}
