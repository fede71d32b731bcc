import { falAdapter } from './fal';
import type { ProviderAdapter, ProviderId } from './provider';
import { runflowAdapter } from './runflow';

const ADAPTERS: Record<ProviderId, ProviderAdapter> = { falApi: falAdapter, runflowApi: runflowAdapter };

export function adapterFor(provider: string): ProviderAdapter {
	const adapter = ADAPTERS[provider as ProviderId];
	if (!adapter) throw new Error(`Unknown provider "${provider}"`);
	return adapter;
}
