import { runNode, startNode, type RunNodeOptions } from './index';
import { RigEcho, RigEchoApi } from './fixtures/echo-node';
import { startEchoServer, type EchoServer } from './fixtures/echo-server';
import { waitFor } from './fixtures/wait-for';

let server: EchoServer;
beforeAll(async () => {
	server = await startEchoServer();
});
afterAll(async () => {
	await server.close();
});
beforeEach(() => {
	server.requests.length = 0;
});

// The server would answer after 30 s: only a cancel ends these runs within the test timeout.
function slowRun(options: Partial<RunNodeOptions> = {}): RunNodeOptions {
	return {
		node: RigEcho,
		credentials: [{ type: new RigEchoApi(), data: { apiKey: 'k', baseUrl: server.url } }],
		parameters: { delay: 30_000 },
		...options,
	};
}

async function expectCancelled(result: Awaited<ReturnType<typeof runNode>>) {
	expect(result.status).toBe('canceled');
	expect(result.items).toEqual([]);
	expect(result.error).toMatchObject({ message: 'canceled', httpCode: 'ERR_CANCELED' });
	await waitFor(() => server.requests[0]?.abortedByClient, 'the in-flight request to be aborted');
}

test('cancel() on a running node aborts its in-flight request', async () => {
	const running = startNode(slowRun());
	await waitFor(() => server.requests.length === 1, 'the request to arrive');
	running.cancel();

	await expectCancelled(await running.result);
});

test('cancelAfterMs cancels the execution on its own', async () => {
	await expectCancelled(await runNode(slowRun({ cancelAfterMs: 200 })));
});

test('an AbortSignal cancels the execution', async () => {
	const controller = new AbortController();
	const running = startNode(slowRun({ signal: controller.signal }));
	await waitFor(() => server.requests.length === 1, 'the request to arrive');
	controller.abort();

	await expectCancelled(await running.result);
});

test('every item of a cancelled run is aborted', async () => {
	const running = startNode(slowRun({ items: [{ json: {} }, { json: {} }, { json: {} }] }));
	await waitFor(() => server.requests.length === 3, 'all requests to arrive');
	running.cancel();

	expect((await running.result).status).toBe('canceled');
	await waitFor(() => server.requests.every((request) => request.abortedByClient), 'all requests to be aborted');
});
