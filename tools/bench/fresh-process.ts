/** Runs a worker.ts task in a new node process and returns its result. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import type { WorkerTask } from './worker';

export async function inFreshProcess<T>(task: WorkerTask): Promise<T> {
	const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'worker.ts'), JSON.stringify(task)], {
		cwd: join(__dirname, '..', '..'),
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
	const line = output.split('\n').find((l) => l.startsWith('RESULT '));
	if (code !== 0 || !line) throw new Error(`Benchmark worker ${task.task} failed (exit ${code}): ${output.slice(-500)}`);
	return JSON.parse(line.slice('RESULT '.length)) as T;
}
