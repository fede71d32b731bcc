/**
 * The node as a user meets it in the n8n editor (headless Debian Chromium): each operation's panel with its defaults
 * per provider (rows counted as the editor renders them), the AI Agent tool's panel (✨ fields), both credential
 * dialogs, what the editor stores for a number field, and node search. Screenshots in test-artifacts/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, loggedInPage, openNodePanel, panelNotices, panelOutline, panelRows, screenshot, searchNodePanel, type PanelRow } from '../lib/editor';
import { FAL_CREDENTIAL_ID, RUNFLOW_CREDENTIAL_ID } from '../lib/emulator';
import { EXAMPLES, loadExample, localizeWorkflow, type Workflow } from '../lib/examples';
import { repoRoot } from '../lib/lines';
import { startN8n, type N8nServer } from '../lib/n8n-server';
import { chain, manualTrigger, node } from '../lib/workflows';
import type { LineContext } from './context';

/** n8n's own nodes show 7–9 rows with their defaults (issue 30): the credential is one. */
const MAX_ROWS = 9;
const SAM3_TYPE = 'n8n-nodes-sam3.sam3';

interface BuiltDescription {
	version: number | number[];
	defaultVersion?: number;
	properties: Array<{ name: string; options?: Array<{ name: string; value: string }> }>;
}

/** The built node's description (dist/, what the tarball carries): its operations and its newest version. */
function builtDescription(): BuiltDescription {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const module = require(join(repoRoot, 'dist', 'nodes', 'Sam3', 'Sam3.node.js')) as Record<string, new () => { description: BuiltDescription }>;
	return new module.Sam3().description;
}

const PROVIDERS = [
	{ key: 'fal', value: 'falApi', credential: { falApi: { id: FAL_CREDENTIAL_ID, name: 'fal.ai account' } } },
	{ key: 'runflow', value: 'runflowApi', credential: { runflowApi: { id: RUNFLOW_CREDENTIAL_ID, name: 'Runflow account' } } },
] as const;

interface DefaultPanel {
	workflow: Workflow;
	provider: (typeof PROVIDERS)[number];
	operation: { name: string; value: string };
	shot: string;
}

/** One workflow per provider × operation: a SAM 3 node as a user adds it (provider, operation, credential; nothing else). */
function defaultPanels(): DefaultPanel[] {
	const description = builtDescription();
	const version = description.defaultVersion ?? ([description.version].flat().at(-1) as number);
	const operations = description.properties.find((property) => property.name === 'operation')?.options ?? [];
	return PROVIDERS.flatMap((provider) =>
		operations.map((operation, index) => {
			const sam3 = node('SAM 3', SAM3_TYPE, version, { authentication: provider.value, operation: operation.value }, { credentials: provider.credential, position: [260, 0] });
			const id = `sam3EdDefault${provider.key === 'fal' ? 'F' : 'R'}${String(index).padStart(2, '0')}`;
			const shot = `panel-${provider.key}-${operation.value}`;
			return { workflow: chain(id, `Editor: ${operation.name} on ${provider.key} (defaults)`, [{ ...manualTrigger(), position: [0, 0] }, sam3]), provider, operation, shot };
		}),
	);
}

const describeRows = (rows: PanelRow[]) => rows.map((row) => `${row.label}${row.fromAi ? ' ✨' : ''}`).join(' | ');

