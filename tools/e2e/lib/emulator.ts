/**
 * The provider emulator (tools/emulator/cli.ts) OUT OF PROCESS, and its controls over HTTP (/__emulator, see
 * tools/emulator/control.ts). Used by the end-to-end runs (a real n8n talks to it) and the benchmarks (its CPU work
 * and memory stay out of the measured process). Tests in jest use it in process: test/support/use-emulator.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorOptions, LogEntry, RouteName, Timing } from '../../emulator';
import type { CredentialFixture } from './n8n-home';
import { repoRoot } from './lines';
import { startBackground, type Background } from './proc';

/** GET /__emulator/info */
export interface EmulatorInfo {
	urls: { base: string; falRun: string; falQueue: string; falRest: string; runflow: string; files: string; control: string };
	keys: { fal: string; runflow: string };
}

/** GET /__emulator/stats */
export interface EmulatorStats {
	inFlight: Record<string, number>;
	peakInFlight: Record<string, number>;
	jobs: Record<string, { created: number; started: number; succeeded: number; failed: number; cancelled: number }>;
	routes: Partial<Record<RouteName, number>>;
}

export interface EmulatorProcess {
	/** The child's pid; undefined when attached to an emulator another process started. */
	pid: number | undefined;
	info: EmulatorInfo;
	port: number;
	/** http://127.0.0.1:PORT */
	origin: string;
	falRunUrl: string;
	falQueueUrl: string;
	falRestUrl: string;
	runflowUrl: string;
	/** The file host (deliberately "localhost", a different host from the API). */
	filesUrl: string;
	/** Keys the emulator accepts. */
	keys: { fal: string; runflow: string };
	/** POST/GET an emulator control endpoint under /__emulator/. */
	control: (path: string, body?: unknown) => Promise<any>;
	/** Job timing from now on (PUT defaults). */
	setTiming: (timing: Partial<Timing>) => Promise<void>;
	/** Drops jobs, faults, scripts, the log and generated files (hosted images stay). */
	reset: () => Promise<void>;
	stats: () => Promise<EmulatorStats>;
	log: (route?: RouteName) => Promise<LogEntry[]>;
	/** Serves the bytes on the file host; resolves to their URL. */
	hostImage: (bytes: Buffer, contentType: string, name: string) => Promise<string>;
	output: () => string;
	stop: () => Promise<void>;
}

export const emulatorCli = join(repoRoot, 'tools', 'emulator', 'cli.ts');

export function emulatorExists(): boolean {
	return existsSync(emulatorCli);
}

/**
 * Starts `tsx tools/emulator/cli.ts 0` (a free port) and reads its addresses and valid keys from /__emulator/info.
 * `env` is the child's extra environment (cli.ts's EMULATOR_* variables); `options` any other emulator options
 * (e.g. `{ concurrency: { fal: 8 } }`), passed as EMULATOR_OPTIONS.
 */
