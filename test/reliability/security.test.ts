/**
 * The API key goes to the provider API and nowhere else, and never comes back out; only web URLs are fetched,
 * and what comes back is checked before it becomes a file. Proven from the emulator's request log with a key
 * that is easy to find.
 */
import { inspect } from 'node:util';

import type { LogEntry } from '../../tools/emulator';
import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { runAsAgentTool } from '../../tools/rig';
import { PROVIDERS, ROUTES, closedPort, credentialsFor, dataImageUrl, expectErrorItem, logOf, runSam3, segment, smallImage, useEmulator } from './harness';

const SECRET = 'SECRET-canary';
const FAL_KEY = `key-${SECRET}:xyz`;
const RUNFLOW_KEY = `rf_live_${SECRET}`;
const emulator = useEmulator({ falKeys: [FAL_KEY], runflowKeys: [RUNFLOW_KEY], callbackBackoffMs: [20] });

const API_HOSTS = new Set(['fal-run', 'fal-queue', 'fal-rest', 'runflow']);

function carriesKey(entry: LogEntry): boolean {
	return inspect({ url: entry.url, headers: entry.headers, body: entry.body }, { depth: 8 }).includes(SECRET);
}

/** Every request that carried the key went to an API prefix on 127.0.0.1; nothing on the file host saw any Authorization. */
function expectKeyOnlyOnApiHosts(): void {
	for (const entry of emulator().requests) {
		if (carriesKey(entry)) {
			const onApiHost = API_HOSTS.has(entry.vhost) && Boolean(entry.host?.startsWith('127.0.0.1:'));
			expect({ url: entry.url, host: entry.host, onApiHost }).toEqual({ url: entry.url, host: entry.host, onApiHost: true });
		}
		if (!API_HOSTS.has(entry.vhost) || !entry.host?.startsWith('127.0.0.1')) {
			expect({ url: entry.url, authorization: entry.authorization }).toEqual({ url: entry.url, authorization: false });
		}
	}
}

/** Everything a user can see or store: items, binary metadata, the execution error, the whole run record. */
function expectNoKeyIn(value: unknown): void {
	const text = inspect(value, { depth: 30, maxArrayLength: Infinity, maxStringLength: Infinity }) + JSON.stringify(value);
	expect(text).not.toContain(SECRET);
}

