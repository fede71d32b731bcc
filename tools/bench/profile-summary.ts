/**
 * Where a CPU profile's time went, by who runs the code: n8n's request path (n8n-core's helpers and what they call:
 * axios, follow-redirects, the proxy agents), node's own http/net/tls, the SAM 3 node's code, n8n's engine, GC and
 * the rest. Reads a `.cpuprofile` (node --cpu-prof); self time of each sample's frame, idle excluded.
 *   npx tsx tools/bench/profile-summary.ts /tmp/sam3-prof/CPU.….cpuprofile
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string };
	children?: number[];
}
interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

export type Bucket =
	| 'n8n request helpers (n8n-core + axios + agents)'
	| 'node http / net / tls / dns'
	| 'SAM 3 node code'
	| 'n8n engine (workflow, expressions, routing)'
	| 'test rig / emulator client'
	| 'garbage collection'
	| 'other (V8, node internals, libraries)';

const REQUEST_PATH = /node_modules\/(axios|follow-redirects|http-proxy-agent|https-proxy-agent|agent-base|proxy-from-env|form-data|qs)\//;

function bucketOf(url: string, functionName: string, requestStack: boolean): Bucket {
	if (functionName === '(garbage collector)') return 'garbage collection';
	if (/\/nodes\/Sam3\/|\/credentials\//.test(url) && !url.includes('node_modules')) return 'SAM 3 node code';
	if (REQUEST_PATH.test(url) || /n8n-core\/dist\/(execution-engine\/node-execution-context\/utils\/request-helper|http-proxy)/.test(url)) {
		return 'n8n request helpers (n8n-core + axios + agents)';
	}
	if (/^node:(_?http|https|net|tls|dns|_tls|internal\/(http|net|dns|tls|stream_base))/.test(url) || /^node:internal\/deps\/undici/.test(url)) {
		return requestStack ? 'node http / net / tls / dns' : 'node http / net / tls / dns';
	}
	if (/n8n-(core|workflow)\//.test(url)) return 'n8n engine (workflow, expressions, routing)';
	if (/\/test\//.test(url) && !url.includes('node_modules')) return 'test rig / emulator client';
	return 'other (V8, node internals, libraries)';
}

export interface ProfileSummary {
	totalMs: number;
	byBucket: Record<string, number>;
	/** Self time of frames called (directly or not) from n8n's request helpers: what one request through n8n costs. */
	underRequestHelpersMs: number;
	topSelf: Array<{ name: string; ms: number }>;
}

/** Per item when `items` is given (ms). */
export function summarize(profile: Profile, items = 1): ProfileSummary {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	// Whether a frame runs under n8n's request helpers (its own code, axios, or node's http below them).
	const underHelpers = new Map<number, boolean>();
	const isUnder = (id: number): boolean => {
		const known = underHelpers.get(id);
		if (known !== undefined) return known;
		const node = byId.get(id)!;
		const url = node.callFrame.url;
		const here = REQUEST_PATH.test(url) || /n8n-core\/dist\/(execution-engine\/node-execution-context\/utils\/request-helper|http-proxy)/.test(url);
		const up = parent.get(id);
		const result = here || (up !== undefined && isUnder(up));
		underHelpers.set(id, result);
		return result;
	};
	const self = new Map<number, number>();
	profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
	const byBucket: Record<string, number> = {};
	const byName = new Map<string, number>();
	let totalMs = 0;
	let underRequestHelpersMs = 0;
	for (const [id, ms] of self) {
		const { functionName, url } = byId.get(id)!.callFrame;
		if (functionName === '(idle)' || functionName === '(root)') continue;
		totalMs += ms;
		const bucket = bucketOf(url, functionName, false);
		byBucket[bucket] = (byBucket[bucket] ?? 0) + ms;
		if (isUnder(id)) underRequestHelpersMs += ms;
		const name = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\//, '')}`;
		byName.set(name, (byName.get(name) ?? 0) + ms);
	}
	const per = (ms: number) => Math.round((ms / items) * 1000) / 1000;
	const topSelf = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([name, ms]) => ({ name, ms: per(ms) }));
	return { totalMs: per(totalMs), byBucket: Object.fromEntries(Object.entries(byBucket).map(([k, v]) => [k, per(v)])), underRequestHelpersMs: per(underRequestHelpersMs), topSelf };
}

if (require.main === module) {
	const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Profile;
	process.stdout.write(`${JSON.stringify(summarize(profile), null, 1)}\n`);
}
