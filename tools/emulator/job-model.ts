/** The job record and its failure shapes, shared by the job manager and the provider routes. */
import type { ModelOutput } from './inference';
import type { VideoOutput } from './video-inference';
import type { JobMode, JobOutcome, JobState, Provider, Timing } from './types';

/** Why a job failed, with what each provider needs to report it. */
export interface JobFailure {
	message: string;
	/** fal: error_type, result HTTP status, result body (default {detail, error_type}), timeout type. */
	errorType: string;
	status: number;
	body?: unknown;
	timeoutType?: 'user';
	/** Runflow: failure_code and failure_stage_code. */
	failureCode: string;
	failureStage: string;
}

/** An image endpoint's output (masks or RLE) or a video endpoint's (fal's answer for it). */
export type JobOutput = ModelOutput | VideoOutput;

/** `summary`: the job's last log line when it is not an image's mask count (a video's). */
export type WorkResult = { ok: true; output: JobOutput; inferenceMs: number; summary?: string } | { ok: false; failure: JobFailure };

export interface JobLogLine {
	message: string;
	level: 'INFO' | 'ERROR';
	source: 'user';
	timestamp: string;
}

export interface Job {
	id: string;
	provider: Provider;
	mode: JobMode;
	input: unknown;
	prompt?: string;
	priority: 'normal' | 'low';
	timing: Timing;
	outcome: JobOutcome;
	state: JobState;
	createdAt: number;
	readyAt: number;
	dispatchedAt?: number;
	startedAt?: number;
	completedAt?: number;
	output?: JobOutput;
	/** Scripted answer body of a succeeded job (ScriptRule.resultBody); see resultBodyOf. */
	resultBody?: unknown;
	inferenceMs?: number;
	failure?: JobFailure;
	logs: JobLogLine[];
	/** Provider specifics (webhook URL, callback_url, metadata, client_ref…). */
	extra: Record<string, unknown>;
	/** Resolves when the job is terminal. */
	finished: Promise<Job>;
}

export interface CreateJob {
	provider: Provider;
	mode: JobMode;
	input: unknown;
	prompt?: string;
	priority?: 'normal' | 'low';
	/** Start deadline: still queued after this many ms -> fails with a user timeout. */
	startTimeoutMs?: number;
	extra?: Record<string, unknown>;
	/** The model's work, run while the job is `running`. */
	work: (job: Job) => Promise<WorkResult>;
	onTerminal?: (job: Job) => void;
}

/** What a succeeded job answers with: its scripted body (a function gets the provider's default), else the default. */
export function resultBodyOf(job: Job, providerDefault: unknown): unknown {
	if (!('resultBody' in job)) return providerDefault;
	return typeof job.resultBody === 'function' ? (job.resultBody as (body: unknown) => unknown)(providerDefault) : job.resultBody;
}

const TERMINAL: JobState[] = ['succeeded', 'failed', 'cancelled'];
export const isTerminal = (job: Job) => TERMINAL.includes(job.state);

export function failureFromOutcome(outcome: Extract<JobOutcome, { type: 'fail' }>): JobFailure {
	const message = outcome.message ?? 'The model failed to process the request';
	return {
		message,
		errorType: outcome.errorType ?? 'internal_error',
		status: outcome.status ?? 500,
		failureCode: outcome.failureCode ?? 'MODEL_ERROR',
		failureStage: outcome.failureStage ?? 'running',
	};
}

