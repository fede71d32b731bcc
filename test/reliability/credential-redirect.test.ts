/**
 * "Test connection" must not follow a redirect: n8n's request helper re-sends Authorization to whatever origin a
 * redirect names (sendCredentialsOnCrossOriginRedirect defaults to true), and a 200 there reads as success.
 * Run through n8n's credential tester (tools/rig/credential-test.ts); the other origin is a recording server.
 */
import { useEchoServer } from '../rig/fixtures/echo-server';
import { testCredential } from '../../tools/rig';
import { PROVIDERS, credentialsFor, useEmulator } from './harness';
import type { RouteName } from '../../tools/emulator';

const emulator = useEmulator();
const otherOrigin = useEchoServer();

const TEST_ROUTE: Record<(typeof PROVIDERS)[number], RouteName> = { falApi: 'fal.upload.initiate', runflowApi: 'runflow.asset.create' };

describe.each(PROVIDERS)('credential test (%s)', (provider) => {
	const credential = () => credentialsFor(emulator()).find((entry) => entry.type.name === provider)!;

	it.each([301, 302, 307])('credential test answered %s to another origin: not followed, the key not sent there, not a success', async (status) => {
		const { type, data } = credential();
		const apiKey = String(data.apiKey);
		emulator().faults.add({ route: TEST_ROUTE[provider], fault: { kind: 'redirect', location: `${otherOrigin().url}/collect`, status: status as 301 } });

		const result = await testCredential(type, data);

		// The redirect target saw nothing at all, so certainly not the key.
		expect(otherOrigin().requests.map((request) => request.headers.authorization ?? '(no Authorization)')).toEqual([]);
		expect(result.status).toBe('Error');
		expect(result.message).not.toContain(apiKey);
		expect(emulator().requests.map((entry) => [entry.route, entry.status])).toEqual([[TEST_ROUTE[provider], status]]);
	});
});