describe.each(PROVIDERS)('API key (%s)', (provider) => {
	const routes = ROUTES[provider];

	it('API key goes only to API hosts: never to presigned uploads, CDN downloads or the callback URL', async () => {
		const callbackUrl = `${emulator().filesUrl}/callback-sink`;
		const result = await runSam3(emulator(), {
			provider,
			parameters: { imageSource: 'binary', prompt: 'shoe', options: { uploadMode: 'upload', callbackUrl, includeRawResponse: true } },
			items: [{ binary: { data: { data: await smallImage(), mimeType: 'image/jpeg', fileName: 'photo.jpg' } } }],
		});
		await emulator().settleDeliveries();
		expect(result.items[0].binary?.mask_0).toBeDefined();
		// The paths the key must not take were all exercised.
		expect(logOf(emulator(), 'files.put')).toHaveLength(1);
		expect(logOf(emulator(), 'files.get').length).toBeGreaterThanOrEqual(2);
		expect(emulator().requests.some((entry) => entry.url.includes('callback-sink'))).toBe(true);
		expect(emulator().requests.filter(carriesKey).length).toBeGreaterThanOrEqual(3);
		expectKeyOnlyOnApiHosts();
		expectNoKeyIn(emulator().deliveries);
		expectNoKeyIn(result.items);
		expectNoKeyIn(result.run);
	});

	it('API key does not follow a redirect from the API to the file host', async () => {
		emulator().faults.add({ route: routes.submit, fault: { kind: 'redirect', location: `${emulator().filesUrl}/stolen`, status: 307 } });
		const result = await segment(emulator(), provider);
		expectErrorItem(result.items[0], 0, { httpCode: 307, stage: 'submit' });
		expect(emulator().requests.some((entry) => entry.url.includes('stolen'))).toBe(false);
		expectKeyOnlyOnApiHosts();
		expectNoKeyIn(result.run);
	});

	it('API key does not follow a status redirect to the same API path on another host', async () => {
		const port = emulator().port;
		const prefix = provider === 'falApi' ? 'fal-queue/fal-ai/sam-3/requests/x/status' : 'runflow/v1/runs/x';
		const redirect = { kind: 'redirect', location: `http://localhost:${port}/${prefix}`, status: 302 } as const;
		emulator().faults.add({ route: routes.status, fault: redirect, times: 'always' });
		// fal asks its status stream first: that redirect is not followed either (polling takes over, and is refused too).
		if (provider === 'falApi') emulator().faults.add({ route: 'fal.status.stream', fault: { ...redirect, location: `${redirect.location}/stream` }, times: 'always' });
		const result = await segment(emulator(), provider, { options: { maxWaitSeconds: 2 } });
		expectErrorItem(result.items[0], 0, { httpCode: 302, stage: 'status', requestId: true });
		expect(emulator().requests.filter((entry) => entry.host?.startsWith('localhost'))).toHaveLength(0);
		expectKeyOnlyOnApiHosts();
	});

	it('API key never appears in error items or execution errors (401, refused, failed job, no continue-on-fail)', async () => {
		const wrongKey = credentialsFor(emulator(), { fal: `key-${SECRET}:wrong`, runflow: `rf_live_${SECRET}_wrong` });
		const refused = credentialsFor(emulator(), { fal: FAL_KEY, runflow: RUNFLOW_KEY });
		const closed = `http://127.0.0.1:${await closedPort()}`;
		Object.assign(refused[0].data, { queueUrl: `${closed}/fal-queue` });
		Object.assign(refused[1].data, { baseUrl: `${closed}/runflow` });
		emulator().jobs.script({ match: { prompt: 'broken' }, outcome: { type: 'fail', message: 'model failed' } });

		const runs = [
			await segment(emulator(), provider, { credentials: wrongKey }),
			await segment(emulator(), provider, { credentials: wrongKey, continueOnFail: false }),
			await segment(emulator(), provider, { credentials: refused }),
			await segment(emulator(), provider, { credentials: refused, continueOnFail: false }),
			await segment(emulator(), provider, { credentials: credentialsFor(emulator(), { fal: FAL_KEY, runflow: RUNFLOW_KEY }), parameters: { prompt: 'broken' } }),
		];
		expect(runs.map((run) => (run.error ? 'error' : run.items[0].json.error ? 'error item' : 'ok'))).toEqual([
			'error item',
			'error',
			'error item',
			'error',
			'error item',
		]);
		for (const run of runs) {
			expectNoKeyIn(run.items);
			expectNoKeyIn(run.error);
			expectNoKeyIn(run.run);
		}
	}, 30_000);

	it('a provider error quoting the API key back (as is, URL-encoded, after Key/Bearer, its secret half): cut out of error items, execution errors and tool answers', async () => {
		// Any key will do: the faulted submit is answered before the emulator checks it.
		const key = `key-id-7:${SECRET}-half`;
		const credentials = credentialsFor(emulator(), { fal: key, runflow: RUNFLOW_KEY });
		const quoted = provider === 'falApi' ? key : RUNFLOW_KEY;
		const scheme = provider === 'falApi' ? 'Key' : 'Bearer';
		const half = quoted.slice(quoted.indexOf(':') + 1);
		const words = `Invalid API key: ${quoted} is not active (sent ${scheme} ${quoted}; ${encodeURIComponent(quoted).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())}; ${encodeURIComponent(quoted)}; secret ${half})`;
		const body = provider === 'falApi' ? { detail: words } : { message: words, code: 'UNAUTHORIZED' };
		const quoteKey = () => emulator().faults.add({ route: routes.submit, fault: { kind: 'status', status: 401, body } });

		quoteKey();
		const item = await segment(emulator(), provider, { credentials });
		const error = expectErrorItem(item.items[0], 0, { httpCode: 401, stage: 'submit' });
		expect(String(error.message)).toMatch(/Invalid API key: \[redacted API key\] is not active/);
		quoteKey();
		const stopped = await segment(emulator(), provider, { credentials, continueOnFail: false });
		expect(stopped.error?.message).toMatch(/\[redacted API key\]/);
		quoteKey();
		const tool = await runAsAgentTool({
			node: Sam3,
			packageName: 'n8n-nodes-sam3',
			nodeName: 'SAM 3',
			credentials,
			calls: [{ imageUrl: await dataImageUrl(), prompt: 'shoe' }],
			parameters: { authentication: provider, operation: 'segment', imageUrl: "={{ $fromAI('imageUrl', 'image', 'string') }}", prompt: "={{ $fromAI('prompt', 'what', 'string') }}" },
		});
		expect(tool.calls[0].observation).toMatch(/\[redacted API key\]/);
		for (const run of [item, stopped]) {
			expectNoKeyIn(run.items);
			expectNoKeyIn(run.error);
			expectNoKeyIn(run.run);
		}
		expectNoKeyIn(tool);
		expect(logOf(emulator(), routes.submit)).toHaveLength(3);
	});
});

