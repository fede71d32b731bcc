#!/usr/bin/env node
// One-off (issue 28.5): splits test/ into test/ (what jest runs) and tools/ (commands and the libraries they share
// with the tests). Run from the repository root on a clean tree: `node relayout-tests-tools.mjs`, then review
// `git diff --stat`, delete this script. It git-mvs the files, rewrites every relative import that crosses the
// move, and replaces path mentions (scripts, CI, docs, comments) of the moved files.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const git = (...args) => execFileSync('git', args, { encoding: 'utf8' });
const tracked = git('ls-files').split('\n').filter(Boolean);

/** Old path → new path, per file. Order matters: the first rule that matches a file wins. */
const RULES = [
	[/^test\/emulator\/__tests__\/(.+)$/, 'test/emulator/$1'],
	[/^test\/emulator\/use-emulator\.ts$/, 'test/support/use-emulator.ts'],
	[/^test\/emulator\/(.+)$/, 'tools/emulator/$1'],
	[/^test\/support\/providers\.ts$/, 'tools/emulator/providers.ts'],
	[/^test\/e2e\/(.+)$/, 'tools/e2e/$1'],
	[/^test\/bench\/(.+)$/, 'tools/bench/$1'],
	[/^test\/rig\/(.+\.test\.ts|fixtures\/.+)$/, 'test/rig/$1'],
	[/^test\/rig\/(.+)$/, 'tools/rig/$1'],
	[/^test\/verify\/(.+\.test\.ts)$/, 'test/verify/$1'],
	[/^test\/verify\/(.+)$/, 'tools/verify/$1'],
];
const moves = new Map();
for (const file of tracked) {
	const rule = RULES.find(([pattern]) => pattern.test(file));
	if (!rule) continue;
	const target = file.replace(rule[0], rule[1]);
	if (target !== file) moves.set(file, target);
}
const moved = (path) => moves.get(path) ?? path;

/** A relative specifier's target file (as tracked before the move), or undefined when it is not a tracked file. */
function resolveOld(fromFile, spec) {
	const base = normalize(join(dirname(fromFile), spec));
	for (const candidate of [base, `${base}.ts`, `${base}.mjs`, `${base}.js`, `${base}/index.ts`]) {
		if (tracked.includes(candidate)) return candidate;
	}
	return undefined;
}

function newSpecifier(newFrom, oldTarget, spec) {
	const newTarget = moved(oldTarget);
	let rel = relative(dirname(newFrom), newTarget);
	// Keep the specifier's own style: an extension only if it had one, `/index` only if it was written.
	if (!/\.(ts|mjs|js|json)$/.test(spec)) rel = rel.replace(/\.(ts|mjs|js)$/, '');
	if (oldTarget.endsWith('/index.ts') && !/index(\.ts)?$/.test(spec)) rel = rel.replace(/\/index$/, '');
	if (!rel.startsWith('.')) rel = `./${rel}`;
	return rel;
}

