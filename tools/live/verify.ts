/**
 * The live contract check (issue 34): runs the SAM 3 node, through the real n8n engine, once per endpoint it
 * offers against the real providers, records each raw answer (redacted), runs the same request against the
 * emulator and lists every difference in shape. Entry point for `npm run verify:live`: cli.ts.
 */
import type { INodeTypeDescription } from 'n8n-workflow';

import { type Emulator, startEmulator } from '../emulator';
import { compareRecordings } from './compare';
import { BUDGET_USD, LIVE_ENDPOINTS, type LiveEndpoint, type LiveProvider, type MeasuredSample, SAMPLES, type Sample, type SampleName } from './endpoints';
import { nodeOffers } from './offered';
import { type RecordingProxy, type Upstreams, startRecordingProxy } from './proxy';
import { RECORDING_FORMAT, type Recording, writeRecording } from './recording';
import { type NodeClass, PROXY_PREFIX, type ProviderTarget, type RunMedia, runEndpoint } from './run-endpoint';
import { type LoadedSample, loadSample } from './samples';
import { redactUrl } from './redact';

export const DEFAULT_URLS = {
	fal: { run: 'https://fal.run', queue: 'https://queue.fal.run', rest: 'https://rest.fal.ai' },
	runflow: { api: 'https://api.runflow.io' },
};

export interface VerifyOptions {
	/** The SAM 3 node class to check: its description says what it offers, and it runs every request. */
	node: NodeClass;
	/** Keys and where they go; a provider without a key is skipped. */
	targets: Partial<Record<LiveProvider, ProviderTarget>>;
	/** Run without asking (CI). */
	yes?: boolean;
	/** Asks the user; resolves true to go on. Without it (and without `yes`) nothing is spent. */
	confirm?: (question: string) => Promise<boolean>;
	/** Endpoint ids (or parts of them) to run; default all. */
	only?: string[];
	budgetUsd?: number;
	/** Where live recordings go (default test/live/recorded). */
	recordDir: string;
	out: (line: string) => void;
	/** For the tool's own tests: other endpoints or samples (default LIVE_ENDPOINTS, SAMPLES). */
	endpoints?: LiveEndpoint[];
	samples?: Partial<Record<SampleName, Sample>>;
}

export const EXIT = { ok: 0, differences: 1, refused: 2 } as const;

const usd = (value: number) => `$${value.toFixed(3)}`;
const KEY_NAME: Record<LiveProvider, string> = { fal: 'FAL_KEY', runflow: 'RUNFLOW_API_KEY' };

interface Planned {
	endpoint: LiveEndpoint;
	skip?: string;
}

function plan(options: VerifyOptions, description: INodeTypeDescription): Planned[] {
	const endpoints = options.endpoints ?? LIVE_ENDPOINTS;
	return endpoints
		.filter((endpoint) => !options.only?.length || options.only.some((part) => endpoint.id === part || (!endpoints.some((other) => other.id === part) && endpoint.id.includes(part))))
		.map((endpoint) => {
			const offer = nodeOffers(description, endpoint);
			if (!offer.offered) return { endpoint, skip: offer.reason };
			if (!options.targets[endpoint.provider]) return { endpoint, skip: `${KEY_NAME[endpoint.provider]} not set` };
			return { endpoint };
		});
}

function upstreamsOf(targets: VerifyOptions['targets']): Upstreams {
	const upstreams: Upstreams = {};
	if (targets.fal) Object.assign(upstreams, { [PROXY_PREFIX.falRun]: targets.fal.urls.run, [PROXY_PREFIX.falQueue]: targets.fal.urls.queue, [PROXY_PREFIX.falRest]: targets.fal.urls.rest });
	if (targets.runflow) upstreams[PROXY_PREFIX.runflow] = targets.runflow.urls.api;
	return upstreams;
}

