/** fal's synchronous host: `POST /fal-run/fal-ai/sam-3/image` (and every other endpoint of fal-endpoints.ts) answers with the output itself. */
import type { EmulatorContext } from './context';
import { type FalEndpoint, falEndpointAt } from './fal-endpoints';
import {
	checkFalKey,
	failureReply,
	falHost,
	jsonErrorReply,
	promptOf,
	startTimeoutMs,
	validationReply,
} from './fal-shared';
import { resultBodyOf } from './jobs';
import type { VirtualHostModule } from './server';
import type { IncomingCall, Reply } from './types';

async function runSync(ctx: EmulatorContext, call: IncomingCall, endpoint: FalEndpoint): Promise<Reply> {
	const denied = checkFalKey(ctx, call) ?? jsonErrorReply(call);
	if (denied) return denied;
	const input = endpoint.input(call.json);
	// A sync call is validated up front: nothing is queued for an input the model would reject.
	const validation = endpoint.validate(call.json);
	if (!validation.ok) return validationReply(validation.issues);
	const job = ctx.jobs.create({
		provider: 'fal',
		mode: 'sync',
		input: call.json,
		prompt: promptOf(input),
		startTimeoutMs: startTimeoutMs(call),
		extra: { falApp: endpoint.app, falEndpoint: endpoint.id },
		work: () => endpoint.work(ctx, call.json),
	});
	await job.finished;
	if (job.state === 'succeeded' && job.output) return { status: 200, headers: { 'x-fal-request-id': job.id }, body: resultBodyOf(job, job.output) };
	return failureReply(job.failure!, job.id);
}

export function falRunHost(ctx: EmulatorContext): VirtualHostModule {
	return falHost((call) => {
		const endpoint = falEndpointAt(call.path);
		if (call.method === 'POST' && endpoint) return { name: 'fal.sync', handle: (c) => runSync(ctx, c, endpoint) };
		return undefined;
	});
}
