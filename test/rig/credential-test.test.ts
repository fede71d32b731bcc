import type { ICredentialType } from 'n8n-workflow';

import { testCredential } from '../../tools/rig/index';
import { RigEchoApi } from './fixtures/echo-node';
import { startEchoServer, useEchoServer } from './fixtures/echo-server';

const echoServer = useEchoServer();

test('a valid key passes, with the credential applied to the test request', async () => {
	const result = await testCredential(new RigEchoApi(), { apiKey: 'good-key', baseUrl: echoServer().url });

	expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
	expect(echoServer().requests).toHaveLength(1);
	expect(echoServer().requests[0]).toMatchObject({ method: 'GET', path: '/auth-check', query: { client: 'rig' } });
	expect(echoServer().requests[0].headers.authorization).toBe('Bearer good-key');
});

// n8n-workflow 1.120 (n8n 1.123.x) drops a NodeApiError's `cause` (a class field resets it), so the
// tester's status-code branch never runs and users see the NodeApiError message. n8n 2.x keeps the
// cause and reports the status text ('Unauthorized') or a responseCode rule's message instead.
test('a rejected key fails with the message n8n 1.123 shows', async () => {
	const result = await testCredential(new RigEchoApi(), { apiKey: 'bad-key', baseUrl: echoServer().url });

	expect(result).toEqual({ status: 'Error', message: 'Authorization failed - please check your credentials' });
});

test('with n8n 1.123 a responseCode rule does not change the message', async () => {
	const credential: ICredentialType = new RigEchoApi();
	credential.test = {
		...credential.test!,
		rules: [{ type: 'responseCode', properties: { value: 401, message: 'The API key was rejected' } }],
	};

	const result = await testCredential(credential, { apiKey: 'bad-key', baseUrl: echoServer().url });

	expect(result).toEqual({ status: 'Error', message: 'Authorization failed - please check your credentials' });
});

test('an unreachable server fails with n8n message for a refused connection', async () => {
	const closed = await startEchoServer();
	await closed.close();

	const result = await testCredential(new RigEchoApi(), { apiKey: 'good-key', baseUrl: closed.url });

	expect(result).toEqual({ status: 'Error', message: 'The service refused the connection - perhaps it is offline' });
});

test('property defaults apply when the data leaves a field out', async () => {
	// baseUrl defaults to http://127.0.0.1:1, where nothing listens.
	const result = await testCredential(new RigEchoApi(), { apiKey: 'good-key' });

	expect(result).toEqual({ status: 'Error', message: 'The service refused the connection - perhaps it is offline' });
	expect(echoServer().requests).toHaveLength(0);
});
