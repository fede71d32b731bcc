/**
 * n8n's verified-community-node scanner, installed once outside the repo and reused.
 *
 * The scanner is an npx tool, not a dependency: it pins its own eslint, parser, TypeScript and rule plugins, and
 * its plugin peers on n8n-workflow 2 while the engine tests pin n8n-workflow 1. It gets a folder of its own
 * (default ~/.cache/n8n-nodes-sam3-scan, or N8N_SCAN_CACHE).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const SCANNER_PACKAGE = '@n8n/scan-community-package';
export const SCANNER_VERSION = '0.32.0';
/** The rules plugin that scanner version pins exactly (its package.json); @n8n/node-cli must lint with the same. */
export const COMMUNITY_PLUGIN_VERSION = '0.29.0';

export function scannerCacheDir(): string {
	return process.env.N8N_SCAN_CACHE ?? join(homedir(), '.cache', 'n8n-nodes-sam3-scan');
}

function installedVersion(dir: string, name: string): string | undefined {
	const manifest = join(dir, 'node_modules', ...name.split('/'), 'package.json');
	if (!existsSync(manifest)) return undefined;
	return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** Installs the scanner at its pinned version if the cache lacks it; returns the scanner's entry module path. */
export function ensureScanner(log: (line: string) => void): string {
	const dir = scannerCacheDir();
	if (installedVersion(dir, SCANNER_PACKAGE) !== SCANNER_VERSION) {
		log(`installing ${SCANNER_PACKAGE}@${SCANNER_VERSION} into ${dir}`);
		mkdirSync(dir, { recursive: true });
		const manifest = { name: 'n8n-nodes-sam3-scan-cache', private: true, dependencies: { [SCANNER_PACKAGE]: SCANNER_VERSION } };
		writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
		// --ignore-scripts: eslint-plugin-n8n-nodes-base ships a `preinstall: npx only-allow pnpm` meant for its own
		// repo, which aborts an npm install. Nothing the scanner uses needs an install script.
		execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
			cwd: dir,
			stdio: ['ignore', 'inherit', 'inherit'],
		});
	}
	const scanner = join(dir, 'node_modules', SCANNER_PACKAGE, 'scanner', 'scanner.mjs');
	if (!existsSync(scanner)) throw new Error(`scanner not found at ${scanner}`);
	return scanner;
}

/** The versions that will actually lint, for the report (the scanner's own ranges resolve at install time). */
export function toolVersions(): Record<string, string | undefined> {
	const dir = scannerCacheDir();
	const names = [SCANNER_PACKAGE, 'eslint', '@typescript-eslint/parser', 'eslint-plugin-n8n-nodes-base', '@n8n/eslint-plugin-community-nodes'];
	return Object.fromEntries(names.map((name) => [name, installedVersion(dir, name)]));
}
