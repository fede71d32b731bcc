/**
 * Real-n8n end-to-end tests (`npm run test:e2e`): installs n8n 1.123.50 (Node 20) and 2.41.1 (Node 24) into a
 * cache outside the repo, installs this package's `npm pack` tarball into a fresh user folder per line the way
 * n8n's community-package installer does, and runs workflows headless against the provider emulator.
 *   SAM3_E2E_LINES="1 2"      n8n lines to test
 *   SAM3_E2E_SUITES="..."     subset of: pipeline examples errors async editor ecommerce queue family video agent (default: all)
 *   SAM3_E2E_SKIP_BUILD=1     pack the existing dist/ without `npm run build`
 *   SAM3_E2E_SKIP_INSTALL=1   trust the cache as it is (do not run install.sh)
 *   SAM3_E2E_CACHE=<dir>      install cache (default ~/.cache/n8n-nodes-sam3-e2e)
 *   SAM3_E2E_KEEP=1           keep the n8n user folders (~80 MB each) for a look after the run
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe } from 'node:test';
import { emulatorCredentials, startEmulator, type EmulatorProcess } from './lib/emulator';
import { startImageServer, type ImageServer } from './lib/image-server';
import { isInstalled, repoRoot, selectedLines } from './lib/lines';
import { N8nHome } from './lib/n8n-home';
import { buildAndPack, hasBuiltSam3Node } from './lib/pack';
import { runOk } from './lib/proc';
import { TEST_IMAGES, TEST_VIDEO } from './lib/test-images';
import type { LineContext } from './suites/context';
import { agentSuite } from './suites/agent';
import { asyncSuite } from './suites/async';
import { editorSuite } from './suites/editor';
import { errorsSuite } from './suites/errors';
import { ecommerceSuite } from './suites/ecommerce';
import { examplesSuite } from './suites/examples';
import { familySuite } from './suites/family';
import { pipelineSuite } from './suites/pipeline';
import { queueSuite } from './suites/queue';
import { videoSuite } from './suites/video';

const suites = new Set((process.env.SAM3_E2E_SUITES ?? 'pipeline examples errors async editor ecommerce queue family video agent').split(/[\s,]+/).filter(Boolean));
const needsSam3 = ['examples', 'errors', 'async', 'editor', 'ecommerce', 'queue', 'family', 'video', 'agent'].some((s) => suites.has(s));
const timings = new Map<string, number>();
const homes: N8nHome[] = [];
let tarball = '';
let emulator: EmulatorProcess | undefined;
let images: ImageServer;

before(async () => {
	const started = Date.now();
	if (process.env.SAM3_E2E_SKIP_INSTALL !== '1') await runOk('bash', ['tools/e2e/install.sh'], {
		cwd: repoRoot,
		timeoutMs: 20 * 60_000,
		env: {
			...process.env,
			SAM3_E2E_LINES: selectedLines().map((l) => l.key).join(' '),
			SAM3_E2E_SKIP_CHROMIUM: suites.has('editor') ? '' : '1',
			SAM3_E2E_SKIP_QUEUE: suites.has('queue') ? '' : '1',
		},
	});
	timings.set('installer (cached or fresh)', Date.now() - started);
	const packStarted = Date.now();
	tarball = await buildAndPack();
	timings.set('build + npm pack', Date.now() - packStarted);
	if (needsSam3 && !hasBuiltSam3Node()) throw new Error('dist/nodes/Sam3/Sam3.node.js was not built: the SAM 3 suites need it');
	images = await startImageServer([...TEST_IMAGES, TEST_VIDEO]);
	if (needsSam3) emulator = await startEmulator();
});

after(async () => {
	await emulator?.stop();
	await images?.close();
	for (const home of homes) {
		if (process.env.SAM3_E2E_KEEP === '1') console.log(`# kept ${home.line.label} user folder: ${home.userFolder}`);
		else rmSync(home.userFolder, { recursive: true, force: true });
	}
	if (tarball) rmSync(dirname(tarball), { recursive: true, force: true });
	console.log('# timings');
	for (const [label, ms] of timings) console.log(`#   ${label}: ${(ms / 1000).toFixed(1)} s`);
});

for (const line of selectedLines()) {
	describe(`${line.label} (Node ${line.key === '1' ? '20' : '24'})`, () => {
		let ctx: LineContext;
		before(async () => {
			if (!isInstalled(line)) throw new Error(`${line.label} is not installed under ${line.dir}`);
			const home = N8nHome.create(line);
			homes.push(home);
			// Before the SAM 3 node exists, the package would not load: the pipeline suite runs without it.
			if (hasBuiltSam3Node()) {
				const installed = await home.installPackage(tarball);
				timings.set(`${line.label}: package install`, installed.ms);
			}
			if (emulator) await home.importCredentials(emulatorCredentials(emulator));
			ctx = { line, home, tarball, emulator, images, record: (label, ms) => timings.set(`${line.label}: ${label}`, ms) };
		});
		if (suites.has('pipeline')) pipelineSuite(() => ctx);
		if (suites.has('examples')) examplesSuite(() => ctx);
		if (suites.has('errors')) errorsSuite(() => ctx);
		if (suites.has('async')) asyncSuite(() => ctx);
		if (suites.has('editor')) editorSuite(() => ctx);
		if (suites.has('ecommerce')) ecommerceSuite(() => ctx);
		if (suites.has('queue')) queueSuite(() => ctx);
		if (suites.has('family')) familySuite(() => ctx);
		if (suites.has('video')) videoSuite(() => ctx);
		if (suites.has('agent')) agentSuite(() => ctx);
	});
}

// Ctrl-C: exit normally, so the background n8n/emulator process groups are ended (lib/proc.ts).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
