/**
 * n8n's verified-community-node scan, run locally on what `npm publish` would upload.
 *
 * The real scanner (`npx @n8n/scan-community-package n8n-nodes-sam3`) downloads the published tarball and the
 * GitHub source its npm provenance names, then lints both with its own eslint config. Here the same scanner
 * function (`analyzePackage`, same config, same file patterns) runs on `npm pack`'s tarball and on the working
 * tree's source files, followed by package checks that the lint leaves out (package-checks.ts).
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

import { checkPackage, type Finding } from './package-checks';
import { build, packAndUnpack, snapshotSource } from './pack';
import { ensureScanner, toolVersions } from './scanner-cache';

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

function runScanner(scanner: string, sourceDir: string, packageDir: string): LegResult[] {
	const output = execFileSync(process.execPath, [join(__dirname, 'scan-runner.mjs'), scanner, sourceDir, packageDir], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		maxBuffer: 64 * 1024 * 1024,
	});
	return JSON.parse(output) as LegResult[];
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

function main(): number {
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

		const legs = runScanner(scanner, sourceDir, packed.dir);
		legs.forEach(printLeg);
		// After the lint: the checks link node_modules into the unpacked package to load the compiled classes.
		const findings = checkPackage(packed.dir, join(repoDir, 'node_modules'));
		printFindings(findings);

		const passed = legs.every((leg) => leg.passed && leg.files > 0) && findings.length === 0;
		log(passed ? 'passed: n8n community package scan (lint legs + package checks)' : 'FAILED: see the problems above');
		return passed ? 0 : 1;
	} finally {
		if (args.has('--keep')) log(`kept ${workDir}`);
		else rmSync(workDir, { recursive: true, force: true });
	}
}

process.exitCode = main();
