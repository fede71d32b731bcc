/**
 * `/__emulator/…`: the programmatic controls over HTTP, for out-of-process users (real-n8n e2e tests).
 *   GET  info                      urls and valid keys
 *   GET|POST|DELETE faults         list / add {route, fault, times?, after?} -> {id} / clear
 *   GET|POST|DELETE scripts        list / add {match?:{provider?, prompt?, promptPattern?}, latencyMs?, queueMs?,
 *                                  dispatchMs?, outcome?, times?} -> {id} / clear
 *   PUT  defaults                  {latencyMs?, queueMs?, dispatchMs?} -> the defaults now in force
 *   GET|DELETE log                 ?since=<seq>&route=<name>&vhost=<host> -> entries / clear
 *   GET  deliveries                webhooks and callbacks sent, with their attempts
 *   GET  stats, POST stats/reset   in-flight / peak / per-route counts / status requests per job (polls + streams)
 *   GET  jobs, GET jobs/{id}       job summaries
 *   POST images?name=<file name>   raw body + Content-Type -> {url} on the file host
 *   PUT|DELETE masks               {width, height}: masks drawn at that size instead of the input's / back to the input's
 *   PUT|DELETE outputs-3d          {splatBytes?, glbBytes?, declaredFileSize?}: 3D endpoints answer big (valid) files or
 *                                  declare a size / back to modest files (three-d-shared.ts Large3dOutputs)
 *   PUT|DELETE runflow-shape       {shape: 'masks-in-outputs' | 'preview-in-outputs', extraArtifact?}: how a Runflow run's
 *                                  output is laid out / back to the default (runflow-routes.ts)
 *   POST reset                     drop jobs, faults, scripts, log, deliveries, generated files
 */
import type { Emulator } from './index';
import type { RunflowOutputOptions } from './runflow-routes';
import type { Large3dOutputs } from './three-d-shared';
import type { FaultRule, IncomingCall, Provider, Reply, ScriptRule } from './types';

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const bad = (message: string, status = 400): Reply => ({ status, body: { error: message } });

function scriptFromJson(json: Record<string, unknown>): ScriptRule {
	const match = (json.match ?? undefined) as Record<string, unknown> | undefined;
	const rule = { ...json } as ScriptRule;
	if (match) {
		rule.match = {
			provider: match.provider as Provider | undefined,
			prompt: typeof match.promptPattern === 'string' ? new RegExp(match.promptPattern) : (match.prompt as string | undefined),
		};
	}
	return rule;
}

function jobSummary(emulator: Emulator, id: string) {
	const job = emulator.jobs.get(id);
	if (!job) return undefined;
	const { finished: _finished, extra, ...rest } = job;
	return { ...rest, extra };
}

export function controlRoutes(emulator: Emulator): (call: IncomingCall) => Promise<Reply> {
	return async (call) => {
		const parts = call.path.split('/').filter(Boolean);
		const [area, sub] = parts;
		const json = (call.json ?? {}) as Record<string, unknown>;
		const key = `${call.method} ${area ?? ''}${sub && !['jobs'].includes(area) ? '/' + sub : ''}`;
		try {
			switch (key) {
				case 'GET info':
					return ok({ urls: emulator.urls, keys: emulator.keys, testDouble: true });
				case 'GET faults':
					return ok(emulator.faults.list());
				case 'POST faults':
					return ok({ id: emulator.faults.add(json as unknown as FaultRule) }, 201);
				case 'DELETE faults':
					emulator.faults.clear();
					return ok({ cleared: true });
				case 'GET scripts':
					return ok(emulator.jobs.scripts.list().map((r) => ({ ...r, match: r.match && { ...r.match, prompt: String(r.match.prompt ?? '') } })));
				case 'POST scripts':
					return ok({ id: emulator.jobs.script(scriptFromJson(json)) }, 201);
				case 'DELETE scripts':
					emulator.jobs.clearScripts();
					return ok({ cleared: true });
				case 'PUT masks':
					emulator.setMaskSize({ width: Number(json.width), height: Number(json.height) });
					return ok({ maskSize: emulator.maskSize });
				case 'DELETE masks':
					emulator.setMaskSize(undefined);
					return ok({ maskSize: null });
				case 'PUT outputs-3d':
					emulator.setLarge3dOutputs(json as Large3dOutputs);
					return ok({ outputs3d: emulator.large3dOutputs });
				case 'DELETE outputs-3d':
					emulator.setLarge3dOutputs(undefined);
					return ok({ outputs3d: null });
				case 'PUT runflow-shape':
					emulator.setRunflowOutput(json as Partial<RunflowOutputOptions>);
					return ok({ runflowOutput: emulator.runflowOutput });
				case 'DELETE runflow-shape':
					emulator.setRunflowOutput(undefined);
					return ok({ runflowOutput: null });
				case 'PUT defaults':
					return ok(emulator.jobs.setDefaults(json));
				case 'GET log': {
					const since = Number(call.url.searchParams.get('since') ?? 0);
					const route = call.url.searchParams.get('route');
					const vhost = call.url.searchParams.get('vhost');
					return ok(emulator.requests.filter((e) => e.seq > since && (!route || e.route === route) && (!vhost || e.vhost === vhost)));
				}
				case 'DELETE log':
					emulator.clearLog();
					return ok({ cleared: true });
				case 'GET deliveries':
					return ok(emulator.deliveries);
				case 'GET stats':
					return ok(emulator.stats());
				case 'POST stats/reset':
					emulator.resetStats();
					return ok(emulator.stats());
				case 'GET jobs':
					return ok(sub ? (jobSummary(emulator, sub) ?? null) : emulator.jobs.list().map((j) => jobSummary(emulator, j.id)));
				case 'POST images': {
					const contentType = String(call.headers['content-type'] ?? 'application/octet-stream');
					const name = call.url.searchParams.get('name') ?? undefined;
					return ok({ url: emulator.hostImage(call.rawBody, contentType, name) }, 201);
				}
				case 'POST reset':
					emulator.reset();
					return ok({ reset: true });
				default:
					return bad(`Unknown control ${call.method} /__emulator${call.path}`, 404);
			}
		} catch (error) {
			return bad((error as Error).message);
		}
	};
}
