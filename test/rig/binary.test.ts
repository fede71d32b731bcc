import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { runNode } from '../../tools/rig/index';
import { RigEcho, RigEchoApi } from './fixtures/echo-node';
import { useEchoServer } from './fixtures/echo-server';

const echoServer = useEchoServer();

describe.each([
	['default', (id: string | undefined) => expect(id).toBeUndefined()],
	['filesystem', (id: string | undefined) => expect(id).toMatch(/^filesystem-v2:/)],
] as const)('binary data in %s mode', (binaryMode, expectStorageId) => {
	const image = randomBytes(2048);

	test('input files reach the node, node output files read back byte for byte', async () => {
		const result = await runNode({
			node: RigEcho,
			credentials: [{ type: new RigEchoApi(), data: { apiKey: 'k', baseUrl: echoServer().url } }],
			parameters: { operation: 'upload' },
			binaryMode,
			items: [{ json: {}, binary: { data: { data: image, mimeType: 'image/png', fileName: 'in.png' } } }],
		});

		expect(result.error).toBeUndefined();
		const upload = echoServer().requests.at(-1)!;
		expect(upload.headers['content-type']).toBe('image/png');
		expect(upload.body.equals(image)).toBe(true);

		const input = result.inputItems[0].binary!.data;
		expect(input).toMatchObject({ mimeType: 'image/png', fileName: 'in.png', fileExtension: 'png', fileSize: '2.05 kB' });
		expectStorageId(input.id);

		const [item] = result.items;
		expect(item.json.size).toBe(image.length);
		expect(item.binary!.echo).toMatchObject({ mimeType: 'image/png', fileName: 'echo.bin' });
		expectStorageId(item.binary!.echo.id);
		expect((await result.readBinary(item, 'echo')).equals(image)).toBe(true);
	});
});

test('in memory mode the bytes are inline base64; on the filesystem they are in a file and the item keeps the id', async () => {
	const bytes = Buffer.from('hello binary');
	const run = async (binaryMode: 'default' | 'filesystem') =>
		await runNode({
			node: RigEcho,
			credentials: [{ type: new RigEchoApi(), data: { apiKey: 'k', baseUrl: echoServer().url } }],
			parameters: { operation: 'upload' },
			binaryMode,
			items: [{ binary: { data: { data: bytes, mimeType: 'text/plain' } } }],
		});

	const inline = (await run('default')).items[0].binary!.echo;
	const stored = (await run('filesystem')).items[0].binary!.echo;

	expect(Buffer.from(inline.data, 'base64').equals(bytes)).toBe(true);
	expect(stored.data).toBe('filesystem-v2');
	expect(readFileSync(Container.get(BinaryDataService).getPath(stored.id!)).equals(bytes)).toBe(true);
});

test('reading a property the item does not have fails clearly', async () => {
	const result = await runNode({
		node: RigEcho,
		credentials: [{ type: new RigEchoApi(), data: { apiKey: 'k', baseUrl: echoServer().url } }],
	});

	await expect(result.readBinary(result.items[0], 'nothing')).rejects.toThrow('Item has no binary property "nothing"');
});

test('a missing input file fails the node with n8n own message', async () => {
	const result = await runNode({
		node: RigEcho,
		credentials: [{ type: new RigEchoApi(), data: { apiKey: 'k', baseUrl: echoServer().url } }],
		parameters: { operation: 'upload', binaryPropertyName: 'photo' },
		items: [{ json: {} }],
	});

	expect(result.status).toBe('error');
	expect(result.error?.message).toMatch(/photo/);
});
