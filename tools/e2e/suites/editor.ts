/** The node as a user meets it in the n8n editor (headless Debian Chromium): panel per provider, node search. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, loggedInPage, openNodePanel, screenshot, searchNodePanel } from '../lib/editor';
import { EXAMPLES, loadExample, localizeWorkflow } from '../lib/examples';
import { startN8n, type N8nServer } from '../lib/n8n-server';
import type { LineContext } from './context';

export function editorSuite(ctx: () => LineContext): void {
	describe('editor (n8n start + Chromium)', () => {
		let server: N8nServer;
		let browser: Browser;
		let page: Page;
		const shot = (name: string) => screenshot(page, `${ctx().line.label.replace(/ /g, '-')}-${name}`);

		test('n8n starts with the package, the owner logs in, the editor opens', async () => {
			const c = ctx();
			const workflows = [EXAMPLES.ecommerce, EXAMPLES.binaryRunflow, EXAMPLES.videoUnzip, EXAMPLES.productsTo3d, EXAMPLES.clipTracks].map((f) => localizeWorkflow(loadExample(f), { imageUrl: c.images.url }));
			await c.home.importWorkflows(workflows);
			const started = Date.now();
			server = await startN8n(c.home);
			c.record('n8n start until ready', Date.now() - started);
			await server.login();
			browser = await launchBrowser();
			page = await loggedInPage(browser, server);
		});

		for (const [provider, file, credential] of [
			['fal', EXAMPLES.ecommerce, 'fal.ai account'],
			['runflow', EXAMPLES.binaryRunflow, 'Runflow account'],
		] as const) {
			test(`the SAM 3 panel with ${provider}: its fields and credential show`, async () => {
				assert.ok(page, 'the editor did not open');
				await openNodePanel(page, server, loadExample(file).id, 'SAM 3');
				const panel = page.locator('[data-test-id="ndv"]').first();
				await panel.getByText('Text Prompt', { exact: true }).first().waitFor({ timeout: 20_000 });
				await panel.getByText('Model Options').first().waitFor({ timeout: 5_000 });
				const credentialShown = await panel
					.locator('input')
					.evaluateAll((inputs, name) => inputs.some((input) => (input as unknown as { value: string }).value === name), credential);
				await page.waitForTimeout(600); // let the panel's opening animation settle for the screenshot
				await shot(`sam3-panel-${provider}`);
				assert.ok(credentialShown, `the ${credential} credential is not selected in the panel`);
			});
		}

		test('the Segment Video panel: its model, output, per-frame option and the endpoint\'s Video Options show', async () => {
			assert.ok(page, 'the editor did not open');
			await openNodePanel(page, server, loadExample(EXAMPLES.videoUnzip).id, 'SAM 3 Segment Video');
			const panel = page.locator('[data-test-id="ndv"]').first();
			await panel.getByText('Video URL', { exact: true }).first().waitFor({ timeout: 20_000 });
			for (const label of ['Model', 'Output', 'Mask Files per Frame', 'Video Options', 'Bounding Box Zip']) {
				await panel.getByText(label, { exact: true }).first().waitFor({ timeout: 5_000 });
			}
			// Image-only fields stay hidden for this operation.
			assert.equal(await panel.getByText('Model Options', { exact: true }).count(), 0, 'Segment Image\'s Model Options show for Segment Video');
			await page.waitForTimeout(600);
			await shot('sam3-panel-video');
		});

		for (const [file, nodeName, fields, name] of [
			[EXAMPLES.productsTo3d, 'Reconstruct 3D', ['Image URL', 'Text Prompt', 'Object Options', 'Mask URLs', 'Files to Download'], 'sam3-panel-3d-object'],
			[EXAMPLES.clipTracks, 'Track objects', ['Video URL', 'Text Prompt', 'Tracking Options', 'Detection Threshold'], 'sam3-panel-track-objects'],
		] as const) {
			test(`the ${nodeName} panel: its own fields show, Segment Image's do not`, async () => {
				assert.ok(page, 'the editor did not open');
				await page.keyboard.press('Escape');
				await openNodePanel(page, server, loadExample(file).id, nodeName);
				const panel = page.locator('[data-test-id="ndv"]').first();
				for (const label of fields) await panel.getByText(label, { exact: true }).first().waitFor({ timeout: 20_000 });
				assert.equal(await panel.getByText('Model Options', { exact: true }).count(), 0, `Segment Image's Model Options show for ${nodeName}`);
				await page.waitForTimeout(600);
				await shot(name);
			});
		}

		test('the node panel finds SAM 3 by name', async () => {
			assert.ok(page, 'the editor did not open');
			await page.keyboard.press('Escape');
			await searchNodePanel(page, ctx().line.nodePanelKey, 'SAM 3').catch(async (error) => {
				await shot('node-panel-search');
				throw error;
			});
			const entry = page.locator('[data-test-id="node-creator-item-name"], [data-test-id="node-creator-node-item"]').filter({ hasText: 'SAM 3' });
			const found = await entry.first().waitFor({ timeout: 20_000 }).then(() => true, () => false);
			await shot('node-panel-search');
			assert.ok(found, 'SAM 3 is not among the node panel results (see the screenshot)');
		});

		test('stop', async () => {
			await browser?.close();
			await server?.stop();
		});
	});
}
