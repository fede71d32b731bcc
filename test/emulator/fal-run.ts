/** fal's synchronous host: `POST /fal-run/fal-ai/sam-3/image` (and the other image endpoints) answers with the output itself. */
import type { EmulatorContext } from './context';
import {
	type FalImageEndpoint,
	checkFalKey,
	endpointInput,
	failureReply,
	falHost,
	falImageEndpoint,
	falWork,
	jsonErrorReply,
	promptOf,
	startTimeoutMs,
	validationReply,
} from './fal-shared';
import { resultBodyOf } from './jobs';
import { validateSam3Input } from './schema';
import type { VirtualHostModule } from './server';
import type { IncomingCall, Reply } from './types';

async function runSync(ctx: EmulatorContext, call: IncomingCall, endpoint: FalImageEndpoint & { id: string }): Promise<Reply> {
	const denied = checkFalKey(ctx, call) ?? jsonErrorReply(call);
	if (denied) return denied;
	const input = endpointInput(endpoint, call.json);
	// A sync call is validated up front: nothing is queued for an input the model would reject.
	const validation = validateSam3Input(input);
	if (!validation.ok) return validationReply(validation.issues);
	const job = ctx.jobs.create({
		provider: 'fal',
		mode: 'sync',
		input: call.json,
		prompt: promptOf(input),
		startTimeoutMs: startTimeoutMs(call),
		extra: { falApp: endpoint.app, falEndpoint: endpoint.id },
		work: () => falWork(ctx, call.json, endpoint),
	});
	await job.finished;
	if (job.state === 'succeeded' && job.output) return { status: 200, headers: { 'x-fal-request-id': job.id }, body: resultBodyOf(job, job.output) };
	return failureReply(job.failure!, job.id);
}

export function falRunHost(ctx: EmulatorContext): VirtualHostModule {
	return falHost((call) => {
		const endpoint = falImageEndpoint(call.path);
		if (call.method === 'POST' && endpoint) return { name: 'fal.sync', handle: (c) => runSync(ctx, c, endpoint) };
		return undefined;
	});
}
