/**
 * One endpoint, run by the SAM 3 node through the real n8n engine (the test rig), its credential pointed at the
 * recording proxy. What the node made of the answer is kept as the user would see it: its items' JSON, and per
 * binary field the file's type, size and (for pictures) pixel size.
 */
import type { IDataObject, INodeExecutionData, INodeType } from 'n8n-workflow';
import sharp from 'sharp';

import { FalApi } from '../../credentials/FalApi.credentials';
import { RunflowApi } from '../../credentials/RunflowApi.credentials';
import { type RigCredential, type RigInputItem, runNode } from '../rig';
import type { LiveEndpoint, LiveProvider } from './endpoints';
import type { RecordingProxy } from './proxy';

/** Where a provider's calls go and with which key (the key stays in memory). */
export interface ProviderTarget {
	key: string;
	/** Upstream base URLs by the credential's endpoint: fal {run, queue, rest}, Runflow {api}. */
	urls: Record<string, string>;
}

/** The media one run segments: an image URL, or a clip's bytes given to the node as a binary input. */
export type RunMedia = { kind: 'url'; url: string } | { kind: 'binary'; bytes: Buffer; mimeType: string; fileName: string };

export interface FileFacts {
	mimeType: string;
	fileExtension?: string;
	bytes: number;
	width?: number;
	height?: number;
}

export interface NodeOutcome {
	/** The node's error when the run failed (execution error or error item). */
	error?: string;
	items: Array<{ json: IDataObject; binary: Record<string, FileFacts> }>;
}

/** The proxy prefix each credential URL goes through. */
export const PROXY_PREFIX = { falRun: 'fal-run', falQueue: 'fal-queue', falRest: 'fal-rest', runflow: 'runflow' } as const;

function credentialsThrough(provider: LiveProvider, key: string, proxy: RecordingProxy): RigCredential[] {
	if (provider === 'fal') {
		return [
			{
				type: new FalApi(),
				data: { apiKey: key, runUrl: proxy.urlFor(PROXY_PREFIX.falRun), queueUrl: proxy.urlFor(PROXY_PREFIX.falQueue), restUrl: proxy.urlFor(PROXY_PREFIX.falRest) },
			},
		];
	}
	return [{ type: new RunflowApi(), data: { apiKey: key, baseUrl: proxy.urlFor(PROXY_PREFIX.runflow), organizationId: '' } }];
}

function mediaParameters(media: RunMedia): IDataObject {
	if (media.kind === 'url') return { imageSource: 'url', imageUrl: media.url };
	return { videoSource: 'binary', videoBinaryPropertyName: 'data', imageSource: 'binary', binaryPropertyName: 'data' };
}

async function fileFacts(item: INodeExecutionData, property: string, read: (item: INodeExecutionData, property: string) => Promise<Buffer>): Promise<FileFacts> {
	const binary = item.binary![property];
	const bytes = await read(item, property);
	const facts: FileFacts = { mimeType: binary.mimeType, fileExtension: binary.fileExtension, bytes: bytes.length };
	if (binary.mimeType.startsWith('image/')) {
		const meta = await sharp(bytes).metadata().catch(() => undefined);
		if (meta?.width && meta.height) Object.assign(facts, { width: meta.width, height: meta.height });
	}
	return facts;
}

/** The SAM 3 node class: the built package's (the CLI: what npm would publish) or the source's (jest). */
export type NodeClass = new () => INodeType;

export async function runEndpoint(node: NodeClass, endpoint: LiveEndpoint, media: RunMedia, key: string, proxy: RecordingProxy): Promise<NodeOutcome> {
	const items: RigInputItem[] = media.kind === 'binary' ? [{ json: {}, binary: { data: { data: media.bytes, mimeType: media.mimeType, fileName: media.fileName } } }] : [{ json: {} }];
	const result = await runNode({
		node,
		packageName: 'n8n-nodes-sam3',
		credentials: credentialsThrough(endpoint.provider, key, proxy),
		items,
		continueOnFail: true,
		typeVersion: 1, // the first panel's parameter names
		parameters: {
			authentication: endpoint.provider === 'fal' ? 'falApi' : 'runflowApi',
			...mediaParameters(media),
			...endpoint.parameters,
			options: { keepInputData: false, maxWaitSeconds: 900 },
		},
	});
	const outcome: NodeOutcome = { items: [] };
	if (result.error) outcome.error = result.error.message;
	for (const item of result.outputs.flat()) {
		const error = item.json.error;
		if (error !== undefined) {
			outcome.error ??= typeof error === 'string' ? error : JSON.stringify(error);
			continue;
		}
		const binary: Record<string, FileFacts> = {};
		for (const property of Object.keys(item.binary ?? {})) binary[property] = await fileFacts(item, property, result.readBinary);
		outcome.items.push({ json: item.json, binary });
	}
	return outcome;
}
