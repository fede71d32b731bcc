/** Shared types of the provider emulator (a dev-only test double, see index.ts). */

export type Provider = 'fal' | 'runflow';

/** Path-prefixed virtual hosts of the one emulator server. */
export type VirtualHost = 'fal-run' | 'fal-queue' | 'fal-rest' | 'runflow' | 'files' | 'control' | 'unknown';

export type RouteName =
	| 'fal.sync'
	| 'fal.submit'
	| 'fal.status'
	| 'fal.status.stream'
	| 'fal.result'
	| 'fal.cancel'
	| 'fal.upload.initiate'
	| 'files.put'
	| 'files.get'
	| 'runflow.create'
	| 'runflow.get'
	| 'runflow.asset.create'
	| 'runflow.asset.confirm';

/** What a handler answers; the server writes it (so faults can distort it). */
export interface Reply {
	status: number;
	headers?: Record<string, string>;
	/** Buffer/string are sent as is; anything else is sent as JSON. */
	body?: unknown;
	/** A server-sent-events answer instead of `body` (fal's status stream): written event by event. */
	events?: EventFeed;
}

/** The events of a `text/event-stream` answer, as the JSON text of each `data:` line. */
export interface EventFeed {
	/** Starts the feed: `send` once per event, `end` after the last one; returns what stops it early. */
	open(send: (data: string) => void, end: () => void): () => void;
}

export interface IncomingCall {
	method: string;
	url: URL;
	/** Path below the virtual host prefix, e.g. `/fal-ai/sam-3/image`. */
	path: string;
	vhost: VirtualHost;
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
	/** Parsed JSON body; `undefined` when the body is empty, `jsonError` set when it did not parse. */
	json?: unknown;
	jsonError?: string;
}

export interface Route {
	name: RouteName;
	handle: (call: IncomingCall) => Promise<Reply>;
}

/**
 * One injected misbehaviour. Status faults replace the answer (the handler does not run) with the
 * provider's own error shape; `slowResponse`, `slowBody`, `malformedJson`, `rewrite`, and `reset` / `status` /
 * `hang` with `afterHandling` let the handler run (side effects happen: a submit or sync call accepts, runs and
 * bills its job) and distort what goes back. The `stream…` kinds
 * belong to the status stream (route `fal.status.stream`, see fal-status-stream.ts); the job runs on regardless.
 */
export type Fault =
	| {
			kind: 'status';
			status: number;
			/** Replaces the default provider-shaped body. */
			body?: unknown;
			headers?: Record<string, string>;
			/** A `Retry-After` header: seconds, or any raw value a provider might send ('garbage', -5). */
			retryAfter?: number | string;
			/** fal: `error_type` / `X-Fal-Error-Type` (default picked from the status). */
			errorType?: string;
			/** fal: `X-Fal-Retryable` (default true for 429/5xx). */
			retryable?: boolean;
			/** fal: `x-fal-request-timeout-type` (e.g. 'user' on a 504). */
			timeoutType?: string;
			/** Runflow: envelope `code` (default picked from the status). */
			code?: string;
			message?: string;
			/** Run the handler first (the job is accepted and billed), then answer with this status instead. */
			afterHandling?: boolean;
	  }
	| { kind: 'reset'; afterHandling?: boolean }
	| { kind: 'slowResponse'; delayMs: number }
	| { kind: 'slowBody'; stallMs?: number; dribbleMs?: number }
	/** Never answered; with `afterHandling` the handler runs first (a sync job runs and is billed, the answer is lost). */
	| { kind: 'hang'; afterHandling?: boolean }
	/**
	 * The handler's answer, changed: `body` replaces it wholesale; otherwise top-level fields are dropped (`omit`)
	 * or set (`set`, null included). `omitHeaders` drops response headers (after fal's x-fal-request-id is added);
	 * `setHeaders` sets them (a fal.run answer whose x-fal-request-id is no id).
	 * E.g. a fal submit without `request_id`, a Runflow create without `id`, a poll with `status_code: ''`.
	 */
	| { kind: 'rewrite'; body?: unknown; omit?: string[]; set?: Record<string, unknown>; omitHeaders?: string[]; setHeaders?: Record<string, string> }
	| { kind: 'malformedJson' }
	/**
	 * The handler's JSON answer grown to about `bytes` by one long string field (`padding`), streamed in chunks (the
	 * emulator never holds it whole): a broken or hostile answer that would take a client's memory. Valid JSON.
	 * `declareLength` sends its Content-Length up front (default: chunked, so a client must count as it reads).
	 */
	| { kind: 'hugeJson'; bytes: number; declareLength?: boolean }
	/**
	 * File host only (`files.get`): the file's own bytes, then zeros up to `bytes` in all, streamed in 64 KiB pieces
	 * as the client takes them (never held whole): a download far past a client's cap — a 3 GB "splat". With
	 * `declareLength` the Content-Length says the full size up front (a client can refuse before reading); without,
	 * it is chunked and the client must count as it reads.
	 */
	| { kind: 'hugeFile'; bytes: number; declareLength?: boolean }
	| { kind: 'redirect'; location: string; status?: 301 | 302 | 303 | 307 | 308 }
	/** The app does not offer the stream: 404 `{detail:"Not Found"}` (default) or 405 `{detail:"Method Not Allowed"}`. */
	| { kind: 'streamNotOffered'; status?: 404 | 405 }
	/** The connection is destroyed right after `afterEvents` events (0: right after the headers). */
	| { kind: 'streamDrop'; afterEvents: number }
	/** No event after the first `afterEvents` (default 0: headers only), nor an end, until the client hangs up. */
	| { kind: 'streamStall'; afterEvents?: number }
	/** After `afterEvents` good events (default 0), one `data:` line of invalid JSON; then the stream goes on as usual. */
	| { kind: 'streamMalformed'; afterEvents?: number };

