/**
 * Example 5 and the sub-workflow it calls (examples/05-remove-background-subworkflow.json), imported into one n8n
 * home the way a user would: the sub-workflow first (published on n8n 2.x, where other workflows call only the
 * published version), then example 5 with its photo list and output folder swapped for local ones.
 * Also reads the sub-workflow's own execution (per-node times, outputs) from n8n's SQLite database, since
 * `n8n execute` prints only the calling workflow's run.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'flatted';
import { EXAMPLES, findNode, loadExample, localizeWorkflow, type Workflow } from './examples';
import type { N8nHome } from './n8n-home';
import type { TaskData } from './run-data';

export const SUBWORKFLOW_NAME = 'Remove background';

export interface PhotoRef {
	sku: string;
	imageUrl: string;
}

export interface ImportedPipeline {
	mainId: string;
	subId: string;
	main: Workflow;
	sub: Workflow;
}

/** Homes the sub-workflow is already in: n8n 2.41 refuses to import over a published workflow. */
const subImported = new WeakSet<N8nHome>();

/**
 * Imports both workflows (the sub-workflow once per home); `photos` replaces example 5's product list, `presets`
 * its preset field.
 */
export async function importRemoveBackground(
	home: N8nHome,
	opts: { mainId: string; photos: PhotoRef[]; presets?: string; outputDir: string },
): Promise<ImportedPipeline> {
	const sub = await importSubworkflow(home);
	const main: Workflow = { ...localizeWorkflow(loadExample(EXAMPLES.ecommerceCutouts), { outputDir: opts.outputDir }), id: opts.mainId };
	findNode(main, (n) => n.name === 'Product photos').parameters.jsCode = `return ${JSON.stringify(opts.photos)}.map((json) => ({ json }));`;
	const call = findNode(main, (n) => n.name === SUBWORKFLOW_NAME);
	if (opts.presets) (call.parameters.workflowInputs as { value: Record<string, string> }).value.preset = opts.presets;
	await home.importWorkflows([main]);
	return { mainId: main.id, subId: sub.id, main, sub };
}

/** Imports the sub-workflow into `home` once (published on n8n 2.x, where other workflows call only that version). */
export async function importSubworkflow(home: N8nHome): Promise<Workflow> {
	const sub = loadExample(EXAMPLES.removeBackground);
	if (!subImported.has(home)) {
		await home.importWorkflows([sub]);
		if (home.line.key === '2') await home.cliOk(['publish:workflow', `--id=${sub.id}`]);
		subImported.add(home);
	}
	return sub;
}

/**
 * Environment for `n8n execute` of example 5: filesystem binary mode on both lines (1.x would keep every image in
 * memory). n8n 2.41 runs a sub-workflow's published version, which its publication service records when a running
 * n8n publishes it; `publish:workflow` from the CLI sets only the workflow's active version, so a headless
 * `n8n execute` reads that one (N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false, n8n's own switch for it).
 */
export function pipelineEnv(home: N8nHome): Record<string, string> {
	return {
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		...(home.line.key === '2' ? { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' } : {}),
	};
}

export interface SubExecution {
	id: string;
	status: string;
	runData: Record<string, TaskData[]>;
}

/** The sub-workflow's executions, oldest first, read from n8n's SQLite database (the `sqlite3` CLI). */
export function subExecutions(home: N8nHome, workflowId: string): SubExecution[] {
	const db = join(home.n8nDir, 'database.sqlite');
	const sql = `SELECT e.id, e.status, d.data FROM execution_entity e JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = '${workflowId.replace(/'/g, '')}' ORDER BY e.id`;
	const out = execFileSync('sqlite3', ['-json', db, sql], { maxBuffer: 1 << 30, encoding: 'utf8' });
	const rows = (out.trim() ? JSON.parse(out) : []) as Array<{ id: number | string; status: string; data: string }>;
	return rows.map((row) => {
		const data = parse(row.data) as { resultData?: { runData?: Record<string, TaskData[]> } };
		return { id: String(row.id), status: row.status, runData: data.resultData?.runData ?? {} };
	});
}

/** n8n's own execution time of a node's first run (ms). */
export function nodeMs(runData: Record<string, TaskData[]>, node: string): number {
	return ((runData[node]?.[0] as { executionTime?: number } | undefined)?.executionTime ?? 0);
}

/** The webhook path example 11 listens on. */
export const BATCH_WEBHOOK_PATH = 'remove-background-batch';

/**
 * Example 11 (example 5 behind a webhook: one run per batch of photos, so several runs go at once in one n8n or
 * across queue-mode workers) calling `subId` with `presets`, its output folder swapped for `outputDir`. Its webhook
 * answers at once; the body is `{ rows: [{ sku, imageUrl }] }`. Without `outputDir` it ends at Remove background, writing no
 * file (queue-mode workers may write only to their own folders).
 */
export function batchRemoveBackground(opts: { id: string; subId: string; presets: string; outputDir?: string }): Workflow {
	const workflow: Workflow = { ...localizeWorkflow(loadExample(EXAMPLES.removeBackgroundBatches), { outputDir: opts.outputDir }), id: opts.id };
	if (!opts.outputDir) {
		const after = ['Got a file?', 'Write store-ready file', 'No product found'];
		workflow.nodes = workflow.nodes.filter((n) => !after.includes(n.name));
		for (const name of [SUBWORKFLOW_NAME, ...after]) delete workflow.connections[name];
	}
	const call = findNode(workflow, (n) => n.name === SUBWORKFLOW_NAME);
	(call.parameters.workflowInputs as { value: Record<string, string> }).value.preset = opts.presets;
	call.parameters.workflowId = { ...(call.parameters.workflowId as object), value: opts.subId };
	return workflow;
}
