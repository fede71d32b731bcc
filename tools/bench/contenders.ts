/**
 * The ways to segment N items that the benchmarks compare, each against the child-process emulator: the SAM 3 node
 * (fal queue, its default; fal sync mode), a bare undici client (fal queue + status stream, like fal-js), and n8n's
 * HTTP Request node as users wire SAM 3 without this package (a sync call per item, then the mask as a file).
 */
import { runNode } from '../rig';
import type { EmulatorProcess } from '../e2e/lib/emulator';
import { type HttpRequestNode, downloadParameters, loadHttpRequestNode, syncCallParameters } from './http-request-node';
import { smallImage } from './images';
import { runRawClient } from './raw-client';
import { credentialsFor, runSam3 } from './sam3-runner';
import { DeclarativeFloorNode } from './declarative-floor-node';

/**
 * node: fal queue (default); sync: fal sync mode; raw: bare undici client; helpers: the same bare client through
 * n8n-core's httpRequest; http: the HTTP Request workflow; httpHelper: the same workflow with a minimal node that
 * sends its requests through n8n's httpRequest helper (the one a verified node must use) instead of HTTP Request
 * v4.2's legacy `request` helper; declarative: a declarative node with the SAM 3 node's panel doing only the sync
 * call and the download from its pagination hook (declarative-floor-node.ts), what n8n's declarative engine costs;
 * declarativeCapped: the same with both answers read under byte caps by the node's own reader.
 */
export type Contender = 'node' | 'sync' | 'raw' | 'helpers' | 'http' | 'httpHelper' | 'declarative' | 'declarativeCapped';

const PROMPT = 'cat';

const imageUrls = new WeakMap<EmulatorProcess, Promise<string>>();
/** The 256×256 JPEG the overhead and throughput runs segment, hosted once per emulator. */
export function benchImageUrl(emulator: EmulatorProcess): Promise<string> {
	let url = imageUrls.get(emulator);
	if (!url) {
		url = smallImage().then(async (bytes) => await emulator.hostImage(bytes, 'image/jpeg', 'overhead.jpg'));
		imageUrls.set(emulator, url);
	}
	return url;
}

const httpNodes = new Map<boolean, HttpRequestNode>();
export function httpRequestNode(standIn = false): HttpRequestNode {
	let node = httpNodes.get(standIn);
	if (!node) {
		node = loadHttpRequestNode(standIn);
		httpNodes.set(standIn, node);
	}
	return node;
}

/** The two HTTP Request nodes in a row, as n8n runs them: every item's sync call, then every item's download. */
export async function viaHttpRequestNode(emulator: EmulatorProcess, imageUrl: string, items: number, standIn = false): Promise<void> {
	const http = httpRequestNode(standIn);
	const body = { image_url: imageUrl, prompt: PROMPT, apply_mask: false };
	const sync = await runNode({
		node: http.node,
		packageName: http.packageName,
		typeVersion: http.typeVersion,
		items: Array.from({ length: items }, (_, i) => ({ json: { row: i } })),
		parameters: syncCallParameters(`${emulator.info.urls.falRun}/fal-ai/sam-3/image`, emulator.info.keys.fal, body),
	});
	if (sync.error || sync.items.length !== items) throw new Error(`HTTP Request (sync call) failed: ${sync.error?.message ?? sync.items.length}`);
	const download = await runNode({
		node: http.node,
		packageName: http.packageName,
		typeVersion: http.typeVersion,
		items: sync.items.map((item) => ({ json: item.json })),
		parameters: downloadParameters(),
	});
	if (download.error || !download.items.every((item) => item.binary?.data)) throw new Error(`HTTP Request (download) failed: ${download.error?.message}`);
}

/** The declarative floor node over every item (RoutingNode starts them all at once). */
export async function viaDeclarativeFloor(emulator: EmulatorProcess, imageUrl: string, items: number, cappedReads: boolean): Promise<void> {
	const run = await runNode({
		node: DeclarativeFloorNode,
		packageName: 'n8n-nodes-bench',
		credentials: credentialsFor(emulator),
		items: Array.from({ length: items }, (_, i) => ({ json: { row: i } })),
		// As the SAM 3 node's sync rows are set (the same panel, so RoutingNode walks the same properties).
		parameters: { authentication: 'falApi', operation: 'segment', imageUrl, prompt: PROMPT, falMode: 'sync', modelOptions: { applyMask: false }, cappedReads },
	});
	if (run.error || !run.items.every((item) => item.binary?.mask_0)) throw new Error(`declarative floor node failed: ${run.error?.message ?? 'an item has no mask'}`);
}

/** Segments `items` items one way, `cap` jobs at a time (the HTTP Request node has no cap: all at once). */
export async function runContender(emulator: EmulatorProcess, contender: Contender, items: number, cap: number): Promise<void> {
	const imageUrl = await benchImageUrl(emulator);
	if (contender === 'http' || contender === 'httpHelper') return await viaHttpRequestNode(emulator, imageUrl, items, contender === 'httpHelper');
	if (contender === 'declarative' || contender === 'declarativeCapped') return await viaDeclarativeFloor(emulator, imageUrl, items, contender === 'declarativeCapped');
	if (contender === 'raw' || contender === 'helpers') {
		const inputs = Array.from({ length: items }, () => ({ image_url: imageUrl, prompt: PROMPT, apply_mask: false }));
		return void (await runRawClient(emulator.info, inputs, cap, { transport: contender === 'helpers' ? 'n8n' : 'undici' }));
	}
	await runSam3(emulator, {
		items,
		parameters: {
			imageUrl,
			prompt: PROMPT,
			falMode: contender === 'sync' ? 'sync' : 'queue',
			modelOptions: { applyMask: false },
			options: { maxConcurrency: cap },
		},
	});
}