export function editorSuite(ctx: () => LineContext): void {
	describe('editor (n8n start + Chromium)', () => {
		let server: N8nServer;
		let browser: Browser;
		let page: Page;
		let panels: DefaultPanel[] = [];
		const shot = (name: string) => screenshot(page, `${ctx().line.label.replace(/ /g, '-')}-${name}`);

		test('n8n starts with the package, the owner logs in, the editor opens', async () => {
			const c = ctx();
			panels = defaultPanels();
			const examples = [EXAMPLES.ecommerce, EXAMPLES.binaryRunflow, EXAMPLES.videoUnzip, EXAMPLES.agentFindProducts, EXAMPLES.productsTo3d, EXAMPLES.clipTracks].map((f) =>
				localizeWorkflow(loadExample(f), { imageUrl: c.images.url }),
			);
			await c.home.importWorkflows([...examples, ...panels.map((panel) => panel.workflow), PROBE_WORKFLOW()]);
			const started = Date.now();
			server = await startN8n(c.home);
			c.record('n8n start until ready', Date.now() - started);
			await server.login();
			browser = await launchBrowser();
			page = await loggedInPage(browser, server);
			// Tall enough that a whole default panel fits in one screenshot.
			await page.setViewportSize({ width: 1440, height: 1100 });
		});

		test('each operation\'s panel with its defaults, per provider: at most 9 rows, the credential selected', async () => {
			assert.ok(page, 'the editor did not open');
			const counts: string[] = [];
			const tooMany: string[] = [];
			for (const panel of panels) {
				await openNodePanel(page, server, panel.workflow.id, 'SAM 3');
				const rows = await panelRows(page);
				const notices = await panelNotices(page);
				await page.waitForTimeout(500); // the panel's opening animation
				await shot(panel.shot);
				const where = `${panel.provider.key} ${panel.operation.name}`;
				counts.push(`${where}: ${rows.length} rows (${describeRows(rows)})${notices.length ? `; notices: ${notices.join(' / ')}` : ''}`);
				if (rows.length > MAX_ROWS) tooMany.push(`${where}: ${rows.length}`);
				// An operation Runflow does not run shows only the notice that it runs on fal.ai, no field to fill in.
				if (panel.provider.key === 'runflow' && panel.operation.value !== 'segment') {
					assert.ok(notices.some((notice) => /runs on fal\.ai only/.test(notice)), `${where}: no notice that it runs on fal.ai (notices: ${notices.join(' / ')})`);
					const fields = rows.slice(1).filter((row) => row.label !== 'Operation' && !/runs on fal\.ai only/.test(row.label));
					assert.deepEqual(fields.map((row) => row.label), [], `${where}: fields shown for an operation Runflow cannot run`);
				}
				// The count sees every row, the ones n8n renders without a parameter-item of their own too.
				if (!rows.some((row) => row.label === 'Operation')) {
					assert.fail(`${where}: the Operation row was not counted (${describeRows(rows)}); the panel:\n${await panelOutline(page)}`);
				}
				assert.match(rows[0]?.label ?? '', /credential/i, `${where}: the credential is not the first row (${describeRows(rows)})`);
				const credentialName = Object.values(panel.provider.credential)[0].name;
				const selected = await page
					.locator('[data-test-id="ndv"] [data-test-id="node-credentials-select"] input')
					.evaluateAll((inputs, name) => inputs.some((input) => (input as unknown as { value: string }).value === name), credentialName);
				assert.ok(selected, `${where}: the ${credentialName} credential is not selected`);
			}
			console.log(`# panel rows (${ctx().line.label}):\n#   ${counts.join('\n#   ')}`);
			assert.deepEqual(tooMany, [], `panels over ${MAX_ROWS} rows with their defaults`);
		});

		test('the AI Agent tool\'s panel (example 6): the model\'s arguments show "defined automatically by the model"', async () => {
			assert.ok(page, 'the editor did not open');
			const example = loadExample(EXAMPLES.agentFindProducts);
			const tool = example.nodes.find((n) => n.type === `${SAM3_TYPE}Tool`);
			assert.ok(tool, 'example 6 has no SAM 3 tool node');
			await page.goto(`${server.url}/workflow/${example.id}`, { waitUntil: 'domcontentloaded' });
			const canvasTool = page.locator('[data-test-id="canvas-node"]').filter({ hasText: tool.name }).first();
			await canvasTool.waitFor({ timeout: 60_000 });
			const subtitle = (await canvasTool.innerText()).replace(/\s+/g, ' ');
			console.log(`# tool node on the canvas (${ctx().line.label}): ${subtitle}`);
			await openNodePanel(page, server, example.id, tool.name);
			const rows = await panelRows(page);
			await page.waitForTimeout(500);
			await shot('panel-tool');
			console.log(`# tool panel rows (${ctx().line.label}): ${rows.length} (${describeRows(rows)})`);
			const fromAiRows = rows.filter((row) => row.fromAi).map((row) => row.label);
			assert.ok(fromAiRows.length >= 2, `the tool's ✨ fields: ${describeRows(rows)}`);
			for (const label of ['Image URL', 'Text Prompt']) assert.ok(fromAiRows.some((row) => row.startsWith(label)), `${label} is not ✨: ${describeRows(rows)}`);
			const red = await page.locator('[data-test-id="ndv"] [data-test-id="parameter-issues"]').count();
			assert.equal(red, 0, 'the tool panel shows parameter issues (red fields)');
			assert.ok(rows.length <= MAX_ROWS, `the tool panel shows ${rows.length} rows: ${describeRows(rows)}`);
		});

		for (const provider of PROVIDERS) {
			test(`the ${provider.key} credential dialog: the key first with where to get one, endpoints behind a switch`, async () => {
				assert.ok(page, 'the editor did not open');
				const panel = panels.find((p) => p.provider.key === provider.key);
				assert.ok(panel);
				await openNodePanel(page, server, panel.workflow.id, 'SAM 3');
				await page.locator('[data-test-id="ndv"] [data-test-id="node-credentials-select"]').first().click();
				await page.locator('[data-test-id="node-credentials-select-item-new"]').first().click();
				const dialog = page.locator('[data-test-id="editCredential-modal"], .el-dialog').filter({ hasText: 'API Key' }).first();
				await dialog.waitFor({ timeout: 20_000 });
				// A node with two credential types opens the dialog on the first; "Connect using" picks the other.
				const connectUsing = dialog.getByText(provider.key === 'fal' ? 'Fal.ai' : 'Runflow', { exact: true });
				if (await connectUsing.count()) await connectUsing.first().click();
				await dialog.getByText(provider.key === 'fal' ? 'fal.ai API' : 'Runflow API', { exact: true }).first().waitFor({ timeout: 10_000 });
				await page.waitForTimeout(600);
				await shot(`credential-${provider.key}`);
				const text = (await dialog.innerText()).replace(/\s+/g, ' ');
				const keyLink = provider.key === 'fal' ? 'https://fal.ai/dashboard/keys' : 'https://app.runflow.io';
				assert.ok((await dialog.locator(`a[href="${keyLink}"]`).count()) > 0, `no link to ${keyLink} in the dialog: ${text}`);
				const custom = provider.key === 'fal' ? 'Use Custom Endpoints' : 'Use Custom Endpoint';
				assert.ok(text.includes(custom), `no "${custom}" switch: ${text}`);
				for (const hidden of ['Queue Endpoint', 'Base URL', 'https://queue.fal.run', 'https://api.runflow.io']) {
					assert.ok(!text.includes(hidden), `"${hidden}" shows before the custom-endpoints switch is on: ${text}`);
				}
				assert.ok(text.indexOf('API Key') < text.indexOf(custom), 'the API key is not the first field');
				await page.keyboard.press('Escape');
				await page.waitForTimeout(300);
			});
		}

		test('an Object ID the user never touched and one typed in and cleared store what the node reads as "its own object"', async () => {
			assert.ok(page, 'the editor did not open');
			const id = PROBE_WORKFLOW().id;
			await openNodePanel(page, server, id, 'SAM 3');
			const panel = page.locator('[data-test-id="ndv"]').first();
			const objectIds = panel.locator('[data-test-id="parameter-input-objectId"] input, [data-test-id="parameter-input-object_id"] input');
			await objectIds.first().waitFor({ timeout: 20_000 });
			await shot('probe-number-field');
			const first = objectIds.first();
			await first.click();
			await first.fill('5');
			await first.press('Tab');
			await first.click();
			await first.fill('');
			await first.press('Tab');
			await page.waitForTimeout(300);
			await shot('probe-number-field-cleared');
			await page.keyboard.press('Escape');
			await page.keyboard.press('Control+s');
			await page.waitForTimeout(1500);
			const saved = (await server.rest('GET', `workflows/${id}`)) as { data?: Workflow } & Workflow;
			const sam3 = (saved.data ?? saved).nodes.find((n) => n.name === 'SAM 3');
			console.log(`# number field probe (${ctx().line.label}): ${JSON.stringify(sam3?.parameters.pointAndBoxPrompts)}`);
			// The node reads 0, empty and null as "an object of its own" (test/node/current-panel.test.ts).
			const stored = ((sam3?.parameters.pointAndBoxPrompts as { points?: Array<{ objectId?: unknown }> })?.points ?? []).map((point) => point.objectId);
			assert.equal(stored.length, 2, 'the two point rows were not saved');
			for (const value of stored) assert.ok([0, null, '', undefined].includes(value as never), `an untouched or cleared Object ID was saved as ${JSON.stringify(value)}`);
		});

		for (const [file, nodeName, fields, name] of [
			[EXAMPLES.productsTo3d, 'Reconstruct 3D', ['Image URL', 'Text Prompt', 'Options', 'Object Mask URLs', 'Files to Download', 'Max Spend per Run (USD)'], 'sam3-panel-3d-object'],
			[EXAMPLES.clipTracks, 'Track objects', ['Video URL', 'Text Prompt', 'Options', 'Detection Threshold', 'Max Wait (Seconds)'], 'sam3-panel-track-objects'],
		] as const) {
			test(`the ${nodeName} panel: its own fields show, with the job's under one Options; Segment Image's do not`, async () => {
				assert.ok(page, 'the editor did not open');
				await page.keyboard.press('Escape');
				await openNodePanel(page, server, loadExample(file).id, nodeName);
				const panel = page.locator('[data-test-id="ndv"]').first();
				for (const label of fields) await panel.getByText(label, { exact: true }).first().waitFor({ timeout: 20_000 });
				for (const other of ['Model Options', 'Object Options', 'Tracking Options']) {
					assert.equal(await panel.getByText(other, { exact: true }).count(), 0, `a second collection, ${other}, shows for ${nodeName}`);
				}
				assert.equal(await panel.getByText('Options', { exact: true }).count(), 1, `${nodeName} shows more than one Options collection`);
				await page.waitForTimeout(600);
				await shot(name);
			});
		}

		test('the node panel finds SAM 3 by name and by what it does', async () => {
			assert.ok(page, 'the editor did not open');
			const missing: string[] = [];
			for (const query of ['SAM 3', 'remove background', 'background removal', 'cutout', 'segment']) {
				await page.goto(`${server.url}/workflow/${panels[0].workflow.id}`, { waitUntil: 'domcontentloaded' });
				await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
				await searchNodePanel(page, ctx().line.nodePanelKey, query);
				const entry = page.locator('[data-test-id="node-creator-item-name"], [data-test-id="node-creator-node-item"]').filter({ hasText: 'SAM 3' });
				const found = await entry.first().waitFor({ timeout: 15_000 }).then(() => true, () => false);
				await shot(`node-search-${query.replace(/ /g, '-')}`);
				if (!found) missing.push(query);
			}
			assert.deepEqual(missing, [], 'searches that do not find SAM 3 (see the screenshots)');
		});

		test('stop', async () => {
			await browser?.close();
			await server?.stop();
		});
	});
}

/** A Segment Image node (current panel) with two point rows whose Object ID was never touched. */
const PROBE_WORKFLOW = () =>
	chain('sam3EdProbeNum001', 'Editor: number field probe', [
		manualTrigger(),
		node(
			'SAM 3',
			SAM3_TYPE,
			2,
			{ authentication: 'falApi', operation: 'segment', imageUrl: 'https://example.com/a.jpg', pointAndBoxPrompts: { points: [{ x: 10, y: 20 }, { x: 30, y: 40 }] } },
			{ credentials: PROVIDERS[0].credential },
		),
	]);
