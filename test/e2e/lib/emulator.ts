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
	/** POST/GET an emulator control endpoint under /__emulator/. */
	control: (path: string, body?: unknown) => Promise<any>;
	output: () => string;
	stop: () => Promise<void>;
}

export const emulatorCli = join(repoRoot, 'test', 'emulator', 'cli.ts');

export function emulatorExists(): boolean {
	return existsSync(emulatorCli);
}

export async function startEmulator(env: Record<string, string> = {}): Promise<EmulatorProcess> {
	if (!emulatorExists()) throw new Error(`the provider emulator is missing: ${emulatorCli}`);
	const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
	const proc: Background = startBackground(tsx, [emulatorCli, '--port', '0'], {
		cwd: repoRoot,
		env: { ...process.env, PORT: '0', ...env },
	});
	let port: number;
	try {
		const match = await proc.waitFor(/http:\/\/(?:127\.0\.0\.1|localhost):(\d+)/, 30_000);
		port = Number(match[1]);
	} catch (error) {
		await proc.stop();
		throw error;
	}
	const origin = `http://127.0.0.1:${port}`;
	return {
		port,
		origin,
		falRunUrl: `${origin}/fal-run`,
		falQueueUrl: `${origin}/fal-queue`,
		falRestUrl: `${origin}/fal-rest`,
		runflowUrl: `${origin}/runflow`,
		filesUrl: `http://localhost:${port}/files`,
		async control(path, body) {
			const res = await fetch(`${origin}/__emulator/${path.replace(/^\//, '')}`, {
				method: body === undefined ? 'GET' : 'POST',
				headers: body === undefined ? {} : { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await res.text();
			if (!res.ok) throw new Error(`emulator control ${path}: HTTP ${res.status} ${text}`);
			return text ? JSON.parse(text) : undefined;
		},
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
export function emulatorCredentials(emulator: EmulatorProcess, keys = { fal: 'e2e-key:secret', runflow: 'rf_test_e2e' }) {
	return providerCredentials({
		falKey: keys.fal,
		falRunUrl: emulator.falRunUrl,
		falQueueUrl: emulator.falQueueUrl,
		falRestUrl: emulator.falRestUrl,
		runflowKey: keys.runflow,
		runflowUrl: emulator.runflowUrl,
	});
}
