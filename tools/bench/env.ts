/**
 * Imported first by run.ts and worker.ts: n8n-core's DI container writes a config file into N8N_USER_FOLDER when
 * it loads, so a benchmark process gets its own temp folder (like test/setup-env.ts does for jest), removed on exit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	const folder = mkdtempSync(join(tmpdir(), 'n8n-sam3-bench-'));
	process.env.N8N_USER_FOLDER = folder;
	process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
}
