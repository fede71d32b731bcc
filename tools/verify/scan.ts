/**
 * n8n's verified-community-node scan, run locally on what `npm publish` would upload.
 *
 * The real scanner (`npx @n8n/scan-community-package n8n-nodes-sam3`) downloads the published tarball and the
 * GitHub source its npm provenance names, then lints both with its own eslint config. Here the same scanner
 * function (`analyzePackage`, same config, same file patterns) runs on `npm pack`'s tarball and on the working
 * tree's source files, followed by package checks that the lint leaves out (package-checks.ts), and a check that
 * `npm run lint` applies every rule the scanner does (lint-rules.ts).
 * Not checked here: npm provenance itself (only a CI publish with `--provenance` can give it).
 *
 * Usage: npm run scan [-- --no-build] [-- --keep]
 *   --no-build   use the dist/ that is there instead of running `npm run build`
 *   --keep       keep the temp folder (tarball, unpacked package, source snapshot) and print its path
 * Exits 1 on any scanner error or failed package check; scanner warnings are printed but pass, as in n8n's scan.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { cliPluginVersion, lintRules, RULE_SAMPLE_FILES, type RuleLevels, rulesNotMatched } from './lint-rules';
import { checkPackage, type Finding } from './package-checks';
import { build, packAndUnpack, snapshotSource } from './pack';
import { COMMUNITY_PLUGIN_VERSION, ensureScanner, toolVersions } from './scanner-cache';

interface Problem {
	file: string;
	line: number;
	column: number;
	severity: 'error' | 'warning';
	rule: string;
	message: string;
}

interface LegResult {
	leg: 'source' | 'tarball';
	passed: boolean;
	message: string | null;
	files: number;
	problems: Problem[];
}

const repoDir = resolve(__dirname, '..', '..');
const args = new Set(process.argv.slice(2));
const log = (line: string): void => console.log(`[scan] ${line}`);

interface ScannerOutput {
	legs: LegResult[];
	/** Per sample source file, the rules the scanner applies to it. */
	rules: Record<string, RuleLevels>;
}

function runScanner(scanner: string, sourceDir: string, packageDir: string): ScannerOutput {
	const output = execFileSync(process.execPath, [join(__dirname, 'scan-runner.mjs'), scanner, sourceDir, packageDir, ...RULE_SAMPLE_FILES], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		maxBuffer: 64 * 1024 * 1024,
	});
	return JSON.parse(output) as ScannerOutput;
}

function printLeg(result: LegResult): void {
	const errors = result.problems.filter((problem) => problem.severity === 'error').length;
	const warnings = result.problems.length - errors;
	const verdict = result.passed && result.files > 0 ? 'PASS' : 'FAIL';
	log(`${verdict} ${result.leg} leg: ${result.files} files linted, ${errors} errors, ${warnings} warnings${result.message ? ` (${result.message})` : ''}`);
	for (const p of result.problems) {
		console.log(`  ${p.file}:${p.line}:${p.column}  ${p.severity}  ${p.rule}\n      ${p.message}`);
	}
}

function printFindings(findings: Finding[]): void {
	log(`${findings.length ? 'FAIL' : 'PASS'} package checks: ${findings.length} problems`);
	for (const finding of findings) console.log(`  [${finding.check}] ${finding.message}`);
}

/** npm run lint must apply the scanner's rules: same plugin version, every scanner rule on at the same severity. */
async function sameRulesAsScanner(scannerRules: Record<string, RuleLevels>): Promise<string[]> {
	const problems: string[] = [];
	const cliPlugin = cliPluginVersion(repoDir);
	if (cliPlugin !== COMMUNITY_PLUGIN_VERSION) {
		problems.push(`@n8n/node-cli lints with @n8n/eslint-plugin-community-nodes ${cliPlugin ?? 'missing'}, the scanner with ${COMMUNITY_PLUGIN_VERSION}`);
	}
	for (const [file, rules] of Object.entries(scannerRules)) {
		const lint = await lintRules(repoDir, file);
		for (const problem of rulesNotMatched(file, rules, lint)) problems.push(`${file}: ${problem}`);
		const on = Object.values(rules).filter((severity) => severity > 0).length;
		log(`${file}: the scanner's ${on} rules are on in npm run lint, which adds ${Object.keys(lint).filter((id) => !(id in rules)).length} of its own`);
	}
	return problems;
}

async function main(): Promise<number> {
	if (!args.has('--no-build')) {
		log('npm run build');
		build(repoDir);
	}
	const scanner = ensureScanner(log);
	log(`tools: ${Object.entries(toolVersions()).map(([name, version]) => `${name}@${version ?? '?'}`).join(', ')}`);

	const workDir = mkdtempSync(join(tmpdir(), 'n8n-nodes-sam3-scan-'));
	try {
		const packed = packAndUnpack(repoDir, workDir);
		log(`packed ${packed.files.length} files into ${packed.tarball}`);
		const sourceDir = snapshotSource(repoDir, workDir);

		const { legs, rules } = runScanner(scanner, sourceDir, packed.dir);
		legs.forEach(printLeg);
		const ruleProblems = await sameRulesAsScanner(rules);
		log(`${ruleProblems.length ? 'FAIL' : 'PASS'} npm run lint applies the scanner's rules: ${ruleProblems.length} problems`);
		for (const problem of ruleProblems) console.log(`  ${problem}`);
		// After the lint: the checks link node_modules into the unpacked package to load the compiled classes.
		const findings = checkPackage(packed.dir, join(repoDir, 'node_modules'));
		printFindings(findings);

		const passed = legs.every((leg) => leg.passed && leg.files > 0) && ruleProblems.length === 0 && findings.length === 0;
		log(passed ? 'passed: n8n community package scan (lint legs, same rules as npm run lint, package checks)' : 'FAILED: see the problems above');
		return passed ? 0 : 1;
	} finally {
		if (args.has('--keep')) log(`kept ${workDir}`);
		else rmSync(workDir, { recursive: true, force: true });
	}
}

main().then(
	(code) => (process.exitCode = code),
	(error) => {
		console.error(error);
		process.exitCode = 1;
	},
);
