/**
 * n8n's Request Options (the collection n8n's loader adds to declarative nodes) apply to every call of a job,
 * the submit included: a company whose n8n may only reach the internet through a proxy must see all of it there.
 * (The Timeout option on the submit: test/reliability/faults-terminal.test.ts.)
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { useEmulator } from '../support/use-emulator';
import { solidImage } from '../support/images';
import { PROVIDERS, runSam3 } from './fixture';

const emulator = useEmulator({ defaults: { latencyMs: 30, queueMs: 20, dispatchMs: 10 } });

/** A forwarding HTTP proxy that remembers what it carried (plain http: the request line holds the full URL). */
function startProxy(): Promise<{ server: Server; url: string; seen: string[] }> {
	const seen: string[] = [];
	const server = createServer((incoming, answer) => {
		seen.push(`${incoming.method} ${incoming.url}`);
		const forwarded = request(incoming.url ?? '', { method: incoming.method, headers: incoming.headers, agent: false }, (upstream) => {
			answer.writeHead(upstream.statusCode ?? 502, upstream.headers);
			upstream.pipe(answer);
		});
		forwarded.on('error', () => answer.destroy());
		incoming.pipe(forwarded);
	});
	return new Promise((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen });
		});
	});
}

describe.each(PROVIDERS)('Request Options > Proxy (%s)', (provider) => {
	let proxy: Awaited<ReturnType<typeof startProxy>>;
	beforeEach(async () => {
		proxy = await startProxy();
	});
	afterEach(async () => {
		proxy.server.closeAllConnections();
		await new Promise((resolve) => proxy.server.close(resolve));
	});

	it('sends the submit, the polls and the mask downloads through the proxy', async () => {
		const imageUrl = emulator().hostImage(await solidImage(200, 160, 'png'), 'image/png', 'photo.png');
		const result = await runSam3(emulator(), {
			provider,
			parameters: { imageUrl, prompt: 'shoe', requestOptions: { proxy: proxy.url } },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('COMPLETED');
		const submitPath = provider === 'falApi' ? '/fal-ai/sam-3/image' : '/v1/models/meta/sam-3/image/runs';
		const submits = proxy.seen.filter((line) => line.startsWith('POST ') && line.endsWith(submitPath));
		expect(submits).toHaveLength(1);
		expect(proxy.seen.some((line) => line.startsWith('GET ') && /\/requests\/|\/v1\/runs\//.test(line))).toBe(true);
		// Every request the node made came through the proxy (only the provider's own fetch of the image did not).
		const fromNode = emulator().requests.filter((entry) => entry.url !== new URL(imageUrl).pathname);
		const viaProxy = proxy.seen.map((line) => line.replace(/^(\w+) https?:\/\/[^/]+/, '$1 ')).sort();
		expect(viaProxy).toEqual(fromNode.map((entry) => `${entry.method} ${entry.url}`).sort());
	});
});
