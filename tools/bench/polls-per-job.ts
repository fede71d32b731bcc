/**
 * 6. Status requests per job: one item whose job runs 6 s at the provider (queue 0), and how many requests the
 * client spends learning it is done — fal status polls + status streams, Runflow run GETs — counted by the
 * emulator from its request log. The node against the bare client (tools/bench/raw-client.ts) doing what each
 * provider's own client does: fal-js's status stream, fal-js's default 500 ms polling, Runflow's SDK 2 s polling.
 * The node runs fal twice: as it is, and with the stream not offered (emulator fault `streamNotOffered`, 404, on
 * every stream request), which measures its polling (its fallback once it uses the stream).
 */
import type { EmulatorProcess } from '../e2e/lib/emulator';
import { smallImage } from './images';
import { FAL_CLIENT_POLL_MS, RUNFLOW_SDK_POLL_MS, type RawClientOptions, runRawClient } from './raw-client';
import { type Provider, nodeExecutionMs, runSam3, timed } from './sam3-runner';
import { addFault, statusRequests } from './emulator-controls';

export interface PollsPerJobRow {
	client: string;
	provider: 'fal' | 'runflow';
	who: 'node' | 'bare';
	/** True for the node run where the emulator answered every status stream request 404. */
	streamNotOffered?: boolean;
	jobMs: number;
	repeats: number;
	/** Means per job over the repeats. */
	polls: number;
	streams: number;
	statusRequests: number;
	/** Most status requests any one job got. */
	maxStatusRequests: number;
	/** Time to the result (node: n8n's executionTime; bare: wall time), mean. */
	resultMs: number;
}

export const POLLS_JOB_MS = 6_000;

interface Contender {
	client: string;
	provider: 'fal' | 'runflow';
	who: 'node' | 'bare';
	streamNotOffered?: boolean;
	run: () => Promise<number>;
}

export async function benchPollsPerJob(emulator: EmulatorProcess, jobMs = POLLS_JOB_MS, repeats = 2): Promise<PollsPerJobRow[]> {
	const imageUrl = await emulator.hostImage(await smallImage(), 'image/jpeg', 'polls-per-job.jpg');
	const input = { image_url: imageUrl, prompt: 'dog' };
	const node = (provider: Provider) => async () => {
		const run = await timed(async () => await runSam3(emulator, { provider, items: 1, parameters: { imageUrl, prompt: 'dog' } }));
		return nodeExecutionMs(run.result) ?? run.wallMs;
	};
	const bare = (options: RawClientOptions) => async () => (await timed(async () => await runRawClient(emulator.info, [input], 1, options))).wallMs;
	const contenders: Contender[] = [
		{ client: 'SAM 3 node, fal queue (default)', provider: 'fal', who: 'node', run: node('falApi') },
		{ client: 'SAM 3 node, fal queue, status stream not offered (404)', provider: 'fal', who: 'node', streamNotOffered: true, run: node('falApi') },
		{ client: 'bare client, fal status stream (fal-js streamStatus)', provider: 'fal', who: 'bare', run: bare({ falStatus: 'stream' }) },
		{ client: `bare client, fal polling every ${FAL_CLIENT_POLL_MS} ms (fal-js subscribe default)`, provider: 'fal', who: 'bare', run: bare({ falStatus: 'poll' }) },
		{ client: 'SAM 3 node, Runflow', provider: 'runflow', who: 'node', run: node('runflowApi') },
		{ client: `bare client, Runflow polling every ${RUNFLOW_SDK_POLL_MS / 1000} s (Runflow SDK)`, provider: 'runflow', who: 'bare', run: bare({ provider: 'runflow' }) },
	];
	// Warm-up at latency 0: the first run of each code path loads and compiles it.
	await emulator.setTiming({ latencyMs: 0, queueMs: 0, dispatchMs: 0 });
	for (const contender of contenders) await contender.run();
	await emulator.setTiming({ latencyMs: jobMs, queueMs: 0, dispatchMs: 0 });

	const rows: PollsPerJobRow[] = [];
	for (const contender of contenders) {
		const sums = { polls: 0, streams: 0, resultMs: 0 };
		let max = 0;
		for (let i = 0; i < repeats; i++) {
			await emulator.reset();
			if (contender.streamNotOffered) {
				await addFault(emulator.info.urls.control, { route: 'fal.status.stream', times: 'always', fault: { kind: 'streamNotOffered', status: 404 } });
			}
			sums.resultMs += await contender.run();
			const counted = (await statusRequests(emulator.info.urls.control))[contender.provider];
			sums.polls += counted.polls;
			sums.streams += counted.streams;
			max = Math.max(max, counted.maxPerJob);
		}
		const mean = (value: number) => Math.round((value / repeats) * 10) / 10;
		rows.push({
			client: contender.client,
			provider: contender.provider,
			who: contender.who,
			...(contender.streamNotOffered && { streamNotOffered: true }),
			jobMs,
			repeats,
			polls: mean(sums.polls),
			streams: mean(sums.streams),
			statusRequests: mean(sums.polls + sums.streams),
			maxStatusRequests: max,
			resultMs: Math.round(sums.resultMs / repeats),
		});
	}
	return rows;
}
