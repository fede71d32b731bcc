/** The two providers as the tests name them: the node's credential ids, the label the node outputs, the emulator's name. */
import type { Provider as EmulatorProvider } from './index';

/** The node's provider choice (its `authentication` parameter = the credential type). */
export type Provider = 'falApi' | 'runflowApi';

export const PROVIDERS: Provider[] = ['falApi', 'runflowApi'];

/** What the node writes as `provider` on its items and in its messages. */
export const PROVIDER_LABEL: Record<Provider, string> = { falApi: 'fal.ai', runflowApi: 'Runflow' };

/** The emulator's name for the same provider (its stats and scripts are keyed by it). */
export const EMULATOR_PROVIDER: Record<Provider, EmulatorProvider> = { falApi: 'fal', runflowApi: 'runflow' };
