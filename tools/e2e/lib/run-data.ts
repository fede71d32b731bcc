/** Parsing `n8n execute --rawOutput` and reading the binary files it refers to. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from './proc';

export interface BinaryRef {
	data?: string;
	id?: string;
	mimeType?: string;
	fileName?: string;
	fileExtension?: string;
	fileSize?: string;
	[key: string]: unknown;
}

export interface OutputItem {
	json: Record<string, any>;
	binary?: Record<string, BinaryRef>;
	pairedItem?: { item: number } | Array<{ item: number }> | number;
	error?: unknown;
}

export interface TaskData {
	executionStatus?: string;
	error?: { message?: string; description?: string; [key: string]: unknown };
	data?: { main?: Array<OutputItem[] | null> };
}

export interface ExecuteResult {
	exitCode: number | null;
	signal?: NodeJS.Signals | null;
	/** The whole IRun object n8n printed (undefined when it printed none). */
	run?: { data?: { resultData?: { runData?: Record<string, TaskData[]>; error?: any; lastNodeExecuted?: string } }; [k: string]: any };
	stdout: string;
	stderr: string;
	ms: number;
	/** Output items of a node's first run (first output unless given). */
	items(nodeName: string, output?: number): OutputItem[];
	/** Task data of a node's first run. */
	task(nodeName: string): TaskData;
	/** The error message the run ended with, if any. */
	errorMessage(): string | undefined;
	/** The bytes of a binary property, whichever way this n8n line stored them. */
	binary(ref: BinaryRef): Buffer;
}

/** JSON printed from the first line that is exactly `{` up to the first line that is exactly `}`. */
export function extractRawJson(stdout: string): unknown | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((l) => l === '{');
	if (start < 0) return undefined;
	const end = lines.findIndex((l, i) => i > start && l === '}');
	if (end < 0) throw new Error(`n8n output has an opening { but no closing }:\n${stdout.slice(-2000)}`);
	return JSON.parse(lines.slice(start, end + 1).join('\n'));
}

/**
 * Whether `n8n execute` reported a failed run: exit code 1, or (n8n 2.41.1 on Node 24, seen intermittently on a
 * busy machine) a SIGSEGV while the process exits after it printed the run with status "error". The crash is in
 * n8n's exit path, after the answer; a run that printed success never counts.
 */
export function endedInFailure(result: ExecuteResult): boolean {
	if (result.exitCode === 1) return true;
	return result.exitCode === null && result.signal === 'SIGSEGV' && result.run?.status === 'error';
}

export function parseExecuteOutput(result: RunResult, home: { userFolder: string; n8nDir: string }): ExecuteResult {
	const run = extractRawJson(result.stdout) as ExecuteResult['run'];
	const runData = () => {
		const data = run?.data?.resultData?.runData;
		if (!data) throw new Error(`n8n printed no run data (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
		return data;
	};
	const task = (nodeName: string): TaskData => {
		const tasks = runData()[nodeName];
		if (!tasks?.length) {
			throw new Error(`node "${nodeName}" did not run; ran: ${Object.keys(runData()).join(', ')}`);
		}
		return tasks[0];
	};
	return {
		exitCode: result.code,
		signal: result.signal,
		run,
		stdout: result.stdout,
		stderr: result.stderr,
		ms: result.ms,
		task,
		items(nodeName, output = 0) {
			const t = task(nodeName);
			if (t.error) throw new Error(`node "${nodeName}" failed: ${t.error.message} ${t.error.description ?? ''}`);
			return t.data?.main?.[output] ?? [];
		},
		errorMessage() {
			const error = run?.data?.resultData?.error;
			return error ? [error.message, error.description].filter(Boolean).join(': ') : undefined;
		},
		binary: (ref) => readBinary(ref, home.n8nDir),
	};
}

/**
 * n8n 1.x (default binary mode) prints the bytes inline as base64; n8n 2.x stores them on disk and prints
 * an id such as `filesystem-v2:workflows/…/binary_data/<uuid>`, relative to `<.n8n>/storage`.
 */
export function readBinary(ref: BinaryRef, n8nDir: string): Buffer {
	if (ref.id) {
		const [mode, fileId] = splitId(ref.id);
		const candidates = ['storage', 'binaryData'].map((d) => join(n8nDir, d, fileId));
		const file = candidates.find((c) => existsSync(c));
		if (!file) throw new Error(`binary ${ref.id} (${mode}) not found under ${candidates.join(' or ')}`);
		return readFileSync(file);
	}
	if (typeof ref.data === 'string' && ref.data.length > 0) return Buffer.from(ref.data, 'base64');
	throw new Error(`binary property has neither id nor data: ${JSON.stringify(ref).slice(0, 300)}`);
}

function splitId(id: string): [string, string] {
	const colon = id.indexOf(':');
	if (colon < 0) throw new Error(`unexpected binary id ${id}`);
	return [id.slice(0, colon), id.slice(colon + 1)];
}
