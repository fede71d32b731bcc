/**
 * n8n-nodes-sam3 PROVIDER EMULATOR — a dev-only TEST DOUBLE. It is not fal.ai and not Runflow, runs no
 * model and must never ship: it speaks the fal/Runflow protocols as the team's providers.md documents them
 * (written independently of nodes/, so node bugs show) and the official @fal-ai/client uses them, with
 * fake, deterministic SAM 3 masks (segmentation.ts).
 * Every answer carries `x-emulator: n8n-nodes-sam3 test double`.
 *
 * One HTTP server on 127.0.0.1:PORT, path-prefixed "virtual hosts":
 *   /fal-run     fal sync      POST fal-ai/sam-3/image (also /image-rle, fal-ai/sam-3-1/image, /image-rle)
 *   /fal-queue   fal queue     POST fal-ai/sam-3/image[?fal_webhook=] (and the other image endpoints);
 *                              under the job's app (fal-ai/sam-3 or fal-ai/sam-3-1): GET {app}/requests/{id}[/status];
 *                              GET {app}/requests/{id}/status/stream (SSE, fal-status-stream.ts);
 *                              PUT {app}/requests/{id}/cancel
 *                              RLE answers encode exactly the masks the URL endpoint serves (rle.ts; rleFault for
 *                              malformed ones)
 *                video endpoints (fal-endpoints.ts, video-inference.ts): fal-ai/sam-3/video, /video-rle,
 *                fal-ai/sam-3-1/video, /video-rle — Motion-JPEG test-double videos, per-frame RLE, boxes zip;
 *                fal-ai/sam-3/video-rle-objects — one track per instance, per-frame RLE (sam3-family.md §4–5)
 *                3D endpoints (three-d-schema.ts, three-d-objects.ts, three-d-body.ts): fal-ai/sam-3/3d-objects, /3d-body,
 *                /3d-align — valid GLB / PLY (Gaussian splat, mesh) / ZIP / PNG files, boxes sized from what
 *                the photo shows; all under the app fal-ai/sam-3. See README.md in this folder.
 *   /fal-rest    fal rest      POST storage/upload/initiate?storage_type=fal-cdn-v3
 *   /runflow     Runflow       POST v1/models/meta/sam-3/image/runs; GET v1/runs/{id}; POST v1/asset-uploads;
 *                              POST v1/asset-uploads/{id}/confirmations
 *   http://localhost:PORT/files/…   file host (masks, presigned PUT uploads, hosted test images), no auth
 *   /__emulator  controls over HTTP (see control.ts)
 *
 * Use:
 *   const emu = await startEmulator({ falKeys, runflowKeys, runflowSigningSecret, defaults: { latencyMs, queueMs } });
 *   emu.faults.add({ route: 'fal.status', times: 2, fault: { kind: 'status', status: 503 } });
 *   emu.faults.add({ route: 'fal.status.stream', fault: { kind: 'streamStall', afterEvents: 1 } });
 *   emu.jobs.script({ match: { prompt: 'cat' }, latencyMs: 2000, outcome: { type: 'fail' } });
 *   emu.faults.add({ route: 'fal.sync', fault: { kind: 'status', status: 502, afterHandling: true } }); // ran, billed, lost
 *   emu.faults.add({ route: 'fal.submit', fault: { kind: 'rewrite', omit: ['request_id'] } });
 *   emu.jobs.script({ resultBody: (body) => ({ ...body, scores: ['0.9'] }) });     // odd result bodies
 *   emu.setLarge3dOutputs({ splatBytes: 60e6, declaredFileSize: 3e9 });  // big 3D files / a size over a cap
 *   emu.faults.add({ route: 'files.get', fault: { kind: 'hugeFile', bytes: 2e9, declareLength: true } });
 *   emu.setRunflowOutput({ shape: 'preview-in-outputs', extraArtifact: true });  // issue 33's Runflow layout
 *   emu.stats().jobs.fal  // { created, started, succeeded, failed, cancelled }
 *   emu.stats().peakOpen['files.get']  // the most requests of a route answered at once (e.g. mask downloads)
 *   emu.stats().openNow['fal.status.stream']  // requests of a route still open (a stream until it closes)
 *   emu.requests / emu.deliveries / emu.stats() / emu.statusRequests() / emu.reset() / await emu.close();
 * Standalone: `npm run emulator [PORT]` (cli.ts).
 */
