import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * One endpoint URL, behind the "Use Custom Endpoints" switch. n8n hands a node only the credential values whose
 * fields are displayed, and a credential saved before the switch existed reads as switched off; so the name is
 * declared three times (n8n keeps whichever is displayed): the field for the switch on; the same field shown with
 * the switch off when it holds a URL other than fal's (an older credential's proxy or gateway: kept, and visible
 * as in use); and a hidden one that keeps fal's URL (or that older value) while the switch is off.
 */
function endpointField(displayName: string, name: string, url: string, description: string): INodeProperties[] {
	const field: INodeProperties = { displayName, name, type: 'string', default: url, placeholder: url, description };
	return [
		{ ...field, displayOptions: { show: { customEndpoints: [true] } } },
		{ ...field, displayOptions: { show: { customEndpoints: [false], [name]: [{ _cnd: { not: url } }] } } },
		{ displayName, name, type: 'hidden', default: url, displayOptions: { show: { customEndpoints: [false] } } },
	];
}

/**
 * fal.ai key (`key_id:key_secret`), sent as `Authorization: Key …` to fal's API hosts only. The endpoints are
 * fal's own unless the user switches to custom ones (fal's server proxy, a corporate gateway, the local emulator).
 */
export class FalApi implements ICredentialType {
	name = 'falApi';

	displayName = 'fal.ai API';

	icon = 'file:fal.svg' as const;

	documentationUrl = 'https://docs.fal.ai/model-apis/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'key_id:key_secret',
			hint: 'Get a key at <a href="https://fal.ai/dashboard/keys" target="_blank">fal.ai/dashboard/keys</a>',
			description: 'Your fal.ai API key (key_id:key_secret): sign in at fal.ai, open Dashboard > Keys, create one and paste it here',
		},
		{
			displayName: 'Use Custom Endpoints',
			name: 'customEndpoints',
			type: 'boolean',
			default: false,
			description: 'Whether to send requests through a proxy or gateway instead of fal.ai\'s own hosts. Most users leave this off.',
		},
		...endpointField('Direct Request Endpoint', 'runUrl', 'https://fal.run', 'Replaces https://fal.run (Request Mode: One Long Request)'),
		...endpointField('Queue Endpoint', 'queueUrl', 'https://queue.fal.run', 'Replaces https://queue.fal.run (Request Mode: Queue, the default)'),
		...endpointField('Upload Endpoint', 'restUrl', 'https://rest.fal.ai', 'Replaces https://rest.fal.ai (file uploads, and the credential test)'),
	];

	// A function, not a generic (declarative) authenticate: n8n resolves a generic one's expression
	// ('=Key {{$credentials.apiKey}}') through its expression engine on every request — the largest share of the
	// node's CPU per request in profiles (issue 12). The header is the same.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Key ${String(credentials.apiKey ?? '')}` },
		};
	}

	// Initiating an upload needs a valid key and costs nothing: no job runs and nothing is stored.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.restUrl.replace(/\\/+$/, "")}}',
			url: '/storage/upload/initiate',
			method: 'POST',
			qs: { storage_type: 'fal-cdn-v3' },
			body: { content_type: 'text/plain', file_name: 'n8n-credential-test.txt' },
			json: true,
			// A redirect answer is a failed test, never followed: n8n would re-send Authorization to the new
			// origin (sendCredentialsOnCrossOriginRedirect defaults to true) and report its 200 as success.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		},
		rules: [{ type: 'responseCode', properties: { value: 401, message: 'fal.ai rejected the API key: check it at fal.ai/dashboard/keys (format key_id:key_secret)' } }],
	};
}
