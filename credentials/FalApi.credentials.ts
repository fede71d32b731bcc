import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * fal.ai key (`key_id:key_secret`), sent as `Authorization: Key …` to fal's API hosts only.
 * The three endpoints are editable for fal's server proxy, a corporate gateway or the local emulator.
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
			description: 'Your fal.ai key, from https://fal.ai/dashboard/keys',
		},
		{
			displayName: 'Sync Endpoint',
			name: 'runUrl',
			type: 'string',
			default: 'https://fal.run',
			description: 'Where synchronous calls go (fal.run)',
		},
		{
			displayName: 'Queue Endpoint',
			name: 'queueUrl',
			type: 'string',
			default: 'https://queue.fal.run',
			description: 'Where queued jobs are submitted and polled (queue.fal.run)',
		},
		{
			displayName: 'REST Endpoint',
			name: 'restUrl',
			type: 'string',
			default: 'https://rest.fal.ai',
			description: 'Where file uploads are initiated (rest.fal.ai)',
		},
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
