/**
 * The benchmark's provider emulator, run as a CHILD PROCESS (emulator-process.ts) and driven over its HTTP
 * controls (/__emulator, see test/emulator/control.ts). Its CPU work (sharp encoding, JSON) stays off the node's
 * event loop and its memory out of the node's RSS; both processes still share the machine's cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';

import type { EmulatorOptions, LogEntry, RouteName, Timing } from '../emulator';

const REPO_ROOT = join(__dirname, '..', '..');

export interface EmulatorInfo {
	urls: { base: string; falRun: string; falQueue: string; falRest: string; runflow: string; files: string; control: string };
	keys: { fal: string; runflow: string };
}

export interface EmulatorStats {
	inFlight: Record<string, number>;
	peakInFlight: Record<string, number>;
	jobs: Record<string, { created: number; succeeded: number; failed: number; cancelled: number }>;
	routes: Partial<Record<RouteName, number>>;
}

export class ChildEmulator {
	private constructor(
		private readonly child: ChildProcess | undefined,
		readonly info: EmulatorInfo,
	) {}

	/** Drives an emulator another process started (a benchmark worker uses its parent's emulator). */
	static async attach(url: string): Promise<ChildEmulator> {
		return new ChildEmulator(undefined, (await call('GET', `${url}/__emulator/info`)) as EmulatorInfo);
	}

	static async start(options: Omit<EmulatorOptions, 'port'> = {}): Promise<ChildEmulator> {
		const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'emulator-process.ts'), JSON.stringify(options)], {
			cwd: REPO_ROOT,
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		const lines = createInterface({ input: child.stdout! });
		const [line] = (await Promise.race([
			once(lines, 'line'),
			once(child, 'exit').then(() => {
				throw new Error('The emulator child process exited before it was ready');
			}),
		])) as [string];
		const { url } = JSON.parse(line) as { url: string };
		const info = (await call('GET', `${url}/__emulator/info`)) as EmulatorInfo;
		return new ChildEmulator(child, info);
	}

	get pid(): number | undefined {
		return this.child?.pid;
	}

	private async control(method: string, path: string, body?: unknown): Promise<unknown> {
		return await call(method, `${this.info.urls.control}/${path}`, body);
	}

	async setTiming(timing: Partial<Timing>): Promise<void> {
		await this.control('PUT', 'defaults', timing);
	}

	/** Drops jobs, faults, scripts, the log and generated files (hosted images stay). */
	async reset(): Promise<void> {
		await this.control('POST', 'reset');
	}

	async stats(): Promise<EmulatorStats> {
		return (await this.control('GET', 'stats')) as EmulatorStats;
	}

	async log(route?: RouteName): Promise<LogEntry[]> {
		return (await this.control('GET', `log${route ? `?route=${route}` : ''}`)) as LogEntry[];
	}

	async hostImage(bytes: Buffer, contentType: string, name: string): Promise<string> {
		const { body } = await request(`${this.info.urls.control}/images?name=${encodeURIComponent(name)}`, {
			method: 'POST',
			headers: { 'content-type': contentType },
			body: bytes,
		});
		return ((await body.json()) as { url: string }).url;
	}

	async close(): Promise<void> {
		if (!this.child || this.child.exitCode !== null) return;
		const exited = once(this.child, 'exit');
		this.child.kill('SIGTERM');
		await exited;
	}
}

async function call(method: string, url: string, body?: unknown): Promise<unknown> {
	const response = await request(url, {
		method: method as 'GET',
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.body.text();
	if (response.statusCode >= 300) throw new Error(`Emulator control ${method} ${url}: HTTP ${response.statusCode} ${text}`);
	return text ? JSON.parse(text) : undefined;
}
