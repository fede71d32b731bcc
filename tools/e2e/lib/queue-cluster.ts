/**
 * n8n in queue mode: one main (`n8n start`: editor, REST API, production webhooks) and workers (`n8n worker`)
 * sharing one Postgres database, one Redis (Bull queue) and one encryption key.
 *
 * Community packages, as n8n 1.123 and 2.41 handle them (read from their source): every instance — main and each
 * worker — loads nodes from its OWN `$N8N_USER_FOLDER/.n8n/nodes` at start (LoadNodesAndCredentials; workers set
 * `needsCommunityPackages`). The database's `installed_packages` table is written only by an install through
 * the UI/REST API; at start an instance compares it with what it loaded and only warns about a missing package,
 * unless N8N_REINSTALL_MISSING_PACKAGES=true, when it `npm pack`s it from the registry. A UI install on the main
 * is broadcast over Redis (`community-package-install`) and each worker then downloads it from the registry into
 * its own folder. A registry other than registry.npmjs.org needs an enterprise licence. So a package that is not
 * on the public registry (this tarball) reaches workers the way self-hosted queue setups ship it: installed into
 * each instance's nodes folder (an image or volume per worker) — here with n8n's own installer steps, per home.
 */
import { N8nHome } from './n8n-home';
import type { N8nLine } from './lines';
import { assertNoLoadErrors } from './load-errors';
import { startN8n, type N8nServer } from './n8n-server';
import { freePort, startBackground, type Background } from './proc';
import { startPostgres, startRedis, type Postgres, type Service } from './queue-services';

export interface QueueServices {
	postgres: Postgres;
	redis: Service;
	stop: () => Promise<void>;
}

export async function startQueueServices(): Promise<QueueServices> {
	const [postgres, redis] = await Promise.allSettled([startPostgres(), startRedis()]);
	const started = [postgres, redis].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
	const stop = async () => void (await Promise.all(started.map((s) => s.stop())));
	if (postgres.status === 'rejected' || redis.status === 'rejected') {
		await stop();
		throw postgres.status === 'rejected' ? postgres.reason : (redis as PromiseRejectedResult).reason;
	}
	return { postgres: postgres.value, redis: redis.value, stop };
}

/**
 * Binary data mode each line uses in queue mode when none is set: 1.123 `default` (bytes inline in the execution
 * data, stored in the database with it; `filesystem` would leave files on the worker's disk); 2.41 `database`
 * (BinaryDataConfig: `mode ??= executions.mode === 'queue' ? 'database' : 'filesystem'`).
 */
export const QUEUE_BINARY_MODE: Record<N8nLine['key'], 'default' | 'database'> = { '1': 'default', '2': 'database' };

export type QueueBinaryMode = 'default' | 'database';

/**
 * The mode a queue run uses: the line's own unless SAM3_E2E_QUEUE_BINARY_MODE=database asks 1.123 for its opt-in
 * `database` mode (N8N_AVAILABLE_BINARY_DATA_MODES must list it, or n8n does not register the database manager).
 */
export function queueBinaryMode(line: N8nLine): { mode: QueueBinaryMode; env: Record<string, string> } {
	const wanted = process.env.SAM3_E2E_QUEUE_BINARY_MODE as QueueBinaryMode | undefined;
	if (!wanted || wanted === QUEUE_BINARY_MODE[line.key]) return { mode: QUEUE_BINARY_MODE[line.key], env: {} };
	if (wanted === 'database') return { mode: wanted, env: { N8N_AVAILABLE_BINARY_DATA_MODES: 'filesystem,database', N8N_DEFAULT_BINARY_DATA_MODE: 'database' } };
	throw new Error(`SAM3_E2E_QUEUE_BINARY_MODE=${wanted}: ${line.label} supports ${QUEUE_BINARY_MODE[line.key]} or database in queue mode`);
}

/**
 * What README "Scaling" tells 1.x users to set on every instance so a killed worker's execution is not run again
 * (and its provider jobs billed twice): Bull's stalled-job limit 0 — the lost job fails as stalled, the main ends
 * the execution in error (n8n 1.123 workflow-runner: MaxStalledCountError). n8n 2.x hard-codes 0 and has no variable.
 */
export const NO_STALLED_RERUN = { QUEUE_WORKER_MAX_STALLED_COUNT: '0' };

/** How fast a SIGKILLed worker's job is noticed (n8n's defaults: 60 s lock, 10 s renewal, 30 s stalled check). */
export const LOST_WORKER_TIMING = {
	QUEUE_WORKER_LOCK_DURATION: '6000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '1500',
	QUEUE_WORKER_STALLED_INTERVAL: '2000',
};

