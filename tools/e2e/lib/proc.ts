/** Child-process and port helpers shared by the end-to-end runner. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

export interface RunResult {
	code: number | null;
	/** The signal that ended the process, when one did (then code is null). */
	signal?: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	timeoutMs?: number;
}

/** Runs a command to completion, collecting its output; kills it (and fails) after timeoutMs. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
	const started = Date.now();
	return new Promise((resolvePromise, reject) => {
		const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`${cmd} ${args.join(' ')} timed out after ${opts.timeoutMs} ms\n${tail(stdout + stderr)}`));
		}, opts.timeoutMs ?? 120_000);
		child.on('error', (err) => {
			clearTimeout(timer);
			reject(err);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolvePromise({ code, signal, stdout, stderr, ms: Date.now() - started });
		});
	});
}

/** Like run(), but throws with the output when the exit code is not 0. */
export async function runOk(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
	const result = await run(cmd, args, opts);
	if (result.code !== 0) {
		throw new Error(`${cmd} ${args.join(' ')} exited ${result.code}\n${tail(result.stdout + result.stderr)}`);
	}
	return result;
}

/** Last lines of a long output, for error messages. */
export function tail(text: string, lines = 40): string {
	return text.split('\n').slice(-lines).join('\n');
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
	return new Promise((resolvePromise, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolvePromise(port));
		});
	});
}

/** A long-running child whose output is kept for diagnostics. */
export interface Background {
	child: ChildProcess;
	output: () => string;
	/** Resolves with the first regex match in the output, or rejects when the process exits or time runs out. */
	waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
	stop: () => Promise<void>;
}

/** Process groups still running; killed when this process exits, whatever the reason. */
const liveGroups = new Set<number>();
process.once('exit', () => {
	for (const pid of liveGroups) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {}
	}
});

export function startBackground(cmd: string, args: string[], opts: SpawnOptions): Background {
	// detached: the child leads its own process group, so stop() ends its children too.
	const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	if (child.pid) liveGroups.add(child.pid);
	child.once('exit', () => liveGroups.delete(child.pid!));
	let out = '';
	const listeners = new Set<() => void>();
	const onData = (d: Buffer) => {
		out += d.toString();
		for (const l of listeners) l();
	};
	child.stdout?.on('data', onData);
	child.stderr?.on('data', onData);
	const exited = new Promise<void>((r) => child.once('exit', () => r()));

	const waitFor = (pattern: RegExp, timeoutMs: number) =>
		new Promise<RegExpMatchArray>((resolvePromise, reject) => {
			const check = () => {
				const m = out.match(pattern);
				if (m) done(() => resolvePromise(m));
			};
			const timer = setTimeout(
				() => done(() => reject(new Error(`timed out waiting for ${pattern} from ${cmd}\n${tail(out)}`))),
				timeoutMs,
			);
			const onExit = () => done(() => reject(new Error(`${cmd} exited before ${pattern}\n${tail(out)}`)));
			const done = (fn: () => void) => {
				clearTimeout(timer);
				listeners.delete(check);
				child.off('exit', onExit);
				fn();
			};
			listeners.add(check);
			child.once('exit', onExit);
			check();
		});

	const stop = async () => {
		if (child.exitCode !== null || child.signalCode !== null) return;
		try {
			process.kill(-child.pid!, 'SIGTERM');
		} catch {
			return;
		}
		const killer = setTimeout(() => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {}
		}, 10_000);
		await exited;
		clearTimeout(killer);
	};
	return { child, output: () => out, waitFor, stop };
}