describe.each(PROVIDERS)('what the node fetches and keeps (%s)', (provider) => {
	const routes = ROUTES[provider];
	/** Makes the provider's finished job point its mask at `url` (a hostile or broken answer). */
	function maskAt(url: string): void {
		if (provider === 'falApi') {
			emulator().faults.add({ route: 'fal.result', fault: { kind: 'status', status: 200, body: { masks: [{ url, content_type: 'image/png' }] } } });
			return;
		}
		emulator().faults.add({
			route: routes.status,
			fault: { kind: 'status', status: 200, body: { id: 'run-1', status_code: 'succeeded', output: { model_data: { masks: [{ url, content_type: 'image/png' }] } } } },
		});
	}

	it.each(['file:///etc/passwd', 'ftp://example.com/mask.png', 'javascript:alert(1)'])('a mask URL %s is not fetched', async (url) => {
		maskAt(url);
		const result = await segment(emulator(), provider, { parameters: { modelOptions: { applyMask: false } } });
		expectErrorItem(result.items[0], 0, { errorType: 'unsupported_url', stage: 'download', message: /not http\(s\)/ });
		expect(logOf(emulator(), 'files.get')).toHaveLength(0);
	});

	it('a mask over the 100 MiB download cap is cut off, not stored', async () => {
		const huge = Buffer.alloc(101 * 1024 * 1024);
		(await smallImage()).copy(huge); // starts like an image, so only the size cap can stop it
		huge.writeUInt32BE(0x89504e47, 0);
		maskAt(emulator().hostImage(huge, 'image/png', 'huge.png'));
		const result = await segment(emulator(), provider, { parameters: { modelOptions: { applyMask: false } } });
		expectErrorItem(result.items[0], 0, { errorType: 'file_too_large', stage: 'download', message: /larger than 100 MiB/ });
		expect(logOf(emulator(), 'files.get')).toHaveLength(1);
	});

	it('a mask answer claiming image/png that is not an image is rejected', async () => {
		emulator().faults.add({
			route: 'files.get',
			fault: { kind: 'status', status: 200, body: '<html>login page</html>', headers: { 'content-type': 'image/png' } },
		});
		const result = await segment(emulator(), provider, { parameters: { modelOptions: { applyMask: false } } });
		expectErrorItem(result.items[0], 0, { errorType: 'not_an_image', stage: 'download', message: /is not an image/ });
		expect(logOf(emulator(), 'files.get')).toHaveLength(1);
	});
});
