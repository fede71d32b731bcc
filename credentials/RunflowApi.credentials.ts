import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

const RUNFLOW_API = 'https://api.runflow.io';

/**
 * The API host, behind the "Use Custom Endpoint" switch. Declared three times under one name (n8n keeps whichever
 * is displayed; see FalApi.credentials.ts): for the switch on; shown with the switch off when it holds another URL
 * than Runflow's (a credential saved before the switch existed: kept and visible); hidden, keeping the URL, otherwise.
 */
const baseUrlField: INodeProperties = {
	displayName: 'Base URL',
	name: 'baseUrl',
	type: 'string',
	default: RUNFLOW_API,
	placeholder: RUNFLOW_API,
	description: `Replaces ${RUNFLOW_API}`,
};

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
			hint: 'Get a key in your Runflow dashboard at <a href="https://app.runflow.io" target="_blank">app.runflow.io</a>',
			description: 'Your Runflow API key (it starts with rf_live_): create one in your Runflow dashboard and paste it here',
		},
		{
			displayName: 'Organization ID',
			name: 'organizationId',
			type: 'string',
			default: '',
			description: 'Only needed when your key belongs to several organizations (sent as X-Organization-Id)',
		},
		{
			displayName: 'Use Custom Endpoint',
			name: 'customEndpoints',
			type: 'boolean',
			default: false,
			description: 'Whether to send requests through a proxy or gateway instead of Runflow\'s own API host. Most users leave this off.',
		},
		{ ...baseUrlField, displayOptions: { show: { customEndpoints: [true] } } },
		{ ...baseUrlField, displayOptions: { show: { customEndpoints: [false], baseUrl: [{ _cnd: { not: RUNFLOW_API } }] } } },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'hidden', default: RUNFLOW_API, displayOptions: { show: { customEndpoints: [false] } } },
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
