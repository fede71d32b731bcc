/** Fault injection: per-route rules with a count, and the provider-shaped answers of status faults. */
import { randomUUID } from 'node:crypto';
import type { Fault, FaultRule, Reply, RouteName, VirtualHost } from './types';

interface ActiveRule extends Required<Pick<FaultRule, 'route' | 'fault'>> {
	id: string;
	remaining: number; // Infinity for 'always'
	skip: number;
	hits: number;
}

export class FaultRegistry {
	private rules: ActiveRule[] = [];

	add(rule: FaultRule): string {
		validateFault(rule.fault, rule.route);
		const id = randomUUID();
		const times = rule.times === 'always' ? Infinity : (rule.times ?? 1);
		this.rules.push({ id, route: rule.route, fault: rule.fault, remaining: times, skip: rule.after ?? 0, hits: 0 });
		return id;
	}

	remove(id: string): boolean {
		const before = this.rules.length;
		this.rules = this.rules.filter((r) => r.id !== id);
		return this.rules.length < before;
	}

	clear(): void {
		this.rules = [];
	}

	list(): Array<FaultRule & { id: string; hits: number; remaining: number | 'always' }> {
		return this.rules.map((r) => ({
			id: r.id,
			route: r.route,
			fault: r.fault,
			hits: r.hits,
			remaining: r.remaining === Infinity ? 'always' : r.remaining,
		}));
	}

	/** The fault for this request, if any rule for the route is armed (first added wins). */
	take(route: RouteName): Fault | undefined {
		for (const rule of this.rules) {
			if (rule.route !== route || rule.remaining <= 0) continue;
			if (rule.skip > 0) {
				rule.skip--;
				continue;
			}
			rule.remaining--;
			rule.hits++;
			return rule.fault;
		}
		return undefined;
	}
}

const STREAM_FAULT_KINDS = ['streamNotOffered', 'streamDrop', 'streamStall', 'streamMalformed'];
const FAULT_KINDS = ['status', 'reset', 'slowResponse', 'slowBody', 'hang', 'malformedJson', 'hugeJson', 'hugeFile', 'redirect', 'rewrite', ...STREAM_FAULT_KINDS];
/** Faults that distort a JSON body make no sense on an event stream (it has its own kinds). */
const BODY_FAULT_KINDS = ['slowBody', 'malformedJson', 'hugeJson'];
export const STREAM_ROUTE = 'fal.status.stream';

function validateFault(fault: Fault, route: FaultRule['route']): void {
	if (!fault || !FAULT_KINDS.includes(fault.kind)) {
		throw new Error(`Unknown fault kind: ${JSON.stringify(fault)}; expected one of ${FAULT_KINDS.join(', ')}`);
	}
	if (STREAM_FAULT_KINDS.includes(fault.kind) && route !== STREAM_ROUTE) {
		throw new Error(`A ${fault.kind} fault applies only to the route ${STREAM_ROUTE}, not ${route}`);
	}
	if (BODY_FAULT_KINDS.includes(fault.kind) && route === STREAM_ROUTE) {
		throw new Error(`A ${fault.kind} fault does not apply to ${STREAM_ROUTE}; use streamMalformed, streamStall or streamDrop`);
	}
	if (fault.kind === 'streamNotOffered' && fault.status !== undefined && fault.status !== 404 && fault.status !== 405) {
		throw new Error('A streamNotOffered fault answers 404 or 405');
	}
	if (fault.kind === 'streamDrop' && !(Number.isInteger(fault.afterEvents) && fault.afterEvents >= 0)) {
		throw new Error('A streamDrop fault needs afterEvents, a whole number >= 0');
	}
	if (fault.kind === 'status' && !(fault.status >= 100 && fault.status <= 599)) {
		throw new Error('A status fault needs a status between 100 and 599');
	}
	if (fault.kind === 'hugeJson' && !(Number.isInteger(fault.bytes) && fault.bytes > 0)) throw new Error('A hugeJson fault needs bytes, a whole number > 0');
	if (fault.kind === 'hugeFile' && route !== 'files.get') throw new Error(`A hugeFile fault applies only to the route files.get, not ${route}`);
	if (fault.kind === 'hugeFile' && !(Number.isInteger(fault.bytes) && fault.bytes > 0)) throw new Error('A hugeFile fault needs bytes, a whole number > 0');
	if (fault.kind === 'redirect' && !fault.location) throw new Error('A redirect fault needs a location');
	if (fault.kind === 'rewrite' && !('body' in fault) && !fault.omit?.length && !fault.set && !fault.omitHeaders?.length && !fault.setHeaders) {
		throw new Error('A rewrite fault needs a body, omit, set, omitHeaders or setHeaders');
	}
}

