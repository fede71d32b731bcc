import { startEmulator, type Emulator } from '../../tools/emulator/index';
import { call, falAuth } from '../support/http';
import { testImage } from '../support/images';

let emu: Emulator;
let auth: Record<string, string>;

beforeAll(async () => {
	emu = await startEmulator();
	auth = falAuth(emu.keys.fal);
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

describe('fal storage', () => {
	it('initiates an upload, takes a presigned PUT without a key and serves the file', async () => {
		const initiate = await call('POST', `${emu.falRestUrl}/storage/upload/initiate?storage_type=fal-cdn-v3`, {
			headers: auth,
			json: { content_type: 'image/jpeg', file_name: 'photo.jpg' },
		});
		expect(initiate.status).toBe(200);
		const { upload_url, file_url } = initiate.json;
		expect(upload_url.startsWith(emu.filesUrl)).toBe(true);
		expect((await call('GET', file_url)).status).toBe(404);
		const bytes = await testImage(50, 40, 'jpeg');
		expect((await call('PUT', upload_url, { headers: { 'content-type': 'image/jpeg' }, body: bytes })).status).toBe(200);
		const served = await call('GET', file_url);
		expect(served.headers['content-type']).toBe('image/jpeg');
		expect(served.body.equals(bytes)).toBe(true);
		const put = emu.requests.find((r) => r.route === 'files.put');
		expect(put).toMatchObject({ vhost: 'files', authorization: false, bodyBytes: bytes.length });
		expect(put?.host).toBe(new URL(emu.filesUrl).host);
	});

	it('needs a valid key and both fields', async () => {
		const url = `${emu.falRestUrl}/storage/upload/initiate?storage_type=fal-cdn-v3`;
		expect((await call('POST', url, { json: { content_type: 'a/b', file_name: 'x' } })).status).toBe(401);
		const invalid = await call('POST', url, { headers: auth, json: { file_name: 3 } });
		expect(invalid.status).toBe(422);
		expect(invalid.json.detail.map((d: any) => d.loc[1]).sort()).toEqual(['content_type', 'file_name']);
	});
});
