/**
 * Job timers run on node's monotonic loop clock, readiness is judged by Date.now(): the two disagree by up to a
 * millisecond of rounding (or more when the wall clock is adjusted), so a job's "ready" timer can fire a little
 * before Date.now() reaches its readyAt. The job must start anyway, not wait in the queue forever.
 */
import { JobManager } from '../../tools/emulator/jobs';

const succeed = async () => ({ ok: true as const, output: { masks: [], metadata: [] }, inferenceMs: 0 });

it('starts a job whose ready timer fires before the wall clock reaches its readyAt', async () => {
	const jobs = new JobManager({ latencyMs: 5, queueMs: 20, dispatchMs: 0 });
	const realNow = Date.now.bind(Date);
	// The wall clock reads 15 ms ahead while the job is created, then falls back: its timer fires "early".
	const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 15);
	const job = jobs.create({ provider: 'fal', mode: 'queue', input: {}, work: succeed });
	clock.mockRestore();
	// No deadline of its own (a busy machine may be slow): a job stuck in the queue fails this test by its timeout.
	const done = await job.finished;
	expect(done.state).toBe('succeeded');
	jobs.reset();
});
