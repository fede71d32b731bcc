/**
 * The links a not-waiting item outputs (fal status/result/cancel, Runflow run) are built from the configured
 * endpoint: they never carry its user-info. (Through the engine, n8n's HTTP client turns such user-info into Basic
 * auth and the submit is refused; test/reliability/outputs.test.ts proves nothing leaks there either.)
 */
import type { IDataObject } from 'n8n-workflow';

import { falAdapter } from '../../nodes/Sam3/providers/fal';
import { runflowAdapter } from '../../nodes/Sam3/providers/runflow';
import type { ProviderHttp } from '../../nodes/Sam3/transport/http';

function answering(credentials: IDataObject, body: IDataObject): ProviderHttp {
	return { provider: 'test', credentials, api: async () => ({ statusCode: 200, headers: {}, body }) } as unknown as ProviderHttp;
}

const job = {
	target: { model: 'sam-3' as const, endpoint: 'image' },
	input: { image_url: 'https://example.com/a.png', prompt: 'shoe' },
	mode: 'queue' as const,
};

it('fal links leave out user-info of the Queue Endpoint', async () => {
	const http = answering({ queueUrl: 'https://user:SECRET@gateway.example/fal' }, { request_id: 'r-1', status: 'IN_QUEUE' });
	const { links } = await falAdapter.submit(http, job);
	expect(links).toMatchObject({
		statusUrl: 'https://gateway.example/fal/fal-ai/sam-3/requests/r-1/status',
		resultUrl: 'https://gateway.example/fal/fal-ai/sam-3/requests/r-1',
		cancelUrl: 'https://gateway.example/fal/fal-ai/sam-3/requests/r-1/cancel',
	});
});

it('the Runflow run link leaves out user-info of the Base URL', async () => {
	const http = answering({ baseUrl: 'https://user:SECRET@gateway.example/runflow/' }, { id: 'run-1', status_code: 'queued' });
	const { links } = await runflowAdapter.submit(http, job);
	expect(links).toEqual({ runUrl: 'https://gateway.example/runflow/v1/runs/run-1' });
});
