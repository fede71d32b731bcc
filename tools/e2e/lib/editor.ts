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

/** One row of the node's settings panel as the editor renders it: its label, and whether the model fills it (✨). */
export interface PanelRow {
	label: string;
	/** The row shows n8n's "Defined automatically by the model" field (a ✨ `$fromAI` override). */
	fromAi: boolean;
}

/**
 * Runs in the page (a string: tsx would wrap named functions in a helper the page does not have). A parameter row
 * is top level unless it sits in another row (the credential row excepted: n8n renders it inside the Provider's)
 * or in a collection's entries.
 */
const PANEL_ROWS_SCRIPT = String.raw`(() => {
	const inCollection = (el) => {
		for (let up = el.parentElement; up; up = up.parentElement) {
			const cls = String(up.className || '');
			if (/collection/.test(cls) && !/node-parameters|parameter-input-list-wrapper/.test(cls)) return true;
		}
		return false;
	};
	const visible = (el) => el.offsetParent !== null && el.offsetHeight > 0;
	const text = (el) => (el ? el.textContent || '' : '').replace(/\s+/g, ' ').replace(/\s*Fixed\s*Expression\s*$/, '').trim().slice(0, 60);
	const ndv = document.querySelector('[data-test-id="ndv"]');
	if (!ndv) return [];
	const rows = [];
	// The credential row; n8n renders the rows that follow it (Operation, a tool's Description) inside the same item.
	const credential = ndv.querySelector('[data-test-id="node-credentials-select"]');
	if (credential && visible(credential)) rows.push({ el: credential, label: 'Credential', fromAi: false });
	const credentialItem = credential ? credential.closest('[data-test-id="parameter-item"]') : null;
	const TITLES = { operation: 'Operation', toolDescription: 'Description' };
	// Every field's input at the top level (not inside a collection's entries) is one row.
	for (const input of Array.from(ndv.querySelectorAll('[data-test-id^="parameter-input-"]'))) {
		const name = (input.getAttribute('data-test-id') || '').slice('parameter-input-'.length);
		if (!/^[a-zA-Z]+$/.test(name) || /^(field|hint|item|label|list)$/.test(name)) continue;
		if (!visible(input) || inCollection(input)) continue;
		const item = input.closest('[data-test-id="parameter-item"]');
		const own = item && item !== credentialItem ? item : null;
		// One row per field: a ✨ field's own Description input is part of its row.
		if (own && rows.some((row) => row.item === own)) continue;
		rows.push({
			item: own,
			el: input,
			label: own ? text(own.querySelector('label, .n8n-input-label')) : TITLES[name] || name,
			fromAi: !!(own || input.parentElement).querySelector('[data-test-id="fromAI-override-field"]'),
		});
	}
	// Rows without an input of their own at the top level: notices, collections, the ✨ fields.
	for (const item of Array.from(ndv.querySelectorAll('[data-test-id="parameter-item"]'))) {
		if (!visible(item) || item === credentialItem || inCollection(item)) continue;
		if (rows.some((row) => item.contains(row.el))) continue;
		if (item.parentElement && item.parentElement.closest('[data-test-id="parameter-item"]')) continue;
		rows.push({ el: item, label: text(item.querySelector('label, .n8n-input-label') || item), fromAi: !!item.querySelector('[data-test-id="fromAI-override-field"]') });
	}
	rows.sort((a, b) => (a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
	return rows.map((row) => ({ label: row.label, fromAi: row.fromAi }));
})()`;

/**
 * The rows the open node panel shows, top level only (not the fields inside a collection's entries): every visible
 * parameter row (the credential row is one; so is a notice), labelled as the user reads it.
 */
export async function panelRows(page: Page): Promise<PanelRow[]> {
	const panel = page.locator('[data-test-id="ndv"]').first();
	await panel.locator('[data-test-id="parameter-item"]').first().waitFor({ timeout: 20_000 });
	await page.waitForTimeout(300); // rows that depend on others render a tick later
	return (await page.evaluate(PANEL_ROWS_SCRIPT)) as PanelRow[];
}

const PANEL_OUTLINE_SCRIPT = String.raw`(() => {
	const out = [];
	const walk = (el, depth) => {
		for (const child of Array.from(el.children)) {
			const test = child.getAttribute('data-test-id');
			const isItem = test === 'parameter-item' || test === 'node-credentials-select' || /^parameter-input-[a-zA-Z]+$/.test(test || '');
			if (isItem) {
				const label = child.querySelector('label, .n8n-input-label');
				out.push('  '.repeat(depth) + test + ': ' + (label ? label.textContent.replace(/\s+/g, ' ').trim().slice(0, 40) : '') + ' [' + String(child.className).slice(0, 60) + ']' + (child.offsetParent === null ? ' (hidden)' : ''));
			}
			walk(child, isItem ? depth + 1 : depth);
		}
	};
	const root = document.querySelector('[data-test-id="ndv"]');
	if (root) walk(root, 0);
	return out.join('\n');
})()`;

/** Outline of the open panel: each parameter row's label and nesting (for the log when counts look wrong). */
export async function panelOutline(page: Page): Promise<string> {
	return (await page.evaluate(PANEL_OUTLINE_SCRIPT)) as string;
}

/** The open panel's notices (n8n's callouts), as text. */
export async function panelNotices(page: Page): Promise<string[]> {
	const panel = page.locator('[data-test-id="ndv"]').first();
	return panel.locator('.n8n-notice, [role="alert"], .n8n-callout').allInnerTexts();
}