export interface FaultRule {
	route: RouteName;
	fault: Fault;
	/** How many matching requests get the fault (default 1; 'always' for every one). */
	times?: number | 'always';
	/** Let this many matching requests through untouched first (default 0). */
	after?: number;
}

export type JobOutcome =
	| { type: 'success' }
	| {
			type: 'fail';
			message?: string;
			/** fal: result HTTP status (default 500) and `error_type` (default 'internal_error'). */
			status?: number;
			errorType?: string;
			/** Runflow: `failure_code` (default 'MODEL_ERROR') and `failure_stage_code` (default 'running'). */
			failureCode?: string;
			failureStage?: string;
	  }
	/** fal: completes, then the result answers 404 as if it had expired. */
	| { type: 'expired' };

export interface JobMatchContext {
	provider: Provider;
	mode: JobMode;
	input: unknown;
	prompt?: string;
}

export interface ScriptRule {
	match?: {
		provider?: Provider;
		/** Exact prompt, or a RegExp tested against it (over HTTP: `promptPattern`). */
		prompt?: string | RegExp;
		predicate?: (ctx: JobMatchContext) => boolean;
	};
	latencyMs?: number;
	queueMs?: number;
	dispatchMs?: number;
	outcome?: JobOutcome;
	/** How many jobs this rule applies to (default: all). */
	times?: number;
	/**
	 * The body a succeeded job answers with, instead of the provider's own: fal's result / sync answer, Runflow's
	 * run `output` (`null` included). A function gets the default (masks are real files) and returns the body —
	 * for odd optional fields (`scores: ["0.9"]`), a missing `masks`, an oversized `data:` mask. Over HTTP: JSON only.
	 */
	resultBody?: unknown;
}

export interface Timing {
	/** Time a job runs (IN_PROGRESS / running). */
	latencyMs: number;
	/** Time a job waits before it may start (IN_QUEUE / queued). */
	queueMs: number;
	/** Runflow's `dispatching` step (fal reports it as IN_PROGRESS). */
	dispatchMs: number;
}

export type JobMode = 'sync' | 'queue' | 'run';

export type JobState = 'queued' | 'dispatching' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface LogEntry {
	seq: number;
	time: number;
	method: string;
	/** Path and query as received. */
	url: string;
	vhost: VirtualHost;
	host: string | undefined;
	route: RouteName | null;
	headers: Record<string, string | string[] | undefined>;
	/** True when an Authorization header arrived (what matters on the file host). */
	authorization: boolean;
	/** Parsed JSON body, when it was JSON. */
	body?: unknown;
	bodyBytes: number;
	status?: number;
	fault?: Fault['kind'];
	/** Status stream: events written so far. */
	events?: number;
	/** A hugeJson answer: bytes written before it ended or the client hung up. */
	sentBytes?: number;
}

export interface DeliveryRecord {
	kind: 'fal.webhook' | 'runflow.callback';
	url: string;
	jobId: string;
	headers: Record<string, string>;
	body: string;
	attempts: { time: number; status?: number; error?: string }[];
	delivered: boolean;
}

/** Status requests of one provider's jobs, from the request log: what a client spends to learn a job is done. */
export interface StatusRequestCount {
	/** Jobs that got at least one status request. */
	jobs: number;
	/** fal: GET …/status; Runflow: GET v1/runs/{id}. */
	polls: number;
	/** fal: GET …/status/stream (each connection counts once). */
	streams: number;
	/** (polls + streams) / jobs, and the most any one job got. */
	perJob: number;
	maxPerJob: number;
}