/** The environment every instance of one cluster shares. */
export function queueEnv(services: QueueServices, extra: Record<string, string> = {}): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(services.postgres.port),
		DB_POSTGRESDB_DATABASE: services.postgres.database,
		DB_POSTGRESDB_USER: services.postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(services.redis.port),
		...extra,
	};
}

export interface QueueWorker {
	name: string;
	home: N8nHome;
	pid: number;
	output: () => string;
	/** Execution ids this worker logged "Worker started execution <id>" for, in order. */
	startedExecutions: () => string[];
	/** SIGKILL to the worker's whole process group (its task runner too), like a killed container. */
	kill: () => Promise<void>;
	stop: () => Promise<void>;
}

export interface QueueCluster {
	main: N8nServer;
	mainHome: N8nHome;
	workers: QueueWorker[];
	homes: N8nHome[];
	stop: () => Promise<void>;
}

const STARTED_EXECUTION = /Worker started execution (\d+)/g;

export async function startWorker(home: N8nHome, name: string, concurrency: number, env: Record<string, string> = {}): Promise<QueueWorker> {
	const proc: Background = startBackground(home.line.nodeBin, [home.line.n8nBin, 'worker', `--concurrency=${concurrency}`], {
		cwd: home.userFolder,
		env: await home.env({ ...env, QUEUE_HEALTH_CHECK_PORT: String(await freePort()) }),
	});
	try {
		await proc.waitFor(/n8n worker is now ready/, 180_000);
	} catch (error) {
		await proc.stop();
		throw error;
	}
	assertNoLoadErrors(`${home.line.label}: n8n worker ${name}`, proc.output());
	const exited = new Promise<void>((r) => (proc.child.exitCode !== null ? r() : proc.child.once('exit', () => r())));
	return {
		name,
		home,
		pid: proc.child.pid!,
		output: proc.output,
		startedExecutions: () => [...proc.output().matchAll(STARTED_EXECUTION)].map((m) => m[1]),
		async kill() {
			try {
				process.kill(-proc.child.pid!, 'SIGKILL');
			} catch {}
			await exited;
		},
		stop: proc.stop,
	};
}

/**
 * Homes for a main and `workers` workers, the package tarball installed into each (n8n's installer steps), the
 * credentials and workflows imported once (one database), the webhook workflows activated; then the main and the
 * workers start in parallel (the imports already ran the migrations).
 */
export async function startQueueCluster(opts: {
	line: N8nLine;
	services: QueueServices;
	tarball: string;
	prepare: (main: N8nHome) => Promise<void>;
	workers?: number;
	concurrency: number;
	/** Added to every instance's environment. */
	env?: Record<string, string>;
	mainEnv?: Record<string, string>;
	record?: (label: string, ms: number) => void;
}): Promise<QueueCluster> {
	const env = queueEnv(opts.services, opts.env);
	const mainHome = N8nHome.create(opts.line, 'sam3-e2e-queue-main', env);
	const workerHomes = Array.from({ length: opts.workers ?? 2 }, (_, i) => N8nHome.create(opts.line, `sam3-e2e-queue-worker${i + 1}`, env));
	const homes = [mainHome, ...workerHomes];
	const started = Date.now();
	await Promise.all(homes.map((h) => h.installPackage(opts.tarball)));
	opts.record?.('queue: package into main + workers', Date.now() - started);
	const prepared = Date.now();
	await opts.prepare(mainHome);
	opts.record?.('queue: imports + activation', Date.now() - prepared);

	const booted = Date.now();
	const results = await Promise.allSettled([
		startN8n(mainHome, { env: opts.mainEnv }),
		...workerHomes.map((h, i) => startWorker(h, `worker${i + 1}`, opts.concurrency)),
	]);
	const [mainResult, ...workerResults] = results;
	const workers = workerResults.flatMap((r) => (r.status === 'fulfilled' ? [r.value as QueueWorker] : []));
	const main = mainResult.status === 'fulfilled' ? (mainResult.value as N8nServer) : undefined;
	const stop = async () => {
		await Promise.all([main?.stop(), ...workers.map((w) => w.stop())]);
	};
	const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
	if (failed || !main) {
		await stop();
		throw failed?.reason ?? new Error('the main did not start');
	}
	opts.record?.('queue: main + workers start', Date.now() - booted);
	return { main, mainHome, workers, homes, stop };
}
