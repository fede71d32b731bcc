import { FalApi } from '../../credentials/FalApi.credentials';
import { useEmulator } from '../support/use-emulator';
import { testCredential } from '../../tools/rig';

const emulator = useEmulator();

function falData(apiKey: string, restUrl = emulator().falRestUrl) {
	return { apiKey, runUrl: emulator().falRunUrl, queueUrl: emulator().falQueueUrl, restUrl };
}

describe('fal.ai credential test (n8n "Test connection")', () => {
	test('passes with a valid key, sending it as "Authorization: Key …" to the REST host', async () => {
		const result = await testCredential(new FalApi(), falData(emulator().keys.fal));

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(emulator().requests).toHaveLength(1);
		const [request] = emulator().requests;
		expect(request).toMatchObject({ method: 'POST', vhost: 'fal-rest', route: 'fal.upload.initiate', status: 200 });
		expect(request.url).toContain('storage_type=fal-cdn-v3');
		expect(request.headers.authorization).toBe(`Key ${emulator().keys.fal}`);
	});

	test('fails with a clear message on a wrong key, without echoing the key', async () => {
		const result = await testCredential(new FalApi(), falData('wrong-id:wrong-secret'));

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/authori[sz]ation failed|credentials|unauthori[sz]ed/i);
		expect(result.message).not.toContain('wrong-secret');
		expect(emulator().requests[0]).toMatchObject({ route: 'fal.upload.initiate', status: 401 });
	});

	test('fails on an empty key', async () => {
		const result = await testCredential(new FalApi(), falData(''));

		expect(result.status).toBe('Error');
	});

	test('a REST endpoint typed with a trailing slash still reaches the upload route', async () => {
		const result = await testCredential(new FalApi(), falData(emulator().keys.fal, `${emulator().falRestUrl}/`));

		expect(result.status).toBe('OK');
		expect(emulator().requests[0].route).toBe('fal.upload.initiate');
	});

	test('costs nothing: no job is started', async () => {
		await testCredential(new FalApi(), falData(emulator().keys.fal));

		expect(emulator().jobs.list()).toEqual([]);
		expect(emulator().requests.every((request) => request.route === 'fal.upload.initiate')).toBe(true);
	});
});
