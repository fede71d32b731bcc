/**
 * The least a declarative node doing the SAM 3 work costs, for the CPU benchmark (1b). It has the SAM 3 node's own
 * panel (every property, which n8n's RoutingNode walks for each item), and its pagination hook sends the same two
 * requests as the HTTP Request workflow — POST fal.run with the fal credential, GET the mask as a file — through
 * n8n's helpers. With Capped Reads on, both answers come as streams and are read under a byte cap by the SAM 3
 * node's own reader (transport/bounded-reader.ts; n8n's helpers buffer any size otherwise). No validation, no slots, no retries, no
 * error items: not a node to ship, a measuring stick for what n8n's declarative engine and the byte caps cost the
 * SAM 3 node, apart from its own work.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IExecutePaginationFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { builtModule } from './sam3-runner';

// The node's reader as n8n loads it (dist/), like the node itself in the other rows.
const { readAll } = builtModule('transport/bounded-reader.js') as typeof import('../../nodes/Sam3/transport/bounded-reader');
const { readJsonAnswer } = builtModule('transport/json-answer.js') as typeof import('../../nodes/Sam3/transport/json-answer');

const MiB = 1024 * 1024;
const TIMEOUT_MS = 300_000;

/** The fal credential of a node run, loaded once per run as the SAM 3 node does (job/batch.ts). */
const credentialsOfRun = new WeakMap<object, Promise<ICredentialDataDecryptedObject>>();

type FalAnswer = { masks: Array<{ url: string }> } & IDataObject;

async function segmentOneItem(this: IExecutePaginationFunctions): Promise<INodeExecutionData[]> {
	const run = this.getExecuteData() as object;
	let loading = credentialsOfRun.get(run);
	if (!loading) {
		loading = this.getCredentials('falApi');
		credentialsOfRun.set(run, loading);
	}
	const credentials = await loading;
	const resolved: { credentialsDecrypted: ICredentialsDecrypted } = {
		credentialsDecrypted: { id: '', name: 'falApi', type: 'falApi', data: credentials },
	};
	const capped = this.getNodeParameter('cappedReads') as boolean;
	// Capped: the answer as a stream, its status and headers with it (as the node asks n8n for them).
	const asStream: Partial<IHttpRequestOptions> = capped ? { encoding: 'stream', returnFullResponse: true, ignoreHttpStatusErrors: true, timeout: TIMEOUT_MS } : {};
	const body = { image_url: this.getNodeParameter('imageUrl'), prompt: this.getNodeParameter('prompt'), apply_mask: false };
	const answer = (await this.helpers.httpRequestWithAuthentication.call(
		this,
		'falApi',
		{ method: 'POST', url: `${String(credentials.runUrl)}/fal-ai/sam-3/image`, body, json: true, ...asStream },
		resolved,
	)) as FalAnswer | IN8nHttpFullResponse;
	let result = answer as FalAnswer;
	if (capped) {
		const read = await readJsonAnswer((answer as IN8nHttpFullResponse).body, { limitBytes: MiB, idleMs: TIMEOUT_MS });
		if (!read.ok) throw new Error(`fal.run answer not read: ${read.why}`);
		result = read.body as FalAnswer;
	}
	const file = (await this.helpers.httpRequest({
		method: 'GET',
		url: result.masks[0].url,
		json: false,
		...(capped ? asStream : { encoding: 'arraybuffer' }),
	})) as ArrayBuffer | IN8nHttpFullResponse;
	let bytes: Buffer;
	if (capped) {
		const read = await readAll((file as IN8nHttpFullResponse).body, { limitBytes: 64 * MiB, idleMs: TIMEOUT_MS });
		if (!read.ok) throw new Error(`mask not read: ${read.why}`);
		bytes = read.bytes;
	} else {
		bytes = Buffer.from(file as ArrayBuffer);
	}
	const mask = await this.helpers.prepareBinaryData(bytes, 'mask_0.png', 'image/png');
	return [{ json: result, binary: { mask_0: mask } }];
}

const { Sam3 } = builtModule('Sam3.node.js') as typeof import('../../nodes/Sam3/Sam3.node');

/** The SAM 3 node's properties, with the floor's hook on every operation and the Capped Reads switch added. */
function floorProperties(): INodeProperties[] {
	const properties = new Sam3().description.properties.map((property) =>
		property.name !== 'operation'
			? property
			: {
					...property,
					options: (property.options as INodePropertyOptions[]).map((option) => ({
						...option,
						routing: { send: { paginate: true }, operations: { pagination: segmentOneItem } },
					})),
				},
	);
	return [...properties, { displayName: 'Capped Reads', name: 'cappedReads', type: 'boolean', default: false }];
}

export class DeclarativeFloorNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Declarative floor',
		name: 'declarativeFloor',
		group: ['transform'],
		version: 1,
		description: 'The SAM 3 sync call and the mask download per item, from a declarative pagination hook',
		defaults: { name: 'Declarative floor' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'falApi', required: true }],
		requestDefaults: {},
		properties: floorProperties(),
	};
}