const SPEC = /((?:from|import|require|jest\.mock)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)(['"])/g;
const code = tracked.filter((f) => /\.(ts|mjs|js)$/.test(f) && (f.startsWith('test/') || f.startsWith('tools/')));
const rewritten = new Map();
for (const file of code) {
	const text = readFileSync(file, 'utf8');
	const next = text.replace(SPEC, (whole, head, spec, tail) => {
		const target = resolveOld(file, spec);
		if (!target) return whole;
		const updated = newSpecifier(moved(file), target, spec);
		return `${head}${updated}${tail}`;
	});
	if (next !== text) rewritten.set(file, next);
}

// Move, then write the rewritten imports at the files' new places.
for (const [from, to] of moves) {
	execFileSync('mkdir', ['-p', dirname(to)]);
	git('mv', from, to);
}
for (const [file, text] of rewritten) writeFileSync(moved(file), text);
execFileSync('find', ['test', '-type', 'd', '-empty', '-delete']);

// Path mentions in scripts, configs, docs and comments: longest paths first.
const mentions = [...moves].sort((a, b) => b[0].length - a[0].length);
const TEXT = /\.(ts|mjs|js|json|md|yml|yaml|sh)$|^\.ci\/run$/;
for (const file of git('ls-files').split('\n').filter((f) => f && TEXT.test(f) && f !== 'package-lock.json' && f !== 'CHANGELOG.md' && !f.startsWith('benchmarks/') && !f.startsWith('relayout'))) {
	const text = readFileSync(file, 'utf8');
	let next = text;
	for (const [from, to] of mentions) next = next.split(from).join(to);
	next = next
		.split('test/emulator/__tests__').join('test/emulator')
		.split("'test', 'e2e'").join("'tools', 'e2e'")
		.split("'test', 'emulator', 'cli.ts'").join("'tools', 'emulator', 'cli.ts'")
		.replace(/\btest\/(e2e|bench)\b/g, 'tools/$1');
	if (next !== text) writeFileSync(file, next);
}

// Mentions that name a folder, not a file, and CONTRIBUTING's map, now that the move is done.
const EDITS = {
	'BENCHMARKS.md': [['`test/rig` runs it', '`tools/rig` runs it']],
	'tools/bench/emulator-controls.ts': [['(test/emulator/', '(tools/emulator/']],
	'tools/bench/sam3-runner.ts': [['(test/rig)', '(tools/rig)']],
	'CONTRIBUTING.md': [
		['`test/emulator/` is a local HTTP server', '`tools/emulator/` is a local HTTP server'],
		[
			'so `test/eslint.config.mjs` (which ignores the\n  test tree: it runs on Node, not in n8n) applies there;',
			'so `test/eslint.config.mjs` and\n  `tools/eslint.config.mjs` (which ignore those trees: they run on Node, not in n8n) apply there;',
		],
		['(`test/tsconfig.json`), tsx', '(`test/tsconfig.json`, which covers `tools/` too), tsx'],
	],
};
for (const [file, edits] of Object.entries(EDITS)) {
	let text = readFileSync(file, 'utf8');
	for (const [from, to] of edits) text = text.split(from).join(to);
	writeFileSync(file, text);
}
const contributing = readFileSync('CONTRIBUTING.md', 'utf8');
const start = contributing.indexOf('## Tests and tools');
const end = contributing.indexOf('## Toolchain');
if (start > 0 && end > start) {
	writeFileSync(
		'CONTRIBUTING.md',
		contributing.slice(0, start) +
			`## Tests and tools

**\`test/\` is what \`npm test\` runs (jest: roots \`test/\`, \`testMatch **/*.test.ts\`); \`tools/\` is every command
(\`npm run …\`) and the libraries the tests share with them.** Imports run one way: \`test/\` may import \`tools/\` (a test
of the emulator, a test that runs the rig), \`tools/\` never imports \`test/\`.

| Folder | What lives there | Run by |
| --- | --- | --- |
| \`test/node/\` | the node in the real engine, by feature (\`fixture.ts\`, \`harness.ts\`, \`fixtures/videos\`) | \`npm test\` |
| \`test/reliability/\` | faults, hostile answers, limits, money, security; \`doc-sync\` pairs each test with its RELIABILITY.md row | \`npm test\` |
| \`test/credentials/\` | both credential types against the emulator | \`npm test\` |
| \`test/emulator/\` | the emulator's own tests, incl. the official \`@fal-ai/client\` against it | \`npm test\` |
| \`test/rig/\` | the rig's own tests and their fixtures (echo node and server) | \`npm test\` |
| \`test/verify/\` | package checks | \`npm test\` |
| \`test/support/\` | jest-only helpers: images, HTTP, \`useEmulator\` (an in-process emulator per test file) | imported by tests |
| \`tools/emulator/\` | the provider emulator (a test double) | \`npm run emulator\`; in process by jest, as a child process by e2e and bench |
| \`tools/rig/\` | the real-engine rig: \`runNode\`, \`startNode\`, \`runAsAgentTool\`, \`testCredential\` | imported by tests and benchmarks |
| \`tools/e2e/\` | real-n8n end to end: \`run.ts\`, \`suites/\` (node:test), \`lib/\`, \`install.sh\`; \`demo.ts\`, \`start.ts\` | \`npm run test:e2e\`, \`npm run demo\`, \`npm start\` |
| \`tools/bench/\` | benchmarks | \`npm run bench…\` |
| \`tools/verify/\` | the verification scan and its package checks | \`npm run scan\` |

A new jest test goes into \`test/<area>/<thing>.test.ts\`; a new command into \`tools/<command>/\` with its npm script
and, when it has logic worth testing, its tests in \`test/<command>/\`.

` +
			contributing.slice(end),
	);
}

// The tools tree takes the test tree's ESLint config (not n8n's node rules) and is type-checked with it.
writeFileSync(
	'tools/eslint.config.mjs',
	readFileSync('test/eslint.config.mjs', 'utf8').replace('The test tree (jest, emulator, e2e and bench tooling; never published)', 'The tools tree (emulator, rig, e2e, bench, scan; never published)'),
);
git('add', 'tools/eslint.config.mjs');
const tsconfig = JSON.parse(readFileSync('test/tsconfig.json', 'utf8'));
tsconfig.include = [...new Set([...tsconfig.include, '../tools/**/*'])];
writeFileSync('test/tsconfig.json', `${JSON.stringify(tsconfig, null, 2)}\n`);

console.log(`moved ${moves.size} files, rewrote imports in ${rewritten.size}`);
const left = git('grep', '-n', '-E', 'test/(rig|emulator|verify|support)', '--', ':!CHANGELOG.md', ':!relayout-tests-tools.mjs').trim();
if (left) console.log(`\nmentions of test/ folders to check by hand (after this script, those left name tests and are right):\n${left}`);
