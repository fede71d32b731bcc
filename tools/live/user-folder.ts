/** n8n-core's DI container writes its settings under N8N_USER_FOLDER: a throw-away folder, as in the tests. Imported first. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-sam3-live-'));
