/** A bad row among good ones, with and without "continue on fail", on a real n8n. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertSegmentedItem, pairedIndex } from '../lib/checks';
import { FAL_CREDENTIAL_ID } from '../lib/emulator';
import type { Workflow } from '../lib/examples';
import { endedInFailure } from '../lib/run-data';
import { TEST_IMAGES } from '../lib/test-images';
import { chain, codeItems, manualTrigger, node } from '../lib/workflows';
import type { LineContext } from './context';

const [truck, , cars] = TEST_IMAGES;

function badRowWorkflow(c: LineContext, id: string, onError?: string): Workflow {
	const rows = [
		{ imageUrl: c.images.url(truck.name) },
		{ imageUrl: c.images.url('no-such-image.jpg') },
		{ imageUrl: c.images.url(cars.name) },
	];
	const sam3 = node(
		'SAM 3',
		'n8n-nodes-sam3.sam3',
		1,
		{ authentication: 'falApi', operation: 'segment', imageSource: 'url', imageUrl: '={{ $json.imageUrl }}', prompt: 'product' },
		{ credentials: { falApi: { id: FAL_CREDENTIAL_ID, name: 'fal.ai account' } }, ...(onError ? { onError } : {}) },
	);
	return chain(id, `e2e bad row ${onError ?? 'stop'}`, [manualTrigger(), codeItems('Rows', rows), sam3]);
}

export function errorsSuite(ctx: () => LineContext): void {
	describe('a bad row', () => {
		test('with continue on fail: an error item in its place, the good rows segmented and paired', async () => {
			const c = ctx();
			const workflow = badRowWorkflow(c, 'sam3E2eBadRow001', 'continueRegularOutput');
			await c.home.importWorkflows([workflow]);
			const result = await c.home.execute(workflow.id);
			assert.equal(result.exitCode, 0, result.errorMessage() ?? result.stderr);

			const items = result.items('SAM 3');
			assert.equal(items.length, 3);
			items.forEach((item, i) => assert.equal(pairedIndex(item), i, `item ${i} pairing`));
			await assertSegmentedItem(result, items[0], { provider: 'fal', image: truck });
			await assertSegmentedItem(result, items[2], { provider: 'fal', image: cars });
			const error = items[1].json.error;
			assert.ok(error && typeof error.message === 'string', `row 1 is no error item: ${JSON.stringify(items[1].json)}`);
			assert.equal(items[1].binary, undefined);
			assert.ok(!result.stdout.includes(c.emulator!.keys.fal), 'the API key appears in the run output');
		});

		test('without it: the run stops with that row’s error', async () => {
			const c = ctx();
			const workflow = badRowWorkflow(c, 'sam3E2eBadRow002');
			await c.home.importWorkflows([workflow]);
			const result = await c.home.execute(workflow.id);
			assert.ok(endedInFailure(result), `n8n execute ended with code ${result.exitCode} (signal ${result.signal ?? 'none'})`);
			assert.ok(result.errorMessage(), 'no error message in the run data');
			assert.equal(result.run?.data?.resultData?.error?.context?.itemIndex, 1, 'the error names the bad row');
			assert.ok(!(result.stdout + result.stderr).includes(c.emulator!.keys.fal), 'the API key appears in the output');
		});
	});
}
