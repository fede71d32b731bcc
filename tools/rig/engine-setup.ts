import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

// The DI container writes its settings file with default permissions under N8N_USER_FOLDER (a temp
// dir in tests); n8n would warn about them on every test file.
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';

let done = false;

/**
 * Process-wide set-up the real n8n process does not need: n8n-core's SSHClientsManager (created by every
 * ExecuteContext) starts a 60 s cleanup interval that would keep a test process alive, so it is unref'd.
 */
export function prepareEngine(): void {
	if (done) return;
	done = true;
	const manager = Container.get(SSHClientsManager) as unknown as { cleanupTimer?: NodeJS.Timeout };
	manager.cleanupTimer?.unref();
}
