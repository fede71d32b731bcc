/**
 * What `npm run lint` (n8n-node lint: ESLint 9 with the repo's eslint.config.mjs, n8n's default) applies, compared
 * with what n8n's scanner applies: every rule the scanner turns on must be on, at the same severity, for the same
 * file. The CLI may add rules of its own (eslint:recommended, typescript-eslint, import-x); those are allowed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ESLint } from 'eslint';

export type RuleLevels = Record<string, number>;

/** One file per config block the scanner has: nodes, credentials, package.json. */
export const RULE_SAMPLE_FILES = ['nodes/Sam3/Sam3.node.ts', 'credentials/FalApi.credentials.ts', 'package.json'];

function level(entry: unknown): number {
	const value = Array.isArray(entry) ? entry[0] : entry;
	return typeof value === 'number' ? value : ({ off: 0, warn: 1, error: 2 } as Record<string, number>)[String(value)];
}

/** The rules npm run lint applies to a file, as ESLint resolves them (same flag as the lint script). */
export async function lintRules(repoDir: string, file: string): Promise<RuleLevels> {
	const eslint = new ESLint({ cwd: repoDir, flags: ['unstable_config_lookup_from_file'] });
	const config = (await eslint.calculateConfigForFile(join(repoDir, file))) as { rules?: Record<string, unknown> } | undefined;
	return Object.fromEntries(Object.entries(config?.rules ?? {}).map(([id, entry]) => [id, level(entry)]));
}

/**
 * The scanner turns no-console on for every file; n8n-node lint only for .ts files. In package.json (an object
 * literal, no calls) it can never report, so there it is not a difference.
 */
const NOT_APPLICABLE_TO_JSON = new Set(['no-console']);

/** Scanner rules that are on but missing or at another severity in npm run lint. */
export function rulesNotMatched(file: string, scanner: RuleLevels, lint: RuleLevels): string[] {
	return Object.entries(scanner)
		.filter(([id]) => !(file.endsWith('.json') && NOT_APPLICABLE_TO_JSON.has(id)))
		.filter(([id, severity]) => severity > 0 && lint[id] !== severity)
		.map(([id, severity]) => `${id}: scanner ${severity}, npm run lint ${lint[id] ?? 'not set'}`);
}

/** The @n8n/eslint-plugin-community-nodes version @n8n/node-cli lints with (nested under it, or hoisted). */
export function cliPluginVersion(repoDir: string): string | undefined {
	const candidates = [
		join(repoDir, 'node_modules', '@n8n', 'node-cli', 'node_modules', '@n8n', 'eslint-plugin-community-nodes', 'package.json'),
		join(repoDir, 'node_modules', '@n8n', 'eslint-plugin-community-nodes', 'package.json'),
	];
	const manifest = candidates.find((path) => existsSync(path));
	return manifest ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : undefined;
}
