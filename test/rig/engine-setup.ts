import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

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