export async function startEmulator(env: Record<string, string> = {}, options: Omit<EmulatorOptions, 'port'> = {}): Promise<EmulatorProcess> {
	if (!emulatorExists()) throw new Error(`the provider emulator is missing: ${emulatorCli}`);
	const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
	const childEnv = { ...process.env, ...env, ...(Object.keys(options).length ? { EMULATOR_OPTIONS: JSON.stringify(options) } : {}) };
	const proc: Background = startBackground(tsx, [emulatorCli, '0'], { cwd: repoRoot, env: childEnv });
	let port: number;
	try {
		// cli.ts prints {"ready":true,"url":…,"port":…} once it listens.
		const match = await proc.waitFor(/^\{"ready":true.*"port":(\d+)/m, 60_000);
		port = Number(match[1]);
	} catch (error) {
		await proc.stop();
		throw error;
	}
	return await addressed(`http://127.0.0.1:${port}`, proc);
}

/** Drives an emulator another process started (a benchmark worker uses its parent's); stop() leaves it running. */
export async function attachEmulator(origin: string): Promise<EmulatorProcess> {
	return await addressed(origin.replace(/\/+$/, ''));
}

async function addressed(origin: string, proc?: Background): Promise<EmulatorProcess> {
	const request = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
		const res = await fetch(`${origin}/__emulator/${path.replace(/^\//, '')}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': contentType },
			body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`emulator control ${method} ${path}: HTTP ${res.status} ${text}`);
		return text ? JSON.parse(text) : undefined;
	};
	const control = async (path: string, body?: unknown) => await request(body === undefined ? 'GET' : 'POST', path, body);
	const info = (await control('info')) as EmulatorInfo;
	return {
		pid: proc?.child.pid,
		info,
		port: Number(new URL(origin).port),
		origin,
		falRunUrl: info.urls.falRun,
		falQueueUrl: info.urls.falQueue,
		falRestUrl: info.urls.falRest,
		runflowUrl: info.urls.runflow,
		filesUrl: info.urls.files,
		keys: { fal: info.keys.fal, runflow: info.keys.runflow },
		control,
		setTiming: async (timing) => void (await request('PUT', 'defaults', timing)),
		reset: async () => void (await control('reset', {})),
		stats: async () => (await control('stats')) as EmulatorStats,
		log: async (route) => (await control(`log${route ? `?route=${route}` : ''}`)) as LogEntry[],
		hostImage: async (bytes, contentType, name) => ((await request('POST', `images?name=${encodeURIComponent(name)}`, bytes, contentType)) as { url: string }).url,
		output: proc?.output ?? (() => ''),
		stop: proc?.stop ?? (async () => undefined),
	};
}

export const FAL_CREDENTIAL_ID = 'sam3e2efal000001';
export const RUNFLOW_CREDENTIAL_ID = 'sam3e2erunflow01';

/** Credentials pointed at the emulator (or at the real providers when given real keys and URLs). */
export function providerCredentials(urls: {
	falKey: string;
	falRunUrl: string;
	falQueueUrl: string;
	falRestUrl: string;
	runflowKey: string;
	runflowUrl: string;
	runflowOrganizationId?: string;
}): CredentialFixture[] {
	return [
		{
			id: FAL_CREDENTIAL_ID,
			name: 'fal.ai account',
			type: 'falApi',
			data: { apiKey: urls.falKey, runUrl: urls.falRunUrl, queueUrl: urls.falQueueUrl, restUrl: urls.falRestUrl },
		},
		{
			id: RUNFLOW_CREDENTIAL_ID,
			name: 'Runflow account',
			type: 'runflowApi',
			data: { apiKey: urls.runflowKey, baseUrl: urls.runflowUrl, organizationId: urls.runflowOrganizationId ?? '' },
		},
	];
}

/** Credentials for the emulator, with keys it accepts. */
export function emulatorCredentials(emulator: EmulatorProcess, keys = emulator.keys) {
	return providerCredentials({
		falKey: keys.fal,
		falRunUrl: emulator.falRunUrl,
		falQueueUrl: emulator.falQueueUrl,
		falRestUrl: emulator.falRestUrl,
		runflowKey: keys.runflow,
		runflowUrl: emulator.runflowUrl,
	});
}

/** Credentials for the real providers, keys from FAL_KEY / RUNFLOW_API_KEY (RUNFLOW_ORGANIZATION_ID optional). */
export function realProviderCredentials() {
	return providerCredentials({
		falKey: process.env.FAL_KEY ?? '',
		falRunUrl: 'https://fal.run',
		falQueueUrl: 'https://queue.fal.run',
		falRestUrl: 'https://rest.fal.ai',
		runflowKey: process.env.RUNFLOW_API_KEY ?? '',
		runflowUrl: 'https://api.runflow.io',
		runflowOrganizationId: process.env.RUNFLOW_ORGANIZATION_ID,
	});
}
