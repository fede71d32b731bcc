/** Drives the n8n editor in Debian's headless Chromium (playwright-core, no bundled browser). */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './lines';
import { BROWSER_ID, type N8nServer } from './n8n-server';

export const CHROMIUM = process.env.SAM3_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const artifactsDir = join(repoRoot, 'test-artifacts');

/** Flags this machine's closed network needs (see the machine notes): no background calls out. */
const CHROMIUM_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium`);
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** A page logged in as the owner (the session cookie plus the browser id it was issued for). */
export async function loggedInPage(browser: Browser, server: N8nServer): Promise<Page> {
	const cookie = server.cookie ?? (await server.login());
	const [name, value] = cookie.split('=');
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	await context.addCookies([{ name, value, url: server.url }]);
	// Runs in the page; the editor sends this id with every request and the cookie is bound to it.
	await context.addInitScript(`localStorage.setItem('n8n-browserId', ${JSON.stringify(BROWSER_ID)})`);
	return context.newPage();
}

export async function screenshot(page: Page, name: string): Promise<string> {
	mkdirSync(artifactsDir, { recursive: true });
	const file = join(artifactsDir, `${name}.png`);
	await page.screenshot({ path: file });
	return file;
}

/** Opens a workflow and its node's settings panel (double-click on the canvas node). */
export async function openNodePanel(page: Page, server: N8nServer, workflowId: string, nodeName: string): Promise<void> {
	await page.goto(`${server.url}/workflow/${workflowId}`, { waitUntil: 'domcontentloaded' });
	const canvasNode = page.locator('[data-test-id="canvas-node"]').filter({ hasText: nodeName }).first();
	await canvasNode.waitFor({ timeout: 60_000 });
	await canvasNode.dblclick();
	await page.locator('[data-test-id="ndv"]').first().waitFor({ timeout: 30_000 });
}

/** Opens the node panel (node creator) with the line's shortcut and searches for a node. */
export async function searchNodePanel(page: Page, shortcut: string, query: string): Promise<void> {
	await page.keyboard.press('Escape');
	await page.locator('[data-test-id="ndv"]').first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
	await page.locator('[data-test-id="canvas-node"]').first().click();
	await page.keyboard.press(shortcut);
	// The search bar is the input itself on some versions, a wrapper around it on others.
	const search = page.locator('[data-test-id="node-creator-search-bar"]').locator('xpath=self::input | .//input').first();
	await search.waitFor({ timeout: 30_000 });
	await search.fill(query);
}