import { controlRoutes } from './control';
import type { EmulatorContext, EmulatorUrls } from './context';
import { DeliveryLog } from './deliveries';
import { falQueueHost } from './fal-queue';
import { falRestHost } from './fal-rest';
import { falRunHost } from './fal-run';
import { FaultRegistry } from './faults';
import { FileStore } from './files';
import { JobManager, type Job } from './jobs';
import { RequestLog } from './log';
import { checkRunflowOutputOptions, runflowHost, type RunflowOutputOptions } from './runflow-routes';
import { startServer, type RunningServer, type ServerParts } from './server';
import { checkLarge3dOutputs, type Large3dOutputs } from './three-d-shared';
import type { DeliveryRecord, LogEntry, Provider, ScriptRule, StatusRequestCount, Timing } from './types';

export type * from './types';
export { EMULATOR_HEADER, EMULATOR_HEADER_VALUE } from './server';

export const DEFAULT_FAL_KEY = 'emulator-key-id:emulator-key-secret';
export const DEFAULT_RUNFLOW_KEY = 'rf_live_emulator_test_key';
export const DEFAULT_TIMING: Timing = { latencyMs: 150, queueMs: 100, dispatchMs: 50 };

export interface EmulatorOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	/** Valid fal keys (`Authorization: Key …`); the first is `keys.fal`. */
	falKeys?: string[];
	/** Valid Runflow keys (`Authorization: Bearer …`); the first is `keys.runflow`. */
	runflowKeys?: string[];
	/** When set, callbacks carry `Runflow-Signature` = hex HMAC-SHA256(secret, raw body). */
	runflowSigningSecret?: string;
	defaults?: Partial<Timing>;
	/** Account concurrency per provider (default unlimited): ready jobs wait for a free slot. */
	concurrency?: Partial<Record<Provider, number>>;
	/** Waits between webhook/callback attempts (default [1000, 2000]: 3 attempts). */
	callbackBackoffMs?: number[];
	/** Masks (and preview) at this size instead of the input image's, as fal's page shows (1024×1024). */
	maskSize?: MaskSize;
}

export interface MaskSize {
	width: number;
	height: number;
}

export interface JobsControl {
	script(rule: ScriptRule): string;
	clearScripts(): void;
	readonly scripts: JobManager['scripts'];
	list(): Job[];
	get(id: string): Job | undefined;
	setDefaults(timing: Partial<Timing>): Timing;
}

export class Emulator {
	readonly url: string;
	readonly falRunUrl: string;
	readonly falQueueUrl: string;
	readonly falRestUrl: string;
	readonly runflowUrl: string;
	readonly filesUrl: string;
	readonly controlUrl: string;
	readonly keys: { fal: string; runflow: string; allFal: string[]; allRunflow: string[] };
	readonly faults = new FaultRegistry();
	readonly jobs: JobsControl;

