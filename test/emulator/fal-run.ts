/** fal's synchronous host: `POST /fal-run/fal-ai/sam-3/image` answers with the output itself. */
import type { EmulatorContext } from './context';
import { FAL_ENDPOINT, checkFalKey, failureReply, falHost, falWork, jsonErrorReply, promptOf, startTimeoutMs, validationReply } from './fal-shared';
import { resultBodyOf } from './jobs';
import { validateSam3Input } from './schema';
import type { VirtualHostModule } from './server';
import type { IncomingCall, Reply } from './types';

async function runSync(ctx: EmulatorContext, call: IncomingCall): Promise<Reply> {
	const denied = checkFalKey(ctx, call) ?? jsonErrorReply(call);
	if (denied) return denied;
	// A sync call is validated up front: nothing is queued for an input the model would reject.
	const validation = validateSam3Input(call.json);
	if (!validation.ok) return validationReply(validation.issues);
	const job = ctx.jobs.create({
		provider: 'fal',
		mode: 'sync',
		input: call.json,
		prompt: promptOf(call.json),
		startTimeoutMs: startTimeoutMs(call),
		work: () => falWork(ctx, call.json),
	});
	await job.finished;
	if (job.state === 'succeeded' && job.output) return { status: 200, headers: { 'x-fal-request-id': job.id }, body: resultBodyOf(job, job.output) };
	return failureReply(job.failure!, job.id);
}

export function falRunHost(ctx: EmulatorContext): VirtualHostModule {
	return falHost((call) => {
		if (call.method === 'POST' && call.path === `/${FAL_ENDPOINT}`) return { name: 'fal.sync', handle: (c) => runSync(ctx, c) };
		return undefined;
	});
}
