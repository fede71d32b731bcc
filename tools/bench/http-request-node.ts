/**
 * The comparison for the throughput benchmark: n8n's own HTTP Request node (n8n-nodes-base), the way users call
 * SAM 3 without this package: one HTTP Request to fal.run per item (sync), a second one downloading the mask as a
 * file. n8n-nodes-base is not a dev dependency (see BENCHMARKS.md: it cannot install from this registry without
 * an `overrides` entry, and it is ~1,000 packages), so it is loaded from the real n8n 1.123.50 install that the
 * end-to-end tests keep in their cache (tools/e2e/install.sh). Without that cache a stand-in node does the same two
 * requests per item with n8n's httpRequest helper, all items at once like HTTP Request v4.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import type { NodeDefinition } from '../rig/node-types';

/** n8n 1.123.50 pins this n8n-nodes-base. */
export const NODES_BASE_VERSION = '1.121.32';

export interface HttpRequestNode {
	node: NodeDefinition;
	packageName: string;
	typeVersion: number;
	/** What ran, for the report. */
	label: string;
	short: string;
}

function nodesBaseDir(): string | undefined {
	const cache = process.env.SAM3_E2E_CACHE ?? join(homedir(), '.cache', 'n8n-nodes-sam3-e2e');
	const candidates = [join(__dirname, '..', '..', 'node_modules', 'n8n-nodes-base'), join(cache, 'n8n-1.123.50', 'node_modules', 'n8n-nodes-base')];
	return candidates.find((dir) => {
		const manifest = join(dir, 'package.json');
		return existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version === NODES_BASE_VERSION;
	});
}

/** The stand-in when asked (the CPU benchmark's reference row) or when SAM3_BENCH_HTTP_NODE=stand-in forces it. */
export function loadHttpRequestNode(standIn = false): HttpRequestNode {
	const dir = standIn || process.env.SAM3_BENCH_HTTP_NODE === 'stand-in' ? undefined : nodesBaseDir();
	if (dir) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { HttpRequest } = require(join(dir, 'dist', 'nodes', 'HttpRequest', 'HttpRequest.node.js')) as { HttpRequest: new () => INodeType };
		return { node: HttpRequest, packageName: 'n8n-nodes-base', typeVersion: 4.2, label: `n8n-nodes-base@${NODES_BASE_VERSION} HTTP Request v4.2 (from ${dir})`, short: 'HTTP Request node' };
	}
	return { node: StandInHttpNode, packageName: 'n8n-nodes-bench', typeVersion: 1, label: 'stand-in: n8n httpRequest helper, all items at once (n8n-nodes-base not found)', short: 'HTTP stand-in' };
}

/** Parameters of HTTP Request v4.2 for the sync call; the stand-in reads the same names. */
export function syncCallParameters(url: string, key: string, body: Record<string, unknown>) {
	return {
		method: 'POST',
		url,
		sendHeaders: true,
		headerParameters: { parameters: [{ name: 'Authorization', value: `Key ${key}` }] },
		sendBody: true,
		contentType: 'json',
		specifyBody: 'json',
		jsonBody: JSON.stringify(body),
		options: {},
	};
}

export function downloadParameters() {
	return { method: 'GET', url: '={{ $json.masks[0].url }}', options: { response: { response: { responseFormat: 'file' } } } };
}

class StandInHttpNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HTTP stand-in',
		name: 'httpStandIn',
		group: ['output'],
		version: 1,
		description: 'One request per item with n8n\'s httpRequest helper',
		defaults: { name: 'HTTP stand-in' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'Method', name: 'method', type: 'string', default: 'GET' },
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'Send Headers', name: 'sendHeaders', type: 'boolean', default: false },
			{
				displayName: 'Headers',
				name: 'headerParameters',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				options: [
					{
						displayName: 'Header',
						name: 'parameters',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{ displayName: 'Send Body', name: 'sendBody', type: 'boolean', default: false },
			{ displayName: 'Content Type', name: 'contentType', type: 'string', default: 'json' },
			{ displayName: 'Specify Body', name: 'specifyBody', type: 'string', default: 'json' },
			{ displayName: 'JSON Body', name: 'jsonBody', type: 'string', default: '' },
			{ displayName: 'Options', name: 'options', type: 'json', default: '{}' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out = await Promise.all(
			items.map(async (_, i): Promise<INodeExecutionData> => {
				const method = this.getNodeParameter('method', i) as string;
				const url = this.getNodeParameter('url', i) as string;
				if (method === 'GET') {
					const bytes = (await this.helpers.httpRequest({ method: 'GET', url, encoding: 'arraybuffer', json: false })) as ArrayBuffer;
					return { json: {}, binary: { data: await this.helpers.prepareBinaryData(Buffer.from(bytes), undefined, 'image/png') }, pairedItem: { item: i } };
				}
				const headers = Object.fromEntries(
					(this.getNodeParameter('headerParameters.parameters', i) as Array<{ name: string; value: string }>).map((h) => [h.name, h.value]),
				);
				const body = JSON.parse(this.getNodeParameter('jsonBody', i) as string) as object;
				return { json: await this.helpers.httpRequest({ method: 'POST', url, headers, body, json: true }), pairedItem: { item: i } };
			}),
		);
		return [out];
	}
}