	constructor(
		readonly port: number,
		readonly urls: EmulatorUrls,
		private readonly ctx: EmulatorContext,
		private readonly log: RequestLog,
		private readonly server: RunningServer,
		private readonly defaultMaskSize?: MaskSize,
	) {
		this.url = urls.base;
		this.falRunUrl = urls.falRun;
		this.falQueueUrl = urls.falQueue;
		this.falRestUrl = urls.falRest;
		this.runflowUrl = urls.runflow;
		this.filesUrl = urls.files;
		this.controlUrl = urls.control;
		this.keys = { fal: ctx.keys.fal[0], runflow: ctx.keys.runflow[0], allFal: ctx.keys.fal, allRunflow: ctx.keys.runflow };
		const manager = ctx.jobs;
		this.jobs = {
			script: (rule) => manager.scripts.add(rule),
			clearScripts: () => manager.scripts.clear(),
			scripts: manager.scripts,
			list: () => manager.list(),
			get: (id) => manager.get(id),
			setDefaults: (timing) => {
				const picked = Object.fromEntries(Object.entries(timing).filter(([k, v]) => k in DEFAULT_TIMING && typeof v === 'number'));
				manager.defaults = { ...manager.defaults, ...picked };
				return { ...manager.defaults };
			},
		};
	}

	/** Every request the provider hosts and the file host received (controls excluded), oldest first. */
	get requests(): LogEntry[] {
		return this.log.entries;
	}

	/** fal webhooks and Runflow callbacks sent, with each attempt. */
	get deliveries(): DeliveryRecord[] {
		return this.ctx.deliveries.records;
	}

	/** Waits until no webhook/callback delivery is in progress. */
	settleDeliveries(): Promise<void> {
		return this.ctx.deliveries.settled();
	}

	/** Serves bytes on the file host (survives reset()); returns the public URL. */
	hostImage(bytes: Buffer, contentType: string, name?: string): string {
		const ext = contentType.split('/')[1]?.split(/[;+]/)[0] || 'bin';
		return this.ctx.files.put(bytes, contentType, name ?? `image.${ext}`, true);
	}

	stats() {
		return { ...this.ctx.jobs.stats(), routes: this.log.counts(), peakOpen: this.log.peakOpen(), openNow: this.log.openNowByRoute(), storedFiles: this.ctx.files.size, statusRequests: this.statusRequests() };
	}

	/** Status polls and status streams per job, by provider, from the request log (since the last reset/clearLog). */
	statusRequests(): Record<Provider, StatusRequestCount> {
		const perJob: Record<Provider, Map<string, number>> = { fal: new Map(), runflow: new Map() };
		const counts = { fal: { polls: 0, streams: 0 }, runflow: { polls: 0, streams: 0 } };
		for (const entry of this.log.entries) {
			const kind = STATUS_ROUTES[entry.route ?? ''];
			const id = kind && /\/(?:requests|runs)\/([^/?]+)/.exec(entry.url)?.[1];
			if (!kind || !id) continue;
			counts[kind.provider][kind.counts]++;
			perJob[kind.provider].set(id, (perJob[kind.provider].get(id) ?? 0) + 1);
		}
		const summary = (provider: Provider): StatusRequestCount => {
			const jobs = perJob[provider].size;
			const total = counts[provider].polls + counts[provider].streams;
			return { jobs, ...counts[provider], perJob: jobs ? Math.round((total / jobs) * 100) / 100 : 0, maxPerJob: Math.max(0, ...perJob[provider].values()) };
		};
		return { fal: summary('fal'), runflow: summary('runflow') };
	}

	/** Peaks restart from what is in flight now; per-route and per-job counters restart at 0. */
	resetStats(): void {
		this.ctx.jobs.resetStats();
		this.log.resetCounts();
	}

	clearLog(): void {
		this.log.clear();
	}

	/** Masks at this size from now on (undefined: the input's size again). */
	setMaskSize(size?: MaskSize): void {
		if (size && !(Number.isInteger(size.width) && Number.isInteger(size.height) && size.width > 0 && size.height > 0)) {
			throw new Error(`mask size must be positive whole pixels, not ${JSON.stringify(size)}`);
		}
		this.ctx.render.maskSize = size;
	}

	get maskSize(): MaskSize | undefined {
		return this.ctx.render.maskSize;
	}

	/** The 3D endpoints' large-file switches from now on (undefined: modest files again); see Large3dOutputs. */
	setLarge3dOutputs(large?: Large3dOutputs): void {
		this.ctx.render.large3d = checkLarge3dOutputs(large);
	}

