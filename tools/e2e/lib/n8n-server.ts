/** `n8n start` for one N8nHome: readiness, owner login, REST calls, webhook-started runs. */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { N8nHome } from './n8n-home';
import type { TaskData } from './run-data';
import { assertNoLoadErrors } from './load-errors';
import { freePort, startBackground, type Background } from './proc';

export const OWNER = { email: 'e2e@example.com', firstName: 'E2E', lastName: 'Owner', password: 'Sam3-e2e-Passw0rd' };
/** n8n ties the auth cookie to a browser id header. */
export const BROWSER_ID = 'sam3-e2e-browser';

export interface N8nServer {
	url: string;
	port: number;
	/** Cookie header after login(). */
	cookie?: string;
	login: () => Promise<string>;
	/** Waits for the latest execution of a workflow to finish (logs in if needed); returns its run data. */
	finishedExecution: (workflowId: string, timeoutMs?: number) => Promise<FinishedExecution>;
	rest: (method: string, path: string, body?: unknown) => Promise<any>;
	output: () => string;
	stop: () => Promise<void>;
}

/** Marks a workflow active for the next `n8n start` (the CLI command differs per line). */
export async function activateWorkflow(home: N8nHome, workflowId: string): Promise<void> {
	if (home.line.key === '1') await home.cliOk(['update:workflow', `--id=${workflowId}`, '--active=true']);
	else await home.cliOk(['publish:workflow', `--id=${workflowId}`]);
}

export interface FinishedExecution {
	id: string;
	status: string;
	startedAt?: string;
	stoppedAt?: string;
	/** The execution's IRun data (resultData.runData…), unflattened. */
	data: { resultData: { runData: Record<string, TaskData[]>; error?: any; lastNodeExecuted?: string } };
}

export const FINISHED = ['success', 'error', 'crashed', 'canceled'];

/** One execution through the REST API, its run data unflattened. */
export async function readExecution(server: N8nServer, home: N8nHome, id: string): Promise<FinishedExecution> {
	if (!server.cookie) await server.login();
	const full = await server.rest('GET', `executions/${id}`);
	// n8n stores run data with `flatted` (circular-safe JSON): read it with n8n's own copy.
	const { parse } = createRequire(join(home.line.dir, 'node_modules', 'n8n', 'package.json'))('flatted');
	return { id: String(full.id ?? id), status: full.status, startedAt: full.startedAt, stoppedAt: full.stoppedAt, data: typeof full.data === 'string' ? parse(full.data) : full.data };
}

export async function startN8n(home: N8nHome, opts: { port?: number; env?: Record<string, string> } = {}): Promise<N8nServer> {
	const port = opts.port ?? (await freePort());
	const url = `http://127.0.0.1:${port}`;
	const proc: Background = startBackground(home.line.nodeBin, [home.line.n8nBin, 'start'], {
		cwd: home.userFolder,
		env: await home.env({ N8N_PORT: String(port), WEBHOOK_URL: `${url}/`, N8N_EDITOR_BASE_URL: `${url}/`, ...opts.env }),
	});
	try {
		await waitReady(url, proc);
	} catch (error) {
		await proc.stop();
		throw error;
	}
	assertNoLoadErrors(`${home.line.label}: n8n start`, proc.output());

	const server: N8nServer = {
		url,
		port,
		output: proc.output,
		stop: proc.stop,
		async rest(method, path, body) {
			const res = await fetch(`${url}/rest/${path.replace(/^\//, '')}`, {
				method,
				headers: {
					'content-type': 'application/json',
					'browser-id': BROWSER_ID,
					...(server.cookie ? { cookie: server.cookie } : {}),
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await res.text();
			if (!res.ok) throw new Error(`${method} /rest/${path}: HTTP ${res.status} ${text.slice(0, 500)}`);
			const cookie = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
			if (cookie) server.cookie = cookie.split(';')[0];
			const parsed = text ? JSON.parse(text) : undefined;
			return parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
		},
		async login() {
			// The owner is set up once per user folder; a later server of the same home only logs in.
			await server.rest('POST', 'owner/setup', OWNER).catch((error: Error) => {
				if (!/already setup/i.test(error.message)) throw error;
			});
			await server.rest('POST', 'login', { email: OWNER.email, emailOrLdapLoginId: OWNER.email, password: OWNER.password });
			if (!server.cookie) throw new Error('n8n login set no n8n-auth cookie');
			return server.cookie;
		},
		async finishedExecution(workflowId, timeoutMs = 60_000) {
			if (!server.cookie) await server.login();
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const list = await server.rest('GET', `executions?filter=${filter}`);
				const latest = (list?.results ?? list ?? [])[0] as { id: string; status: string } | undefined;
				if (latest && FINISHED.includes(latest.status)) return await readExecution(server, home, latest.id);
				if (Date.now() > deadline) throw new Error(`no finished execution of ${workflowId} after ${timeoutMs} ms (latest: ${JSON.stringify(latest)})`);
				await new Promise((r) => setTimeout(r, 500));
			}
		},
	};
	return server;
}

async function waitReady(url: string, proc: Background, timeoutMs = 120_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (proc.child.exitCode !== null) throw new Error(`n8n start exited ${proc.child.exitCode}\n${proc.output().slice(-3000)}`);
		try {
			// Readiness comes before the REST routes are mounted: wait for both.
			const ready = await fetch(`${url}/healthz/readiness`);
			if (ready.ok && (await fetch(`${url}/rest/settings`)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	throw new Error(`n8n start not ready after ${timeoutMs} ms\n${proc.output().slice(-3000)}`);
}

/** Calls a production webhook, retrying while n8n is still registering it (404). */
export async function callWebhook(
	server: N8nServer,
	path: string,
	body: unknown,
	timeoutMs = 60_000,
): Promise<{ status: number; body: any }> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const res = await fetch(`${server.url}/webhook/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = await res.text();
		if (res.status !== 404 || Date.now() > deadline) {
			let parsed: any = text;
			try {
				parsed = JSON.parse(text);
			} catch {}
			return { status: res.status, body: parsed };
		}
		await new Promise((r) => setTimeout(r, 500));
	}
}
