/**
 * The harness's own proof on each n8n line, with n8n's base nodes only: import, headless execute, output
 * parsing, binary read-back (inline on 1.x, filesystem on 2.x), and a loud failure for a package that cannot load.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CommunityNodeLoadError } from '../lib/load-errors';
import { N8nHome } from '../lib/n8n-home';
import { repoRoot } from '../lib/lines';
import { runOk, tail } from '../lib/proc';
import { pipelineEnv, subExecutions } from '../lib/remove-background';
import { endedInFailure } from '../lib/run-data';
import { chain, codeItems, manualTrigger, node } from '../lib/workflows';
import type { LineContext } from './context';

const products = [
	{ sku: 'a-1', title: 'Red shoe' },
	{ sku: 'b-2', title: 'Blue mug' },
	{ sku: 'c-3', title: 'Green lamp' },
];

export function pipelineSuite(ctx: () => LineContext): void {
	describe('harness pipeline (base nodes)', () => {
		test('a Code + Convert to File workflow runs headless and its items and files read back', async () => {
			const { home, record } = ctx();
			const workflow = chain('sam3E2ePipeline01', 'e2e pipeline', [
				manualTrigger(),
				codeItems('Products', products),
				node('To JSON file', 'n8n-nodes-base.convertToFile', 1.1, { operation: 'toJson', mode: 'each', options: {} }),
			]);
			await home.importWorkflows([workflow]);
			const result = await home.execute(workflow.id);
			record('first execute (3 base nodes)', result.ms);
			assert.equal(result.exitCode, 0, result.stdout + result.stderr);

			const files = result.items('To JSON file');
			assert.equal(files.length, products.length);
			files.forEach((item, i) => {
				const binary = item.binary?.data;
				assert.ok(binary, `item ${i} has no binary "data"`);
				assert.equal(binary.mimeType, 'application/json');
				assert.deepEqual(JSON.parse(result.binary(binary).toString('utf8')), products[i]);
				if (home.line.key === '2') assert.match(String(binary.id), /^filesystem(-v2)?:/);
				else assert.equal(binary.id, undefined, 'n8n 1.x keeps binary data inline');
			});
		});

		test('an Execute Workflow node hands files to a sub-workflow and back; its own run reads back from the database', async () => {
			// The shape example 5 uses (defined inputs, binary passed along, the sub-workflow's per-node times read by
			// bench:pipeline), with base nodes only.
			const { home } = ctx();
			const sub = chain('sam3E2ePipeSub01', 'e2e pipeline sub-workflow', [
				node('When called', 'n8n-nodes-base.executeWorkflowTrigger', 1.1, { workflowInputs: { values: [{ name: 'preset' }, { name: 'sku' }] } }),
				node('Tag file', 'n8n-nodes-base.code', 2, {
					jsCode: "return $input.all().map((item) => ({ json: { sku: item.json.sku, preset: item.json.preset }, binary: { data: { ...item.binary.data, fileName: item.json.sku + '-' + item.json.preset + '.json' } } }));",
				}),
			]);
			const field = (id: string) => ({ id, displayName: id, required: false, defaultMatch: false, display: true, canBeUsedToMatch: true, type: 'string', removed: false });
			const parent = chain('sam3E2ePipeMain1', 'e2e pipeline caller', [
				manualTrigger(),
				codeItems('Products', products),
				node('To JSON file', 'n8n-nodes-base.convertToFile', 1.1, { operation: 'toJson', mode: 'each', options: {} }),
				node('Call sub-workflow', 'n8n-nodes-base.executeWorkflow', 1.2, {
					workflowId: { __rl: true, value: sub.id, mode: 'list', cachedResultName: sub.name },
					workflowInputs: { mappingMode: 'defineBelow', value: { preset: 'amazon', sku: "={{ $('Products').item.json.sku }}" }, matchingColumns: [], schema: [field('preset'), field('sku')], attemptToConvertTypes: false, convertFieldsToString: true },
					options: {},
				}),
			]);
			await home.importWorkflows([sub]);
			if (home.line.key === '2') await home.cliOk(['publish:workflow', `--id=${sub.id}`]);
			await home.importWorkflows([parent]);
			const result = await home.execute(parent.id, { env: pipelineEnv(home) });
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stdout + result.stderr);
			const out = result.items('Call sub-workflow');
			assert.deepEqual(out.map((i) => [i.json.sku, i.json.preset, i.binary?.data?.fileName]), products.map((p) => [p.sku, 'amazon', `${p.sku}-amazon.json`]));
			out.forEach((item, i) => assert.deepEqual(JSON.parse(result.binary(item.binary!.data).toString('utf8')), products[i]));
			const runs = subExecutions(home, sub.id);
			assert.equal(runs.length, 1, 'one sub-workflow execution');
			assert.equal(runs[0].status, 'success');
			assert.equal((runs[0].runData['Tag file'][0].data?.main?.[0] ?? []).length, products.length);
			assert.equal(typeof (runs[0].runData['Tag file'][0] as { executionTime?: number }).executionTime, 'number');
		});

		test('a failing node gives exit code 1 and its error in the parsed output', async () => {
			const { home } = ctx();
			const workflow = chain('sam3E2ePipeline02', 'e2e pipeline failure', [
				manualTrigger(),
				node('Boom', 'n8n-nodes-base.stopAndError', 1, { errorMessage: 'deliberate e2e failure' }),
			]);
			await home.importWorkflows([workflow]);
			const result = await home.execute(workflow.id);
			assert.ok(endedInFailure(result), `n8n execute ended with code ${result.exitCode} (signal ${result.signal ?? 'none'}):\n${tail(result.stdout + result.stderr, 30)}`);
			assert.match(result.errorMessage() ?? '', /deliberate e2e failure/);
		});

		test('a community package that cannot load makes the run fail loudly', async () => {
			const { line } = ctx();
			const broken = N8nHome.create(line, 'sam3-e2e-broken');
			const fixture = join(repoRoot, 'tools', 'e2e', 'fixtures', 'n8n-nodes-e2e-broken');
			const { stdout } = await runOk('npm', ['pack', fixture, '--pack-destination', broken.userFolder, '--silent'], {
				cwd: broken.userFolder,
			});
			await broken.installPackage(join(broken.userFolder, stdout.trim().split('\n').pop()!));
			const workflow = chain('sam3E2eBroken001', 'e2e broken node', [
				manualTrigger(),
				node('Broken', 'n8n-nodes-e2e-broken.broken', 1),
			]);
			try {
				await assert.rejects(broken.importWorkflows([workflow]).then(() => broken.execute(workflow.id)), (error) => {
					assert.ok(error instanceof CommunityNodeLoadError, String(error));
					assert.match(error.message, /n8n-nodes-e2e-broken|missing-helper|Unrecognized node type/);
					return true;
				});
			} finally {
				rmSync(broken.userFolder, { recursive: true, force: true });
			}
		});
	});
}