	get large3dOutputs(): Large3dOutputs | undefined {
		return this.ctx.render.large3d;
	}

	/** How Runflow runs created from now on lay out their output (undefined: the default layout); see runflow-routes.ts. */
	setRunflowOutput(options?: Partial<RunflowOutputOptions>): void {
		this.ctx.render.runflowOutput = checkRunflowOutputOptions(options);
	}

	get runflowOutput(): RunflowOutputOptions | undefined {
		return this.ctx.render.runflowOutput;
	}

	/** Drops jobs (no further callbacks), faults, scripts, the log, deliveries and generated files; masks at the started size again. */
	reset(): void {
		this.ctx.render.maskSize = this.defaultMaskSize;
		this.ctx.render.large3d = undefined;
		this.ctx.render.runflowOutput = undefined;
		this.ctx.jobs.reset();
		this.faults.clear();
		this.log.clear();
		this.ctx.deliveries.clear();
		this.ctx.files.clear();
	}

	async close(): Promise<void> {
		this.ctx.jobs.reset();
		await this.server.close();
	}

	banner(): string {
		return [
			'n8n-nodes-sam3 provider emulator: a TEST DOUBLE for development only (not fal.ai, not Runflow, no real model).',
			`  fal sync    ${this.falRunUrl}`,
			`  fal queue   ${this.falQueueUrl}`,
			`  fal rest    ${this.falRestUrl}`,
			`  runflow     ${this.runflowUrl}`,
			`  files       ${this.filesUrl}`,
			`  controls    ${this.controlUrl}`,
			`  fal keys      ${this.keys.allFal.join(', ')}`,
			`  runflow keys  ${this.keys.allRunflow.join(', ')}`,
		].join('\n');
	}
}

const STATUS_ROUTES: Record<string, { provider: Provider; counts: 'polls' | 'streams' }> = {
	'fal.status': { provider: 'fal', counts: 'polls' },
	'fal.status.stream': { provider: 'fal', counts: 'streams' },
	'runflow.get': { provider: 'runflow', counts: 'polls' },
};

function definedOnly<T extends object>(value: T): Partial<T> {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const log = new RequestLog();
	const parts: ServerParts = { hosts: {}, control: async () => ({ status: 503 }), log, faults: new FaultRegistry() };
	const server = await startServer(parts, options.port ?? 0, '127.0.0.1');
	const base = `http://127.0.0.1:${server.port}`;
	const urls: EmulatorUrls = {
		base,
		falRun: `${base}/fal-run`,
		falQueue: `${base}/fal-queue`,
		falRest: `${base}/fal-rest`,
		runflow: `${base}/runflow`,
		files: `http://localhost:${server.port}/files`,
		control: `${base}/__emulator`,
	};
	const ctx: EmulatorContext = {
		urls,
		keys: { fal: options.falKeys?.length ? options.falKeys : [DEFAULT_FAL_KEY], runflow: options.runflowKeys?.length ? options.runflowKeys : [DEFAULT_RUNFLOW_KEY] },
		runflowSigningSecret: options.runflowSigningSecret,
		jobs: new JobManager({ ...DEFAULT_TIMING, ...definedOnly(options.defaults ?? {}) }, options.concurrency),
		files: new FileStore(urls.files),
		deliveries: new DeliveryLog(options.callbackBackoffMs),
		render: { maskSize: options.maskSize },
	};
	const emulator = new Emulator(server.port, urls, ctx, log, server, options.maskSize);
	parts.faults = emulator.faults;
	parts.hosts = {
		'fal-run': falRunHost(ctx),
		'fal-queue': falQueueHost(ctx),
		'fal-rest': falRestHost(ctx),
		runflow: runflowHost(ctx),
		files: ctx.files.host(),
	};
	parts.control = controlRoutes(emulator);
	return emulator;
}
