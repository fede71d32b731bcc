import { runNode, type RunNodeOptions } from '../../tools/rig/index';
import { RigEcho, RigEchoApi } from './fixtures/echo-node';
import { useEchoServer } from './fixtures/echo-server';
import { waitFor } from './fixtures/wait-for';

const echoServer = useEchoServer();

function echo(options: Partial<RunNodeOptions> = {}, credentialData: Record<string, string> = {}): RunNodeOptions {
	return {
		node: RigEcho,
		credentials: [{ type: new RigEchoApi(), data: { apiKey: 'key-1', baseUrl: echoServer().url, ...credentialData } }],
		...options,
	};
}

describe.each(['workflow', 'stack'] as const)('items through the engine (start: %s)', (start) => {
	test('each item gets its own request, resolved expressions and a pairedItem back to its input', async () => {
		const result = await runNode(
			echo({ start, parameters: { path: '={{"/echo/" + $json.name}}' }, items: ['a', 'b', 'c'].map((name) => ({ json: { name } })) }),
		);

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(echoServer().requests.map((request) => request.path).sort()).toEqual(['/echo/a', '/echo/b', '/echo/c']);
		expect(result.items.map((item) => [item.json.path, item.pairedItem])).toEqual([
			['/echo/a', { item: 0 }],
			['/echo/b', { item: 1 }],
			['/echo/c', { item: 2 }],
		]);
	});
});

test('parameters left out take their defaults, as in a saved workflow', async () => {
	const result = await runNode(echo());

	expect(result.items).toHaveLength(1);
	expect(echoServer().requests[0]).toMatchObject({ method: 'GET', path: '/echo', query: { delay: '0', status: '200' } });
});

test('like n8n, a required parameter left empty stops the run before any request, naming the issue', async () => {
	class RigEchoWithRequired extends RigEcho {
		constructor() {
			super();
			const required = { displayName: 'Must', name: 'must', type: 'string' as const, default: '', required: true };
			this.description = { ...this.description, properties: [...this.description.properties, required] };
		}
	}

	await expect(runNode(echo({ node: RigEchoWithRequired }))).rejects.toThrow(/workflow has issues.*"must"/);
	expect(echoServer().requests).toHaveLength(0);
});

test('a failing item throws: the execution error carries message, description, HTTP code and item index', async () => {
	const result = await runNode(
		echo({ parameters: { status: '={{$json.status}}' }, items: [{ json: { status: 200 } }, { json: { status: 404 } }] }),
	);

	expect(result.status).toBe('error');
	expect(result.items).toEqual([]);
	expect(result.error).toMatchObject({
		name: 'NodeApiError',
		message: 'The resource you are requesting could not be found',
		description: 'Request failed with status code 404',
		httpCode: '404',
		itemIndex: 1,
		runIndex: 0,
	});
});

describe('continue on fail', () => {
	const mixedItems = [{ json: { status: 200 } }, { json: { status: 500 } }];

	test('continueOnFail turns the failed item into an error item and keeps the good one', async () => {
		const result = await runNode(echo({ parameters: { status: '={{$json.status}}' }, items: mixedItems, continueOnFail: true }));

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json.path).toBe('/echo');
		expect(result.errorItems).toHaveLength(1);
		expect(result.errorItems[0]).toBe(result.items[1]);
		expect(result.errorItems[0].json.error).toBe('The service was not able to process your request');
		expect(result.errorItems[0].error).toMatchObject({ httpCode: '500' });
	});

	test("onError 'continueErrorOutput' routes the failed item to the error output", async () => {
		const result = await runNode(
			echo({ parameters: { status: '={{$json.status}}' }, items: mixedItems, onError: 'continueErrorOutput' }),
		);

		expect(result.outputs).toHaveLength(2);
		expect(result.outputs[0].map((item) => item.json.path)).toEqual(['/echo']);
		expect(result.outputs[1]).toHaveLength(1);
		expect(result.outputs[1][0].json.error).toBeDefined();
		expect(result.errorItems).toEqual(result.outputs[1]);
	});
});

describe('credentials: generic auth applied like n8n', () => {
	test('Authorization, extra header and query parameter reach the server', async () => {
		await runNode(echo({}, { apiKey: 'secret-123', organization: 'acme' }));

		expect(echoServer().requests[0].headers.authorization).toBe('Bearer secret-123');
		expect(echoServer().requests[0].headers['x-org']).toBe('acme');
		expect(echoServer().requests[0].query.client).toBe('rig');
	});

	// n8n's CredentialsHelper turns a falsy resolved value into '' and still sets it.
	test('an expression resolving to undefined is still sent, as an empty header', async () => {
		await runNode(echo({}, { organization: '' }));

		expect(echoServer().requests[0].headers['x-org']).toBe('');
	});

	test('a node with no credential set fails with n8n own message', async () => {
		const result = await runNode({ node: RigEcho });

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/credentials/i);
		expect(echoServer().requests).toHaveLength(0);
	});
});

describe('requestOptions added by the loader', () => {
	test('timeout is honoured: the request is abandoned and the node fails', async () => {
		const result = await runNode(echo({ parameters: { delay: 10_000, requestOptions: { timeout: 300 } } }));

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({
			message: 'The connection was aborted, perhaps the server is offline',
			httpCode: 'ECONNABORTED',
		});
		await waitFor(() => echoServer().requests[0]?.abortedByClient, 'the server to see the client give up');
	});

	test('batching spaces the request starts by the batch interval', async () => {
		const startedAt = Date.now();
		await runNode(
			echo({
				parameters: { requestOptions: { batching: { batch: { batchSize: 1, batchInterval: 200 } } } },
				items: [{ json: {} }, { json: {} }, { json: {} }],
			}),
		);

		// The third request cannot start before two intervals have passed (arrival times of the others vary).
		const lastArrival = Math.max(...echoServer().requests.map((request) => request.receivedAt));
		expect(echoServer().requests).toHaveLength(3);
		expect(lastArrival - startedAt).toBeGreaterThanOrEqual(400);
	});
});
