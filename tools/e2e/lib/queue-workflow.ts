/** The webhook workflow the queue suite and the queue-mode benchmark run: one execution per webhook call. */
import { randomUUID } from 'node:crypto';
import { FAL_CREDENTIAL_ID } from './emulator';
import type { Workflow } from './examples';
import type { N8nHome } from './n8n-home';
import { callWebhook, FINISHED, readExecution, type FinishedExecution, type N8nServer } from './n8n-server';
import type { OutputItem } from './run-data';
import { chain, node } from './workflows';

/** One row of the webhook body: becomes one item (Split Out) and one SAM 3 job. */
export interface SegmentRow {
	imageUrl: string;
	prompt: string;
	n: number;
}

/**
 * Webhook (POST `path`, answers at once: the execution runs on its own) → Split Out `body.rows` → SAM 3 on fal
 * (URL and prompt from the row, Max Concurrent Jobs `cap`, On Error → Continue).
 */
export function webhookSegmentWorkflow(opts: { id: string; path: string; cap: number }): Workflow {
	const webhook = node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'POST', path: opts.path, responseMode: 'onReceived', options: {} },
		{ webhookId: randomUUID() },
	);
	const rows = node('Rows', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.rows', include: 'noOtherFields', options: {} });
	const sam3 = node(
		'SAM 3',
		'n8n-nodes-sam3.sam3',
		1,
		{
			authentication: 'falApi',
			operation: 'segment',
			imageSource: 'url',
			imageUrl: '={{ $json.imageUrl }}',
			prompt: '={{ $json.prompt }}',
			options: { maxConcurrency: opts.cap },
		},
		{ credentials: { falApi: { id: FAL_CREDENTIAL_ID, name: 'fal.ai account' } }, onError: 'continueRegularOutput' },
	);
	return chain(opts.id, `e2e webhook segment (${opts.path})`, [webhook, rows, sam3]);
}

/** The webhook body an execution started with, whatever its Webhook node is named (n8n 2.x drops it from a lost execution). */
export function webhookBody(execution: FinishedExecution): any {
	for (const tasks of Object.values(execution.data.resultData.runData)) {
		const json = tasks?.[0]?.data?.main?.[0]?.[0]?.json;
		if (json && typeof json === 'object' && 'headers' in json && 'body' in json) return json.body;
	}
	return undefined;
}

/** The SAM 3 node's output items (throws when it did not run). */
export function sam3Items(execution: FinishedExecution): OutputItem[] {
	const task = execution.data.resultData.runData['SAM 3']?.[0];
	if (!task) throw new Error(`SAM 3 did not run in execution ${execution.id} (ran: ${Object.keys(execution.data.resultData.runData)})`);
	return (task.data?.main?.[0] ?? []) as OutputItem[];
}

/**
 * Starts one execution per run through the production webhook, without waiting for answers (`spacingMs` apart, so
 * they arrive in order); resolves when n8n has answered each. n8n 2.x answers a webhook that "responds immediately"
 * only once its execution starts, so a run queued behind N8N_CONCURRENCY_PRODUCTION_LIMIT holds its answer: give
 * `timeoutMs` room for that.
 */
export async function triggerRuns(server: N8nServer, path: string, runs: Array<{ tag: string; rows: SegmentRow[] }>, timeoutMs?: number, spacingMs = 0): Promise<void> {
	const answers = await Promise.all(
		runs.map(async (run, k) => {
			if (spacingMs) await new Promise((resolve) => setTimeout(resolve, k * spacingMs));
			return await callWebhook(server, path, { tag: run.tag, rows: run.rows }, timeoutMs);
		}),
	);
	const bad = answers.find((a) => a.status !== 200);
	if (bad) throw new Error(`webhook answered ${bad.status}: ${JSON.stringify(bad.body).slice(0, 300)}`);
}

/**
 * The finished executions of a workflow whose webhook body carries the given tags, read through the REST API.
 * `seen` (shared between calls) skips executions read before.
 */
export async function executionsByTag(
	server: N8nServer,
	home: N8nHome,
	workflowId: string,
	tags: string[],
	opts: { seen: Set<string>; timeoutMs?: number },
): Promise<Map<string, FinishedExecution>> {
	const found = new Map<string, FinishedExecution>();
	const timeoutMs = opts.timeoutMs ?? 180_000;
	const deadline = Date.now() + timeoutMs;
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	while (found.size < tags.length) {
		const list = await server.rest('GET', `executions?filter=${filter}&limit=100`);
		for (const summary of (list?.results ?? list ?? []) as Array<{ id: string; status: string }>) {
			if (opts.seen.has(summary.id) || !FINISHED.includes(summary.status)) continue;
			const execution = await readExecution(server, home, summary.id);
			const tag = webhookBody(execution)?.tag;
			if (tags.includes(tag)) found.set(tag, execution);
			opts.seen.add(summary.id);
		}
		if (found.size < tags.length) {
			if (Date.now() > deadline) throw new Error(`executions ${tags.filter((t) => !found.has(t))} not finished after ${timeoutMs} ms`);
			await new Promise((r) => setTimeout(r, 250));
		}
	}
	return found;
}
