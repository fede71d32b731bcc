/**
 * `npm run lint`'s second half: the rules n8n's community-package scanner applies, on the working tree.
 *
 * @n8n/eslint-plugin-community-nodes is flat-config only and peers on eslint 9 and n8n-workflow 2, which the
 * repo's eslint 8 / n8n-workflow 1 toolchain cannot host, so it runs from the scanner's own install (the version
 * the scanner pins, checked here) with the scanner's config. An editor shows only the .eslintrc.js half.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

import { COMMUNITY_PLUGIN_VERSION, ensureScanner, toolVersions } from './scanner-cache';

const scanner = ensureScanner((line) => console.log(`[lint:community] ${line}`));
const installed = toolVersions()['@n8n/eslint-plugin-community-nodes'];
if (installed !== COMMUNITY_PLUGIN_VERSION) {
	throw new Error(`@n8n/eslint-plugin-community-nodes ${installed ?? 'missing'} in the scanner cache; the scanner pins ${COMMUNITY_PLUGIN_VERSION}`);
}
try {
	execFileSync(process.execPath, [join(__dirname, 'community-lint.mjs'), scanner, resolve(__dirname, '..', '..')], { stdio: 'inherit' });
} catch {
	process.exitCode = 1;
}
