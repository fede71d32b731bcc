import { runNode, startNode, type RunNodeOptions } from '../../tools/rig/index';
import { RigEcho, RigEchoApi } from './fixtures/echo-node';
import { useEchoServer } from './fixtures/echo-server';
import { waitFor } from './fixtures/wait-for';

const echoServer = useEchoServer();

// The server would answer after 30 s: only a cancel ends these runs within the test timeout.
function slowRun(options: Partial<RunNodeOptions> = {}): RunNodeOptions {
	return {
		node: RigEcho,
		credentials: [{ type: new RigEchoApi(), data: { apiKey: 'k', baseUrl: echoServer().url } }],
		parameters: { delay: 30_000 },
		...options,
	};
}

async function expectCancelled(result: Awaited<ReturnType<typeof runNode>>) {
	expect(result.status).toBe('canceled');
	expect(result.items).toEqual([]);
	expect(result.error).toMatchObject({ message: 'canceled', httpCode: 'ERR_CANCELED' });
	await waitFor(() => echoServer().requests[0]?.abortedByClient, 'the in-flight request to be aborted');
}

test('cancel() on a running node aborts its in-flight request', async () => {
	const running = startNode(slowRun());
	await waitFor(() => echoServer().requests.length === 1, 'the request to arrive');
	running.cancel();

	await expectCancelled(await running.result);
});

test('cancelAfterMs cancels the execution on its own', async () => {
	await expectCancelled(await runNode(slowRun({ cancelAfterMs: 200 })));
});

test('an AbortSignal cancels the execution', async () => {
	const controller = new AbortController();
	const running = startNode(slowRun({ signal: controller.signal }));
	await waitFor(() => echoServer().requests.length === 1, 'the request to arrive');
	controller.abort();

	await expectCancelled(await running.result);
});

test('every item of a cancelled run is aborted', async () => {
	const running = startNode(slowRun({ items: [{ json: {} }, { json: {} }, { json: {} }] }));
	await waitFor(() => echoServer().requests.length === 3, 'all requests to arrive');
	running.cancel();

	expect((await running.result).status).toBe('canceled');
	await waitFor(() => echoServer().requests.every((request) => request.abortedByClient), 'all requests to be aborted');
});
