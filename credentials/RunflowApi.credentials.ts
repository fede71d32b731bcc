import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** Runflow key (`rf_live_…`), sent as `Authorization: Bearer …` to the Runflow API host only. */
export class RunflowApi implements ICredentialType {
	name = 'runflowApi';

	displayName = 'Runflow API';

	icon = 'file:runflow.svg' as const;

	documentationUrl = 'https://docs.runflow.io';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'rf_live_…',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.runflow.io',
		},
		{
			displayName: 'Organization ID',
			name: 'organizationId',
			type: 'string',
			default: '',
			description: 'Sent as X-Organization-Id when your key belongs to several organizations',
		},
	];

	// Not a generic (declarative) authenticate: n8n sends a generic header even when its expression
	// resolves empty (as `X-Organization-Id: `), so the optional header is added only when set.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const organizationId = String(credentials.organizationId ?? '').trim();
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${String(credentials.apiKey ?? '')}`,
				...(organizationId ? { 'X-Organization-Id': organizationId } : {}),
			},
		};
	}

	// Creating an asset upload slot needs a valid key and costs nothing: no run starts, nothing is stored.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/asset-uploads',
			method: 'POST',
			body: { filename: 'n8n-credential-test.txt', mime_type: 'text/plain', size_bytes: 1 },
			json: true,
			// A redirect answer is a failed test, never followed: n8n would re-send Authorization to the new
			// origin (sendCredentialsOnCrossOriginRedirect defaults to true) and report its 200 as success.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		},
		rules: [{ type: 'responseCode', properties: { value: 401, message: 'Runflow rejected the API key: check it in your Runflow dashboard (keys start with rf_live_)' } }],
	};
}
