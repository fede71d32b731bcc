/** Shared preparation for the demo, `npm start` and the e2e run: install n8n, pack, set up one home. */
import { lines, repoRoot, type LineKey, type N8nLine } from './lines';
import { N8nHome } from './n8n-home';
import { buildAndPack } from './pack';
import { runOk } from './proc';

/** Runs tools/e2e/install.sh for the given lines (fast when cached). */
export async function ensureInstalled(keys: LineKey[], opts: { chromium?: boolean } = {}): Promise<void> {
	await runOk('bash', ['tools/e2e/install.sh'], {
		cwd: repoRoot,
		timeoutMs: 25 * 60_000,
		env: { ...process.env, SAM3_E2E_LINES: keys.join(' '), SAM3_E2E_SKIP_CHROMIUM: opts.chromium ? '' : '1' },
	});
}

/** The line named by an environment variable ("1" or "2"), default 1. */
export function lineFromEnv(variable: string): N8nLine {
	const key = (process.env[variable] ?? '1') as LineKey;
	const line = lines[key];
	if (!line) throw new Error(`${variable} must be 1 or 2, not ${key}`);
	return line;
}

/** Installs n8n, builds and packs the package, and installs it into a fresh home. */
export async function preparedHome(line: N8nLine, opts: { prefix: string; chromium?: boolean }): Promise<N8nHome> {
	log(`installing ${line.label} if needed (cache: ${line.dir})`);
	await ensureInstalled([line.key], opts);
	log('building and packing n8n-nodes-sam3');
	const tarball = await buildAndPack();
	const home = N8nHome.create(line, opts.prefix);
	log(`installing ${tarball} into ${home.n8nDir}/nodes`);
	await home.installPackage(tarball);
	return home;
}

export function log(message: string): void {
	console.log(`[sam3] ${message}`);
}