/** A handler's answer as a `rewrite` fault changes it (top-level JSON fields and headers). */
export function rewriteReply(reply: Reply, fault: Extract<Fault, { kind: 'rewrite' }>): Reply {
	const dropped = new Set((fault.omitHeaders ?? []).map((name) => name.toLowerCase()));
	const headers = {
		...Object.fromEntries(Object.entries(reply.headers ?? {}).filter(([name]) => !dropped.has(name.toLowerCase()))),
		...fault.setHeaders,
	};
	if ('body' in fault) return { ...reply, headers, body: fault.body };
	const original = reply.body;
	if (typeof original !== 'object' || original === null || Buffer.isBuffer(original) || Array.isArray(original)) return { ...reply, headers };
	const body: Record<string, unknown> = { ...(original as Record<string, unknown>), ...fault.set };
	for (const field of fault.omit ?? []) delete body[field];
	return { ...reply, headers, body };
}

/** fal's infrastructure error types by status (providers.md, Errors). */
const FAL_ERROR_TYPES: Record<number, { errorType: string; detail: string }> = {
	400: { errorType: 'bad_request', detail: 'Bad request' },
	401: { errorType: 'unauthorized', detail: 'Invalid or missing API key' },
	402: { errorType: 'payment_required', detail: 'Insufficient balance' },
	403: { errorType: 'forbidden', detail: 'Access denied' },
	404: { errorType: 'not_found', detail: 'Not found' },
	429: { errorType: 'rate_limited', detail: 'Too many concurrent requests' },
	500: { errorType: 'internal_error', detail: 'Internal server error' },
	502: { errorType: 'runner_incomplete_response', detail: 'Runner returned an incomplete response' },
	503: { errorType: 'runner_scheduling_failure', detail: 'Could not schedule a runner' },
	504: { errorType: 'request_timeout', detail: 'Request timed out' },
};

const RUNFLOW_CODES: Record<number, { code: string; message: string }> = {
	400: { code: 'BAD_REQUEST', message: 'Bad request' },
	401: { code: 'UNAUTHORIZED', message: 'Invalid or missing API key' },
	402: { code: 'INSUFFICIENT_CREDIT', message: 'Insufficient credit' },
	403: { code: 'PERMISSION_DENIED', message: 'Permission denied' },
	404: { code: 'RUN_NOT_FOUND', message: 'Not found' },
	409: { code: 'CONFLICT', message: 'Conflict' },
	422: { code: 'VALIDATION_ERROR', message: 'Validation failed' },
	429: { code: 'RATE_LIMITED', message: 'Rate limit exceeded' },
	500: { code: 'INTERNAL_ERROR', message: 'Internal server error' },
	503: { code: 'MODEL_UNAVAILABLE', message: 'The model is temporarily unavailable' },
};

export function isRetryableStatus(status: number): boolean {
	return status === 429 || status >= 500;
}

/** The answer of a status fault, in the error shape of the virtual host it hit. */
export function statusFaultReply(vhost: VirtualHost, fault: Extract<Fault, { kind: 'status' }>): Reply {
	const headers: Record<string, string> = { ...(fault.headers ?? {}) };
	if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
	if (vhost.startsWith('fal-')) {
		const known = FAL_ERROR_TYPES[fault.status] ?? { errorType: 'internal_error', detail: 'Error' };
		const errorType = fault.errorType ?? known.errorType;
		headers['x-fal-error-type'] = errorType;
		headers['x-fal-retryable'] = String(fault.retryable ?? (isRetryableStatus(fault.status) && fault.timeoutType !== 'user'));
		if (fault.timeoutType) headers['x-fal-request-timeout-type'] = fault.timeoutType;
		const body = fault.body ?? { detail: fault.message ?? known.detail, error_type: errorType };
		return { status: fault.status, headers, body };
	}
	if (vhost === 'runflow') {
		const known = RUNFLOW_CODES[fault.status] ?? { code: 'ERROR', message: 'Error' };
		const body = fault.body ?? { code: fault.code ?? known.code, message: fault.message ?? known.message, errors: null };
		return { status: fault.status, headers, body };
	}
	// The file host is a plain CDN / object store: a short text body.
	return { status: fault.status, headers: { 'content-type': 'text/plain', ...headers }, body: fault.body ?? fault.message ?? `Error ${fault.status}` };
}
