/** One throw-away n8n user folder for one n8n line: package install, imports, headless execute. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { N8nLine } from './lines';
import { assertNoLoadErrors } from './load-errors';
import { freePort, run, runOk, type RunResult } from './proc';
import { parseExecuteOutput, type ExecuteResult } from './run-data';

/** Fixed so credentials encrypted on import can be decrypted by later commands of the same folder. */
export const ENCRYPTION_KEY = 'sam3-e2e-fixed-encryption-key';

/** The flags n8n's community-package installer passes to `npm install`. */
const N8N_NPM_INSTALL_ARGS = [
	'--audit=false',
	'--fund=false',
	'--bin-links=false',
	'--install-strategy=shallow',
	'--ignore-scripts=true',
	'--package-lock=false',
];

export interface CredentialFixture {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export class N8nHome {
	private constructor(
		readonly line: N8nLine,
		readonly userFolder: string,
		/** Folders the workflows may read and write (N8N_RESTRICT_FILE_ACCESS_TO). */
		readonly filesDir: string,
		/** Set for every n8n process of this home (e.g. queue mode's database and Redis). */
		readonly baseEnv: Record<string, string>,
	) {}

	static create(line: N8nLine, prefix = 'sam3-e2e', baseEnv: Record<string, string> = {}): N8nHome {
		const userFolder = mkdtempSync(join(tmpdir(), `${prefix}-n8n${line.key}-`));
		const filesDir = join(userFolder, 'files');
		mkdirSync(filesDir, { recursive: true });
		return new N8nHome(line, userFolder, filesDir, baseEnv);
	}

	/** n8n's own data folder (database, community nodes, binary storage). */
	get n8nDir(): string {
		return join(this.userFolder, '.n8n');
	}

	/** Environment for an n8n process of this home; inherited N8N_* variables are dropped. */
	async env(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
		const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('N8N_')));
		const perProcess: Record<string, string> =
			this.line.key === '2' ? { N8N_RUNNERS_BROKER_PORT: String(await freePort()) } : {};
		return {
			...inherited,
			PATH: `${dirname(this.line.nodeBin)}${delimiter}${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			// The --rawOutput JSON is printed through the logger: below info, stdout is empty.
			N8N_LOG_LEVEL: 'info',
			N8N_RESTRICT_FILE_ACCESS_TO: this.filesDir,
			...this.line.env,
			...this.baseEnv,
			...perProcess,
			...extra,
		};
	}

	/** Runs an n8n CLI command; fails loudly when n8n reports that a community package did not load. */
	async cli(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunResult> {
		const result = await run(this.line.nodeBin, [this.line.n8nBin, ...args], {
			cwd: this.userFolder,
			env: await this.env(opts.env),
			timeoutMs: opts.timeoutMs ?? 120_000,
		});
		assertNoLoadErrors(`${this.line.label}: n8n ${args[0]}`, result.stdout + result.stderr);
		return result;
	}

	async cliOk(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunResult> {
		const result = await this.cli(args, opts);
		if (result.code !== 0) {
			throw new Error(`${this.line.label}: n8n ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
		}
		return result;
	}

	/**
	 * Installs a package tarball the way the community-package installer of n8n 1.123 and 2.41 does: unpack it into
	 * `.n8n/nodes/node_modules/<name>`, drop dev/peer/optional dependencies, `npm install` its runtime
	 * dependencies there with n8n's flags, and record it in `.n8n/nodes/package.json`.
	 */
	async installPackage(tarball: string): Promise<{ name: string; dir: string; ms: number }> {
		const started = Date.now();
		const nodesDir = join(this.n8nDir, 'nodes');
		const staging = mkdtempSync(join(tmpdir(), 'sam3-e2e-unpack-'));
		await runOk('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1']);
		const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
			readFileSync(join(staging, 'package.json'), 'utf8'),
		);
		const dir = join(nodesDir, 'node_modules', manifest.name);
		mkdirSync(dirname(dir), { recursive: true });
		rmSync(dir, { recursive: true, force: true });
		renameSync(staging, dir);
		writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
		await runOk('npm', ['install', ...N8N_NPM_INSTALL_ARGS], { cwd: dir });
		const hostFile = join(nodesDir, 'package.json');
		const host = existsSync(hostFile)
			? JSON.parse(readFileSync(hostFile, 'utf8'))
			: { name: 'installed-nodes', private: true, dependencies: {} };
		host.dependencies[manifest.name] = manifest.version;
		writeFileSync(hostFile, JSON.stringify(host, null, 2));
		return { name: manifest.name, dir, ms: Date.now() - started };
	}

	async importCredentials(credentials: CredentialFixture[]): Promise<void> {
		const file = join(this.userFolder, `credentials-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(credentials, null, 2));
		await this.cliOk(['import:credentials', `--input=${file}`]);
	}

	/** Imports workflows (each needs an `id`). */
	async importWorkflows(workflows: object[]): Promise<void> {
		for (const [i, workflow] of workflows.entries()) {
			const file = join(this.userFolder, `workflow-${Date.now()}-${i}.json`);
			writeFileSync(file, JSON.stringify(workflow, null, 2));
			await this.cliOk(['import:workflow', `--input=${file}`]);
		}
	}

	/** `n8n execute --id X --rawOutput`; resolves with the parsed run data whatever the exit code. */
	async execute(workflowId: string, opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ExecuteResult> {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], opts);
		return parseExecuteOutput(result, this);
	}
}
