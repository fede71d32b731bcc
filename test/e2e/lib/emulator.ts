/** Starts the provider emulator (test/emulator/cli.ts) out of process and addresses it. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CredentialFixture } from './n8n-home';
import { repoRoot } from './lines';
import { startBackground, type Background } from './proc';

export interface EmulatorProcess {
	port: number;
	/** http://127.0.0.1:PORT */
	origin: string;
	falRunUrl: string;
	falQueueUrl: string;
	falRestUrl: string;
	runflowUrl: string;
	/** The file host (deliberately "localhost", a different host from the API). */
	filesUrl: string;
	/** Keys the emulator accepts. */
	keys: { fal: string; runflow: string };
	/** POST/GET an emulator control endpoint under /__emulator/. */
	control: (path: string, body?: unknown) => Promise<any>;
	output: () => string;
	stop: () => Promise<void>;
}

export const emulatorCli = join(repoRoot, 'test', 'emulator', 'cli.ts');

export function emulatorExists(): boolean {
	return existsSync(emulatorCli);
}

/** Starts `tsx test/emulator/cli.ts 0` (a free port) and reads its addresses and valid keys from /__emulator/info. */
export async function startEmulator(env: Record<string, string> = {}): Promise<EmulatorProcess> {
	if (!emulatorExists()) throw new Error(`the provider emulator is missing: ${emulatorCli}`);
	const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
	const proc: Background = startBackground(tsx, [emulatorCli, '0'], { cwd: repoRoot, env: { ...process.env, ...env } });
	let port: number;
	try {
		// cli.ts prints {"ready":true,"url":…,"port":…} once it listens.
		const match = await proc.waitFor(/^\{"ready":true.*"port":(\d+)/m, 60_000);
		port = Number(match[1]);
	} catch (error) {
		await proc.stop();
		throw error;
	}
	const origin = `http://127.0.0.1:${port}`;
	const control = async (path: string, body?: unknown) => {
		const res = await fetch(`${origin}/__emulator/${path.replace(/^\//, '')}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`emulator control ${path}: HTTP ${res.status} ${text}`);
		return text ? JSON.parse(text) : undefined;
	};
	const info = (await control('info')) as { urls: Record<string, string>; keys: { fal: string; runflow: string } };
	return {
		port,
		origin,
		falRunUrl: info.urls.falRun,
		falQueueUrl: info.urls.falQueue,
		falRestUrl: info.urls.falRest,
		runflowUrl: info.urls.runflow,
		filesUrl: info.urls.files,
		keys: { fal: info.keys.fal, runflow: info.keys.runflow },
		control,
		output: proc.output,
		stop: proc.stop,
	};
}

export const FAL_CREDENTIAL_ID = 'sam3e2efal000001';
export const RUNFLOW_CREDENTIAL_ID = 'sam3e2erunflow01';

/** Credentials pointed at the emulator (or at the real providers when given real keys and URLs). */
export function providerCredentials(urls: {
	falKey: string;
	falRunUrl: string;
	falQueueUrl: string;
	falRestUrl: string;
	runflowKey: string;
	runflowUrl: string;
	runflowOrganizationId?: string;
}): CredentialFixture[] {
	return [
		{
			id: FAL_CREDENTIAL_ID,
			name: 'fal.ai account',
			type: 'falApi',
			data: { apiKey: urls.falKey, runUrl: urls.falRunUrl, queueUrl: urls.falQueueUrl, restUrl: urls.falRestUrl },
		},
		{
			id: RUNFLOW_CREDENTIAL_ID,
			name: 'Runflow account',
			type: 'runflowApi',
			data: { apiKey: urls.runflowKey, baseUrl: urls.runflowUrl, organizationId: urls.runflowOrganizationId ?? '' },
		},
	];
}

/** Credentials for the emulator, with keys it accepts. */
export function emulatorCredentials(emulator: EmulatorProcess, keys = emulator.keys) {
	return providerCredentials({
		falKey: keys.fal,
		falRunUrl: emulator.falRunUrl,
		falQueueUrl: emulator.falQueueUrl,
		falRestUrl: emulator.falRestUrl,
		runflowKey: keys.runflow,
		runflowUrl: emulator.runflowUrl,
	});
}

/** Credentials for the real providers, keys from FAL_KEY / RUNFLOW_API_KEY (RUNFLOW_ORGANIZATION_ID optional). */
export function realProviderCredentials() {
	return providerCredentials({
		falKey: process.env.FAL_KEY ?? '',
		falRunUrl: 'https://fal.run',
		falQueueUrl: 'https://queue.fal.run',
		falRestUrl: 'https://rest.fal.ai',
		runflowKey: process.env.RUNFLOW_API_KEY ?? '',
		runflowUrl: 'https://api.runflow.io',
		runflowOrganizationId: process.env.RUNFLOW_ORGANIZATION_ID,
	});
}