function explain(options: VerifyOptions, planned: Planned[], clipFrames?: MeasuredSample): void {
	const { out } = options;
	out('npm run verify:live: a live contract check of the SAM 3 node against fal.ai and Runflow.');
	out('With FAL_KEY and/or RUNFLOW_API_KEY set it would, for each endpoint below the node offers:');
	out('  1. run the node through the real n8n engine on a small public sample, its credential pointed at a local');
	out('     recording proxy that forwards every request to the provider unchanged;');
	out(`  2. record the raw answers (status events, result JSON, headers, files; keys and links redacted) under ${options.recordDir};`);
	out("  3. run the same request against the provider emulator and list every difference in shape;");
	out('  4. exit 1 on any difference. It prints the estimated cost first and asks before spending (or --yes).');
	out('');
	let total = 0;
	for (const { endpoint, skip } of planned) {
		const offered = !skip || skip.endsWith('not set');
		// Photos cost the same at any size; the clip is this repository's file, measured without a network.
		const cost = endpoint.estimateUsd(clipFrames && endpoint.sample === 'clip' ? clipFrames : { name: endpoint.sample, width: 0, height: 0, frames: 1, bytes: 0 });
		if (offered) total += cost;
		out(`  ${endpoint.provider.padEnd(8)}${endpoint.id.padEnd(34)}${offered ? `${usd(cost).padStart(7)}  ${endpoint.price}` : `   skip  ${skip}`}`);
	}
	out(`  estimated total ${usd(total)} (budget ${usd(options.budgetUsd ?? BUDGET_USD)})`);
	out('');
	out('No key is set: nothing was sent. See docs/live-contract-check.md.');
}

/** The reference side: the emulator, with the samples hosted on its file host. */
async function startReference(): Promise<{ emulator: Emulator; proxy: RecordingProxy; targets: Record<LiveProvider, ProviderTarget> }> {
	const emulator = await startEmulator({ defaults: { latencyMs: 30, queueMs: 20, dispatchMs: 10 } });
	const targets = {
		fal: { key: emulator.keys.fal, urls: { run: emulator.falRunUrl, queue: emulator.falQueueUrl, rest: emulator.falRestUrl } },
		runflow: { key: emulator.keys.runflow, urls: { api: emulator.runflowUrl } },
	};
	const proxy = await startRecordingProxy(upstreamsOf(targets), [emulator.keys.fal, emulator.keys.runflow]);
	return { emulator, proxy, targets };
}

function mediaFor(loaded: LoadedSample, url: string): RunMedia {
	if (loaded.sample.kind === 'image') return { kind: 'url', url };
	return { kind: 'binary', bytes: loaded.bytes, mimeType: loaded.mimeType, fileName: loaded.sample.path.split('/').at(-1)! };
}

async function record(node: NodeClass, endpoint: LiveEndpoint, source: Recording['source'], loaded: LoadedSample, media: RunMedia, key: string, proxy: RecordingProxy): Promise<Recording> {
	proxy.take();
	const outcome = await runEndpoint(node, endpoint, media, key, proxy);
	const exchanges = proxy.take();
	const parameters = { ...endpoint.parameters, ...(media.kind === 'url' ? { imageUrl: redactUrl(media.url) } : { media: `binary ${loaded.measured.bytes} bytes` }) };
	const redactedNode = proxy.redact(outcome);
	return { format: RECORDING_FORMAT, endpoint: endpoint.id, provider: endpoint.provider, source, recordedAt: new Date().toISOString(), sample: loaded.measured, parameters, exchanges, node: redactedNode };
}

