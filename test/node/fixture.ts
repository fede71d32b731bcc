import type { INodeParameters } from 'n8n-workflow';

import { FalApi } from '../../credentials/FalApi.credentials';
import { RunflowApi } from '../../credentials/RunflowApi.credentials';
import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { type Emulator, startEmulator } from '../../tools/emulator';
import { type RigCredential, type RunNodeOptions, runNode } from '../../tools/rig';

import type { Provider } from '../../tools/emulator/providers';

export { PROVIDERS, type Provider } from '../../tools/emulator/providers';

/** Credentials pointed at the emulator, as a user would fill them in for a gateway. */
export function credentialsFor(emulator: Emulator, keys: { fal?: string; runflow?: string } = {}): RigCredential[] {
	return [
		{
			type: new FalApi(),
			data: {
				apiKey: keys.fal ?? emulator.keys.fal,
				runUrl: emulator.falRunUrl,
				queueUrl: emulator.falQueueUrl,
				restUrl: emulator.falRestUrl,
			},
		},
		{
			type: new RunflowApi(),
			data: { apiKey: keys.runflow ?? emulator.keys.runflow, baseUrl: emulator.runflowUrl, organizationId: '' },
		},
	];
}


export interface Sam3Run extends Partial<RunNodeOptions> {
	provider?: Provider;
	parameters?: INodeParameters;
}

/**
 * The node version these tests' parameters are named for: the first panel's (version 1, as workflows saved before
 * issue 30 have them). Tests of the current panel pass `typeVersion: 2`.
 */
export const FIRST_PANEL_VERSION = 1;

/** Runs the SAM 3 node through the real engine against the emulator. */
export async function runSam3(emulator: Emulator, run: Sam3Run = {}) {
	const { provider = 'falApi', parameters = {}, ...rest } = run;
	return await runNode({
		node: Sam3,
		packageName: 'n8n-nodes-sam3',
		credentials: credentialsFor(emulator),
		typeVersion: FIRST_PANEL_VERSION,
		...rest,
		parameters: { authentication: provider, operation: 'segment', ...parameters },
	});
}

export { startEmulator, type Emulator };
export { solidImage } from '../support/images';
