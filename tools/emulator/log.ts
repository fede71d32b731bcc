/** The request log tests read, and per-route counters. */
import type { IncomingCall, LogEntry, RouteName } from './types';

/** Bodies above this size are logged by length only (uploads, images). */
const MAX_LOGGED_JSON_BYTES = 256 * 1024;

export class RequestLog {
	readonly entries: LogEntry[] = [];
	private seq = 0;
	private routeCounts: Partial<Record<RouteName, number>> = {};
	private openNow: Partial<Record<RouteName, number>> = {};
	private openPeak: Partial<Record<RouteName, number>> = {};

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

	/** A request of the route is being answered until its response closes: for "at most N at once" checks. */
	opened(route: RouteName): () => void {
		this.openNow[route] = (this.openNow[route] ?? 0) + 1;
		this.openPeak[route] = Math.max(this.openPeak[route] ?? 0, this.openNow[route]!);
		let closed = false;
		return () => {
			if (closed) return;
			closed = true;
			this.openNow[route] = Math.max(0, (this.openNow[route] ?? 1) - 1);
		};
	}

	/** Requests of each route being answered right now (an open status stream counts until it closes). */
	openNowByRoute(): Partial<Record<RouteName, number>> {
		return { ...this.openNow };
	}

	/** The most requests of each route open at once (since the last reset). */
	peakOpen(): Partial<Record<RouteName, number>> {
		return { ...this.openPeak };
	}

	counts(): Partial<Record<RouteName, number>> {
		return { ...this.routeCounts };
	}

	resetCounts(): void {
		this.routeCounts = {};
		this.openPeak = { ...this.openNow };
	}

	clear(): void {
		this.entries.length = 0;
		this.routeCounts = {};
		this.openPeak = { ...this.openNow };
	}
}
