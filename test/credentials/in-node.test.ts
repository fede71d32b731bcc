import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { FalApi } from '../../credentials/FalApi.credentials';
import { RunflowApi } from '../../credentials/RunflowApi.credentials';
import { useEmulator } from '../support/use-emulator';
import { runNode } from '../../tools/rig';

/** A declarative node that picks its credential through `authentication`, as the SAM 3 node does. */
class UploadSlotNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Upload Slot',
		name: 'uploadSlot',
		group: ['transform'],
		version: 1,
		description: 'Asks the provider for an upload slot',
		defaults: { name: 'Upload Slot' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [
			{ name: 'falApi', required: true, displayOptions: { show: { authentication: ['falApi'] } } },
			{ name: 'runflowApi', required: true, displayOptions: { show: { authentication: ['runflowApi'] } } },
		],
		// Options' routing gets no $credentials (RoutingNode passes only $value/$version there), so the
		// host comes from requestDefaults, which does see the selected credential.
		requestDefaults: { baseURL: '={{$credentials.restUrl ?? $credentials.baseUrl}}', json: true },
		properties: [
			{
				displayName: 'Provider',
				name: 'authentication',
				type: 'options',
				options: [
					{
						name: 'fal.ai',
						value: 'falApi',
						routing: {
							request: {
								method: 'POST',
								url: '/storage/upload/initiate?storage_type=fal-cdn-v3',
								body: { content_type: 'text/plain', file_name: 'a.txt' },
							},
						},
					},
					{
						name: 'Runflow',
						value: 'runflowApi',
						routing: {
							request: {
								method: 'POST',
								url: '/v1/asset-uploads',
								body: { filename: 'a.txt', mime_type: 'text/plain', size_bytes: 1 },
							},
						},
					},
				],
				default: 'falApi',
			},
		],
	};
}

const emulator = useEmulator();

describe('the credentials applied while a node runs', () => {
	test('fal: the key goes as "Authorization: Key …"', async () => {
		const result = await runNode({
			node: UploadSlotNode,
			parameters: { authentication: 'falApi' },
			credentials: [{ type: new FalApi(), data: { apiKey: emulator().keys.fal, restUrl: emulator().falRestUrl } }],
		});

		expect(result.error).toBeUndefined();
		expect(emulator().requests[0]).toMatchObject({ route: 'fal.upload.initiate', status: 200 });
		expect(emulator().requests[0].headers.authorization).toBe(`Key ${emulator().keys.fal}`);
	});

	test('fal with the custom-endpoints switch on: the typed Upload Endpoint is used', async () => {
		const result = await runNode({
			node: UploadSlotNode,
			parameters: { authentication: 'falApi' },
			credentials: [{ type: new FalApi(), data: { apiKey: emulator().keys.fal, customEndpoints: true, restUrl: emulator().falRestUrl } }],
		});

		expect(result.error).toBeUndefined();
		expect(emulator().requests[0]).toMatchObject({ route: 'fal.upload.initiate', status: 200 });
	});

	test.each([
		['no organization', { organizationId: '' }, undefined],
		['an organization', { organizationId: 'org_7' }, 'org_7'],
	])('Runflow with %s: Bearer key, X-Organization-Id only when set', async (_label, extra, expectedHeader) => {
		const result = await runNode({
			node: UploadSlotNode,
			parameters: { authentication: 'runflowApi' },
			credentials: [{ type: new RunflowApi(), data: { apiKey: emulator().keys.runflow, baseUrl: emulator().runflowUrl, ...extra } }],
		});

		expect(result.error).toBeUndefined();
		expect(emulator().requests[0]).toMatchObject({ route: 'runflow.asset.create', status: 201 });
		expect(emulator().requests[0].headers.authorization).toBe(`Bearer ${emulator().keys.runflow}`);
		expect(emulator().requests[0].headers['x-organization-id']).toBe(expectedHeader);
	});

	test('a wrong key fails the node with the provider status', async () => {
		const result = await runNode({
			node: UploadSlotNode,
			parameters: { authentication: 'runflowApi' },
			credentials: [{ type: new RunflowApi(), data: { apiKey: 'rf_live_wrong', baseUrl: emulator().runflowUrl } }],
		});

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({ httpCode: '401' });
		expect(JSON.stringify(result.error?.raw)).not.toContain('rf_live_wrong');
	});
});
