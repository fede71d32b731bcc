/**
 * fal's queue host. Submit uses the full endpoint id (`fal-ai/sam-3/image`, `fal-ai/sam-3-1/image-rle`,
 * `fal-ai/sam-3-1/video-rle` …: fal-endpoints.ts);
 * status, result and cancel live ONLY under the app id (`fal-ai/sam-3/requests/{id}…`, `fal-ai/sam-3-1/…`): the
 * same paths under the subpath, or under another app than the job's, 404, as on the real queue, so a client that
 * builds them wrongly fails here too.
 */
import { headerValue, type EmulatorContext } from './context';
import { FAL_APPS, type FalEndpoint, falEndpointAt } from './fal-endpoints';
import {
	appOf,
	checkFalKey,
	failureReply,
	falHost,
	jsonErrorReply,
	promptOf,
	queueStatus,
	queueUrls,
	startTimeoutMs,
} from './fal-shared';
import { statusStream } from './fal-status-stream';
import { isTerminal, resultBodyOf, type Job } from './jobs';
import type { VirtualHostModule } from './server';
import type { IncomingCall, Reply } from './types';

function sendWebhook(ctx: EmulatorContext, job: Job): void {
	const url = job.extra.webhookUrl as string | undefined;
	if (!url) return;
	const common = { request_id: job.id, gateway_request_id: job.id };
	const body =
		job.state === 'succeeded'
			? { ...common, status: 'OK', payload: resultBodyOf(job, job.output) }
			: { ...common, status: 'ERROR', error: `Invalid status code: ${job.failure?.status}`, payload: failureReply(job.failure!, job.id).body };
	// No Authorization: a webhook receiver must never see the key.
	ctx.deliveries.send('fal.webhook', url, job.id, {}, JSON.stringify(body));
}

async function submit(ctx: EmulatorContext, call: IncomingCall, endpoint: FalEndpoint): Promise<Reply> {
	const denied = checkFalKey(ctx, call) ?? jsonErrorReply(call);
	if (denied) return denied;
	const webhookUrl = call.url.searchParams.get('fal_webhook') ?? undefined;
	const priority = headerValue(call.headers, 'x-fal-queue-priority') === 'low' ? 'low' : 'normal';
	// The queue takes the payload as is; the model validates it when the job runs (result answers 422).
	const job = ctx.jobs.create({
		provider: 'fal',
		mode: 'queue',
		input: call.json,
		prompt: promptOf(endpoint.input(call.json)),
		priority,
		startTimeoutMs: startTimeoutMs(call),
		extra: { webhookUrl, falApp: endpoint.app, falEndpoint: endpoint.id },
		work: () => endpoint.work(ctx, call.json),
		onTerminal: (done) => sendWebhook(ctx, done),
	});
	const body = { status: 'IN_QUEUE', ...queueUrls(ctx, job.id, endpoint.app), queue_position: ctx.jobs.queuePosition(job) };
	return { status: 200, headers: { 'x-fal-request-id': job.id }, body };
}

/** A queue job under the app the path names: another app's requests are not found there. */
function queuedJob(ctx: EmulatorContext, id: string, app: string): Job | undefined {
	const job = ctx.jobs.get(id);
	return job?.provider === 'fal' && job.mode === 'queue' && appOf(job) === app ? job : undefined;
}

const notFound = (id: string): Reply => ({ status: 404, headers: { 'x-fal-request-id': id }, body: { detail: 'Request not found' } });

async function status(ctx: EmulatorContext, call: IncomingCall, id: string, app: string): Promise<Reply> {
	const denied = checkFalKey(ctx, call);
	if (denied) return denied;
	const job = queuedJob(ctx, id, app);
	if (!job) return notFound(id);
	const withLogs = call.url.searchParams.get('logs') === '1';
	const body = queueStatus(ctx, job, withLogs ? job.logs : null);
	return { status: body.status === 'COMPLETED' ? 200 : 202, headers: { 'x-fal-request-id': job.id }, body };
}

async function result(ctx: EmulatorContext, call: IncomingCall, id: string, app: string): Promise<Reply> {
	const denied = checkFalKey(ctx, call);
	if (denied) return denied;
	const job = queuedJob(ctx, id, app);
	if (!job) return notFound(id);
	if (!isTerminal(job)) return { status: 400, headers: { 'x-fal-request-id': id }, body: { detail: 'Request is still in progress' } };
	if (job.state !== 'succeeded') return failureReply(job.failure!, job.id);
	if (job.outcome.type === 'expired') return { status: 404, headers: { 'x-fal-request-id': id }, body: { detail: 'Request result has expired' } };
	return { status: 200, headers: { 'x-fal-request-id': job.id }, body: resultBodyOf(job, job.output) };
}

async function cancel(ctx: EmulatorContext, call: IncomingCall, id: string, app: string): Promise<Reply> {
	const denied = checkFalKey(ctx, call);
	if (denied) return denied;
	const job = queuedJob(ctx, id, app);
	const outcome = job ? ctx.jobs.cancel(id) : 'not_found';
	const headers = { 'x-fal-request-id': id };
	if (outcome === 'cancellation_requested') return { status: 202, headers, body: { status: 'CANCELLATION_REQUESTED' } };
	if (outcome === 'already_completed') return { status: 400, headers, body: { status: 'ALREADY_COMPLETED' } };
	return { status: 404, headers, body: { status: 'NOT_FOUND' } };
}

const REQUEST_PATH = new RegExp(`^/(${FAL_APPS.join('|')})/requests/([^/]+)(/status|/status/stream|/cancel)?$`);

export function falQueueHost(ctx: EmulatorContext): VirtualHostModule {
	return falHost((call) => {
		const endpoint = falEndpointAt(call.path);
		if (call.method === 'POST' && endpoint) return { name: 'fal.submit', handle: (c) => submit(ctx, c, endpoint) };
		const match = REQUEST_PATH.exec(call.path);
		if (!match) return undefined;
		const [, app, id, tail] = match;
		if (call.method === 'GET' && tail === '/status') return { name: 'fal.status', handle: (c) => status(ctx, c, id, app) };
		if (call.method === 'GET' && tail === '/status/stream') return { name: 'fal.status.stream', handle: (c) => statusStream(ctx, c, id, app) };
		if (call.method === 'GET' && !tail) return { name: 'fal.result', handle: (c) => result(ctx, c, id, app) };
		if (call.method === 'PUT' && tail === '/cancel') return { name: 'fal.cancel', handle: (c) => cancel(ctx, c, id, app) };
		return undefined;
	});
}
