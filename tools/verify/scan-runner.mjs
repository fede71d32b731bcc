// Runs n8n's scanner (@n8n/scan-community-package) on local folders, the way its CLI does after downloading a
// package: the source leg on the source checkout, the dist leg on the unpacked npm tarball.
// Plain `node`, not tsx or jest: the scanner's own tests note that its external plugin's rules silently do nothing
// when another loader hands them a different @typescript-eslint parser instance.
//
// Usage: node scan-runner.mjs <scanner.mjs path> <source dir> <package dir> [source file…]
//   → JSON on stdout: { legs, rules: { <source file>: { <rule id>: severity } } }
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [scannerPath, sourceDir, packageDir, ...ruleSampleFiles] = process.argv.slice(2);
const scanner = await import(pathToFileURL(scannerPath).href);
const requireFromScanner = createRequire(scannerPath);
const { ESLint } = requireFromScanner('eslint');
const glob = requireFromScanner('fast-glob');

// Same legs and file patterns as analyzePackageByName in scanner.mjs.
const legs = [
	{ name: 'source', dir: sourceDir, patterns: scanner.SOURCE_FILE_PATTERNS },
	{ name: 'tarball', dir: packageDir, patterns: ['**/*.js', 'package.json'] },
];

// analyzePackage only reports errors, and only when it fails; the same lint is repeated here to list warnings too.
async function allProblems(dir, patterns) {
	const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await scanner.buildScanConfig() });
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
	const results = files.length ? await eslint.lintFiles(files) : [];
	return {
		files: files.length,
		problems: results.flatMap((result) =>
			result.messages.map((m) => ({
				file: result.filePath.slice(dir.length + 1),
				line: m.line,
				column: m.column,
				severity: m.severity === 2 ? 'error' : 'warning',
				rule: m.ruleId ?? '(parser)',
				message: m.message,
			})),
		),
	};
}

// The rules (id → severity 0/1/2) the scanner applies to a source file, for comparing with what npm run lint applies.
async function rulesFor(dir, file) {
	const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: await scanner.buildScanConfig() });
	const { rules } = await eslint.calculateConfigForFile(file);
	return Object.fromEntries(Object.entries(rules).map(([id, entry]) => [id, severity(entry)]));
}

function severity(entry) {
	const level = Array.isArray(entry) ? entry[0] : entry;
	return typeof level === 'number' ? level : { off: 0, warn: 1, error: 2 }[level];
}

const legResults = [];
for (const leg of legs) {
	const verdict = await scanner.analyzePackage(leg.dir, leg.patterns);
	const { files, problems } = await allProblems(leg.dir, leg.patterns);
	legResults.push({ leg: leg.name, passed: verdict.passed, message: verdict.message ?? null, files, problems });
}
const rules = {};
for (const file of ruleSampleFiles) rules[file] = await rulesFor(sourceDir, file);
process.stdout.write(JSON.stringify({ legs: legResults, rules }));
