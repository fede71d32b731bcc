// Lints the working tree with the flat eslint config n8n's scanner uses (buildScanConfig: the recommended set of
// @n8n/eslint-plugin-community-nodes plus eslint-plugin-n8n-nodes-base), on the files its source leg lints.
// Plain `node`, like scan-runner.mjs: the plugin's rules need the scanner's own @typescript-eslint parser instance.
//
// Usage: node community-lint.mjs <scanner.mjs path> <repo dir>  → eslint's stylish report; exit 1 on errors.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [scannerPath, repoDir] = process.argv.slice(2);
const scanner = await import(pathToFileURL(scannerPath).href);
const requireFromScanner = createRequire(scannerPath);
const { ESLint } = requireFromScanner('eslint');
const glob = requireFromScanner('fast-glob');

const eslint = new ESLint({ cwd: repoDir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await scanner.buildScanConfig() });
const files = glob.sync(scanner.SOURCE_FILE_PATTERNS, { cwd: repoDir, absolute: true, ignore: ['node_modules/**', '**/package-lock.json'] });
const results = await eslint.lintFiles(files);
const report = await (await eslint.loadFormatter('stylish')).format(results);
if (report) process.stdout.write(report);
const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
console.log(`[lint:community] ${files.length} files, ${errors} errors (n8n scanner rules)`);
process.exitCode = errors ? 1 : 0;
