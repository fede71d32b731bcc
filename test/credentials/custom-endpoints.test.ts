import { NodeHelpers, type ICredentialDataDecryptedObject, type ICredentialType, type INodeParameters } from 'n8n-workflow';

import { FalApi } from '../../credentials/FalApi.credentials';
import { RunflowApi } from '../../credentials/RunflowApi.credentials';
import { RigCredentialsHelper } from '../../tools/rig/credentials-helper';

/**
 * What the node gets from a saved credential: n8n's CredentialsHelper applies the type's defaults with
 * NodeHelpers.getNodeParameters, which drops every value whose field is hidden. The rig's helper runs that same code.
 */
function resolved(type: ICredentialType, data: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
	const helper = new RigCredentialsHelper();
	helper.registerType(type);
	return helper.applyDefaultsAndExpressions({} as never, data, type.name, 'internal');
}

/** The fields the credential dialog shows for the data (n8n's display logic; it renders no `hidden` field). */
function shownFields(type: ICredentialType, data: INodeParameters): string[] {
	const values = NodeHelpers.getNodeParameters(type.properties, data, true, false, null, null) as INodeParameters;
	const shown = type.properties.filter((property) => property.type !== 'hidden' && NodeHelpers.displayParameter(values, property, null, null));
	return shown.map((property) => property.displayName);
}

describe('fal.ai credential: fal\'s own endpoints unless switched to custom ones', () => {
	const fal = new FalApi();
	const falHosts = { runUrl: 'https://fal.run', queueUrl: 'https://queue.fal.run', restUrl: 'https://rest.fal.ai' };

	test('a new credential shows the key (first) and the switch, not the URLs, and uses fal\'s hosts', () => {
		expect(shownFields(fal, { apiKey: 'id:secret' })).toEqual(['API Key', 'Use Custom Endpoints']);
		expect(resolved(fal, { apiKey: 'id:secret' })).toMatchObject(falHosts);
	});

	test('the switch on shows the three endpoints, and the URLs typed there are used', () => {
		expect(shownFields(fal, { apiKey: 'k', customEndpoints: true })).toEqual([
			'API Key',
			'Use Custom Endpoints',
			'Direct Request Endpoint',
			'Queue Endpoint',
			'Upload Endpoint',
		]);
		const data = { apiKey: 'k', customEndpoints: true, runUrl: 'https://proxy.example/run', queueUrl: 'https://proxy.example/queue', restUrl: 'https://proxy.example/rest' };
		expect(resolved(fal, data)).toMatchObject({ runUrl: 'https://proxy.example/run', queueUrl: 'https://proxy.example/queue', restUrl: 'https://proxy.example/rest' });
	});

	test('a credential saved before the switch existed keeps its custom endpoints (and shows them)', () => {
		const saved = { apiKey: 'k', runUrl: 'http://127.0.0.1:9/run', queueUrl: 'http://127.0.0.1:9/queue', restUrl: 'https://rest.fal.ai' };
		expect(resolved(fal, saved)).toMatchObject({ runUrl: 'http://127.0.0.1:9/run', queueUrl: 'http://127.0.0.1:9/queue', restUrl: 'https://rest.fal.ai' });
		expect(shownFields(fal, saved)).toEqual(['API Key', 'Use Custom Endpoints', 'Direct Request Endpoint', 'Queue Endpoint']);
	});

	test('switched off with fal\'s URLs, fal\'s hosts are used and no URL shows; a custom URL left there stays visible', () => {
		expect(resolved(fal, { apiKey: 'k', customEndpoints: false, ...falHosts })).toMatchObject(falHosts);
		expect(shownFields(fal, { apiKey: 'k', customEndpoints: false, ...falHosts })).toEqual(['API Key', 'Use Custom Endpoints']);
		const left = { apiKey: 'k', customEndpoints: false, ...falHosts, queueUrl: 'https://gw.example/queue' };
		expect(resolved(fal, left)).toMatchObject({ ...falHosts, queueUrl: 'https://gw.example/queue' });
		expect(shownFields(fal, left)).toEqual(['API Key', 'Use Custom Endpoints', 'Queue Endpoint']);
	});
});

describe('Runflow credential: Runflow\'s API host unless switched to a custom one', () => {
	const runflow = new RunflowApi();

	test('a new credential shows the key first, the organization and the switch, and uses api.runflow.io', () => {
		expect(shownFields(runflow, { apiKey: 'rf_live_x' })).toEqual(['API Key', 'Organization ID', 'Use Custom Endpoint']);
		expect(resolved(runflow, { apiKey: 'rf_live_x' })).toMatchObject({ baseUrl: 'https://api.runflow.io' });
	});

	test('the switch on shows the Base URL and uses it', () => {
		expect(shownFields(runflow, { apiKey: 'k', customEndpoints: true })).toContain('Base URL');
		expect(resolved(runflow, { apiKey: 'k', customEndpoints: true, baseUrl: 'https://gw.example' })).toMatchObject({ baseUrl: 'https://gw.example' });
	});

	test('a credential saved before the switch existed keeps its custom Base URL (and shows it)', () => {
		const saved = { apiKey: 'k', baseUrl: 'http://127.0.0.1:9', organizationId: '' };
		expect(resolved(runflow, saved)).toMatchObject({ baseUrl: 'http://127.0.0.1:9' });
		expect(shownFields(runflow, saved)).toContain('Base URL');
	});
});

test('both credentials say where to get a key, with a link', () => {
	expect(new FalApi().properties[0]).toMatchObject({ name: 'apiKey', hint: expect.stringContaining('href="https://fal.ai/dashboard/keys"') });
	expect(new RunflowApi().properties[0]).toMatchObject({ name: 'apiKey', hint: expect.stringContaining('href="https://app.runflow.io"') });
});
