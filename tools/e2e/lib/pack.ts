/** Builds the package and packs it the way it is published (`npm pack`). */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './lines';
import { runOk } from './proc';

/** Runs `npm run build` (unless SAM3_E2E_SKIP_BUILD=1) and `npm pack`; returns the tarball path. */
export async function buildAndPack(): Promise<string> {
	if (process.env.SAM3_E2E_SKIP_BUILD !== '1') {
		await runOk('npm', ['run', 'build'], { cwd: repoRoot, timeoutMs: 300_000 });
	}
	const dest = mkdtempSync(join(tmpdir(), 'sam3-e2e-pack-'));
	const { stdout } = await runOk('npm', ['pack', '--json', '--pack-destination', dest], { cwd: repoRoot });
	const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
	const tarball = join(dest, info.filename);
	if (!existsSync(tarball)) throw new Error(`npm pack reported ${info.filename} but ${tarball} does not exist`);
	return tarball;
}

/** Whether the built package contains the SAM 3 node (it is being written while this harness grows). */
export function hasBuiltSam3Node(): boolean {
	return existsSync(join(repoRoot, 'dist', 'nodes', 'Sam3', 'Sam3.node.js'));
}
