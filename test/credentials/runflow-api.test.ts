import { RunflowApi } from '../../credentials/RunflowApi.credentials';
import { useEmulator } from '../support/use-emulator';
import { testCredential } from '../../tools/rig';

const emulator = useEmulator();

function runflowData(apiKey: string, extra: Record<string, string> = {}) {
	return { apiKey, baseUrl: emulator().runflowUrl, organizationId: '', ...extra };
}

describe('Runflow credential test (n8n "Test connection")', () => {
	test('passes with a valid key, sent as "Authorization: Bearer …", and no organization header when none is set', async () => {
		const result = await testCredential(new RunflowApi(), runflowData(emulator().keys.runflow));

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(emulator().requests).toHaveLength(1);
		const [request] = emulator().requests;
		expect(request).toMatchObject({ method: 'POST', vhost: 'runflow', route: 'runflow.asset.create', status: 201 });
		expect(request.headers.authorization).toBe(`Bearer ${emulator().keys.runflow}`);
		expect(request.headers).not.toHaveProperty('x-organization-id');
	});

	test('an organization left out of the data sends no organization header either', async () => {
		const result = await testCredential(new RunflowApi(), { apiKey: emulator().keys.runflow, baseUrl: emulator().runflowUrl });

		expect(result.status).toBe('OK');
		expect(emulator().requests[0].headers).not.toHaveProperty('x-organization-id');
	});

	test('sends X-Organization-Id when an organization is set', async () => {
		const result = await testCredential(new RunflowApi(), runflowData(emulator().keys.runflow, { organizationId: 'org_42' }));

		expect(result.status).toBe('OK');
		expect(emulator().requests[0].headers['x-organization-id']).toBe('org_42');
	});

	test('fails with a clear message on a wrong key, without echoing the key', async () => {
		const result = await testCredential(new RunflowApi(), runflowData('rf_live_wrong_key'));

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/authori[sz]ation failed|credentials|unauthori[sz]ed/i);
		expect(result.message).not.toContain('rf_live_wrong_key');
		expect(emulator().requests[0]).toMatchObject({ route: 'runflow.asset.create', status: 401 });
	});

	test('costs nothing: no run is started', async () => {
		await testCredential(new RunflowApi(), runflowData(emulator().keys.runflow));

		expect(emulator().jobs.list()).toEqual([]);
		expect(emulator().requests.every((request) => request.route === 'runflow.asset.create')).toBe(true);
	});
});