export async function verifyLive(options: VerifyOptions): Promise<number> {
	const { out } = options;
	const budget = options.budgetUsd ?? BUDGET_USD;
	const planned = plan(options, new options.node().description);
	if (!options.targets.fal && !options.targets.runflow) {
		const clip = options.samples?.clip ?? SAMPLES.clip;
		explain(options, planned, (await loadSample('clip', clip).catch(() => undefined))?.measured);
		return EXIT.ok;
	}
	const runnable = planned.filter((entry) => !entry.skip);
	for (const { endpoint, skip } of planned) if (skip) out(`skip ${endpoint.id}: ${skip}`);
	if (!runnable.length) {
		out('Nothing to run.');
		return EXIT.ok;
	}

	const samples: Partial<Record<SampleName, LoadedSample>> = {};
	for (const name of new Set(runnable.map(({ endpoint }) => endpoint.sample))) {
		samples[name] = await loadSample(name, options.samples?.[name] ?? SAMPLES[name]);
	}
	let total = 0;
	out('Plan (estimated list prices):');
	for (const { endpoint } of runnable) {
		const sample = samples[endpoint.sample]!.measured;
		const cost = endpoint.estimateUsd(sample);
		total += cost;
		const size = `${sample.width}×${sample.height}${sample.frames > 1 ? `, ${sample.frames} frames` : ''}`;
		out(`  ${endpoint.provider.padEnd(8)}${endpoint.id.padEnd(34)}${usd(cost).padStart(7)}  ${sample.name} (${size}); ${endpoint.price}`);
	}
	out(`  total ${usd(total)} (budget ${usd(budget)})`);
	if (total > budget) {
		out(`Refused: the estimate ${usd(total)} is over the budget ${usd(budget)}. Run fewer endpoints (--only) or raise --budget.`);
		return EXIT.refused;
	}
	if (!options.yes) {
		const go = options.confirm ? await options.confirm(`Spend about ${usd(total)} on ${runnable.length} run(s)? [y/N] `) : false;
		if (!go) {
			out(options.confirm ? 'Nothing was sent.' : 'Nothing was sent: pass --yes to run without asking (no terminal to ask on).');
			return EXIT.refused;
		}
	}

	const secrets = Object.values(options.targets).map((target) => target!.key);
	const liveProxy = await startRecordingProxy(upstreamsOf(options.targets), secrets);
	const reference = await startReference();
	const hosted: Partial<Record<SampleName, string>> = {};
	for (const [name, loaded] of Object.entries(samples) as Array<[SampleName, LoadedSample]>) {
		if (loaded.sample.kind === 'image') hosted[name] = reference.emulator.hostImage(loaded.bytes, loaded.mimeType, `${name}.${loaded.mimeType.split('/')[1]}`);
	}
	let failed = 0;
	try {
		for (const { endpoint } of runnable) {
			const loaded = samples[endpoint.sample]!;
			const target = options.targets[endpoint.provider]!;
			out('');
			out(`${endpoint.provider} ${endpoint.id}`);
			let differences: string[];
			try {
				const live = await record(options.node, endpoint, 'live', loaded, mediaFor(loaded, loaded.sample.kind === 'image' ? loaded.sample.url : ''), target.key, liveProxy);
				out(`  recorded ${writeRecording(options.recordDir, live)}`);
				const emulated = await record(options.node, endpoint, 'emulator', loaded, mediaFor(loaded, hosted[endpoint.sample] ?? ''), reference.targets[endpoint.provider].key, reference.proxy);
				const comparison = compareRecordings(live, emulated);
				for (const note of comparison.notes) out(`  note: ${note}`);
				differences = comparison.differences;
			} catch (error) {
				// The check itself broke on this endpoint (not the node: its errors are in the recording): say so, go on.
				differences = [`the check could not run this endpoint: ${liveProxy.redact((error as Error).message)}`];
			}
			if (differences.length) {
				failed++;
				out(`  ${differences.length} difference(s) from the emulator:`);
				for (const line of differences) out(`  - ${line}`);
			} else out('  same shape as the emulator');
		}
	} finally {
		await liveProxy.close();
		await reference.proxy.close();
		await reference.emulator.close();
	}
	out('');
	out(`Estimated spend: ${usd(total)}. ${failed ? `${failed} of ${runnable.length} endpoint(s) differ from the emulator: act on the list above.` : `All ${runnable.length} endpoint(s) answer as the emulator does.`}`);
	return failed ? EXIT.differences : EXIT.ok;
}
