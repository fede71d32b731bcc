import { FalApi } from '../../credentials/FalApi.credentials';
import { startEmulator, type Emulator } from '../emulator';
import { testCredential } from '../rig';

let emu: Emulator;
beforeAll(async () => {
	emu = await startEmulator({ port: 0 });
});
afterAll(async () => {
	await emu.close();
});
beforeEach(() => {
	emu.reset();
});

function falData(apiKey: string, restUrl = emu.falRestUrl) {
	return { apiKey, runUrl: emu.falRunUrl, queueUrl: emu.falQueueUrl, restUrl };
}

describe('fal.ai credential test (n8n "Test connection")', () => {
	test('passes with a valid key, sending it as "Authorization: Key …" to the REST host', async () => {
		const result = await testCredential(new FalApi(), falData(emu.keys.fal));

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(emu.requests).toHaveLength(1);
		const [request] = emu.requests;
		expect(request).toMatchObject({ method: 'POST', vhost: 'fal-rest', route: 'fal.upload.initiate', status: 200 });
		expect(request.url).toContain('storage_type=fal-cdn-v3');
		expect(request.headers.authorization).toBe(`Key ${emu.keys.fal}`);
	});

	test('fails with a clear message on a wrong key, without echoing the key', async () => {
		const result = await testCredential(new FalApi(), falData('wrong-id:wrong-secret'));

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/authori[sz]ation failed|credentials|unauthori[sz]ed/i);
		expect(result.message).not.toContain('wrong-secret');
		expect(emu.requests[0]).toMatchObject({ route: 'fal.upload.initiate', status: 401 });
	});

	test('fails on an empty key', async () => {
		const result = await testCredential(new FalApi(), falData(''));

		expect(result.status).toBe('Error');
	});

	test('a REST endpoint typed with a trailing slash still reaches the upload route', async () => {
		const result = await testCredential(new FalApi(), falData(emu.keys.fal, `${emu.falRestUrl}/`));

		expect(result.status).toBe('OK');
		expect(emu.requests[0].route).toBe('fal.upload.initiate');
	});

	test('costs nothing: no job is started', async () => {
		await testCredential(new FalApi(), falData(emu.keys.fal));

		expect(emu.jobs.list()).toEqual([]);
		expect(emu.requests.every((request) => request.route === 'fal.upload.initiate')).toBe(true);
	});
});
