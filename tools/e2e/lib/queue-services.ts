/**
 * Postgres and Redis for n8n's queue mode, from Debian's packages (tools/e2e/install.sh): each started as its own
 * process on a free 127.0.0.1 port with a throw-away data folder, stopped by PID (also on failure and Ctrl-C:
 * lib/proc.ts ends every background process group when the runner exits).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runOk, startBackground, type Background } from './proc';

export interface Service {
	port: number;
	pid: number;
	output: () => string;
	stop: () => Promise<void>;
}

export interface Postgres extends Service {
	database: string;
	user: string;
}

const REDIS_SERVER = '/usr/bin/redis-server';
/** Postgres runs as this user when the tests run as root (it refuses to run as root). */
const POSTGRES_OS_USER = 'postgres';

/** Debian's Postgres binaries (`/usr/lib/postgresql/<ver>/bin`), newest version; not whatever is on PATH. */
export function postgresBinDir(): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
	const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
	if (!newest) throw new Error(`no Postgres under ${root}: run tools/e2e/install.sh (Debian package postgresql)`);
	return join(root, newest, 'bin');
}

export function queueServicesInstalled(): boolean {
	try {
		postgresBinDir();
		return existsSync(REDIS_SERVER);
	} catch {
		return false;
	}
}

const isRoot = () => process.getuid?.() === 0;

/** Data folders of services still running: removed when this process exits, whatever the reason (lib/proc.ts
 * SIGKILLs the servers first: its exit handler was registered before this one). */
const liveDataDirs = new Set<string>();
process.once('exit', () => {
	for (const dir of liveDataDirs) rmSync(dir, { recursive: true, force: true });
});

/** The command as the postgres OS user when we are root (setpriv execs it: the PID is Postgres's own). */
function asPostgresUser(cmd: string, args: string[]): [string, string[]] {
	if (!isRoot()) return [cmd, args];
	return ['setpriv', ['--reuid', POSTGRES_OS_USER, '--regid', POSTGRES_OS_USER, '--init-groups', '--', cmd, ...args]];
}

function tempDataDir(prefix: string): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	liveDataDirs.add(dir);
	return dir;
}

function ownedDataDir(prefix: string): string {
	const dir = tempDataDir(prefix);
	if (isRoot()) {
		const uid = Number(execFileSync('id', ['-u', POSTGRES_OS_USER]).toString().trim());
		const gid = Number(execFileSync('id', ['-g', POSTGRES_OS_USER]).toString().trim());
		chownSync(dir, uid, gid);
	}
	chmodSync(dir, 0o700);
	return dir;
}

function service(proc: Background, port: number, dataDir: string, signal: NodeJS.Signals): Service {
	return {
		port,
		pid: proc.child.pid!,
		output: proc.output,
		async stop() {
			if (proc.child.exitCode === null && proc.child.signalCode === null) {
				const exited = new Promise((r) => proc.child.once('exit', r));
				try {
					process.kill(proc.child.pid!, signal);
				} catch {}
				const timer = setTimeout(() => void proc.stop(), 15_000);
				await exited;
				clearTimeout(timer);
			}
			rmSync(dataDir, { recursive: true, force: true });
			liveDataDirs.delete(dataDir);
		},
	};
}

/** initdb + `postgres` on a free port, TCP on 127.0.0.1 only, trust auth, one database; stop = fast shutdown. */
export async function startPostgres(database = 'n8n'): Promise<Postgres> {
	const bin = postgresBinDir();
	const dataDir = ownedDataDir('sam3-e2e-pg-');
	const pgdata = join(dataDir, 'data');
	const user = 'postgres';
	await runOk(...asPostgresUser(join(bin, 'initdb'), ['-D', pgdata, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-sync']), {
		timeoutMs: 120_000,
	}).catch((error) => {
		rmSync(dataDir, { recursive: true, force: true });
		liveDataDirs.delete(dataDir);
		throw error;
	});
	const port = await freePort();
	const proc = startBackground(
		...asPostgresUser(join(bin, 'postgres'), [
			'-D', pgdata,
			'-c', `port=${port}`,
			'-c', 'listen_addresses=127.0.0.1',
			'-c', `unix_socket_directories=${dataDir}`,
			'-c', 'fsync=off',
			'-c', 'max_connections=200',
		]),
		{ cwd: dataDir },
	);
	const pg = { ...service(proc, port, dataDir, 'SIGINT'), database, user };
	try {
		await proc.waitFor(/database system is ready to accept connections/, 60_000);
		await runOk(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, database]);
	} catch (error) {
		await pg.stop();
		throw error;
	}
	return pg;
}

/** `redis-server` on a free port, no persistence, its own working folder. */
export async function startRedis(): Promise<Service> {
	const dataDir = tempDataDir('sam3-e2e-redis-');
	const port = await freePort();
	const proc = startBackground(
		REDIS_SERVER,
		['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
		{ cwd: dataDir },
	);
	const redis = service(proc, port, dataDir, 'SIGTERM');
	try {
		await proc.waitFor(/Ready to accept connections/, 30_000);
	} catch (error) {
		await redis.stop();
		throw error;
	}
	return redis;
}
