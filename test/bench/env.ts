/**
 * Imported first by run.ts: n8n-core's DI container writes a config file into N8N_USER_FOLDER when it loads,
 * so a benchmark run gets its own temp folder (like test/setup-env.ts does for jest).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-sam3-bench-'));
