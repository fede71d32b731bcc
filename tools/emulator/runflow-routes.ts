/**
 * Runflow's API host (`/runflow/v1/…`): runs of `meta/sam-3/image`, polled by id, callbacks at a terminal
 * state, asset uploads. Errors use Runflow's envelope `{code, message, errors}`.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { headerValue, type EmulatorContext } from './context';
import { promptOf } from './fal-shared';
import { runSam3, type ImageFile, type Sam3Output } from './inference';
import { isTerminal, resultBodyOf, type Job, type WorkResult } from './jobs';
import { effectivePrompt, isFetchableImageUrl, validateSam3Input, type Sam3Input } from './schema';
import type { VirtualHostModule } from './server';
import type { IncomingCall, Reply } from './types';
import { validateAssetRequest, validateRunRequest, type RunflowFieldError } from './runflow-validation';
import { writeZip } from './zip';

export const RUNFLOW_MODEL = 'meta/sam-3/image';
const PRICE_PER_IMAGE = 0.005;
const MAX_ASSET_BYTES = 50 * 1024 * 1024;

export const envelope = (status: number, code: string, message: string, errors: RunflowFieldError[] | null = null): Reply => ({
	status,
	body: { code, message, errors },
});

function checkBearer(ctx: EmulatorContext, call: IncomingCall): Reply | undefined {
	const match = /^Bearer (.+)$/.exec(headerValue(call.headers, 'authorization') ?? '');
	if (match && ctx.keys.runflow.includes(match[1])) return undefined;
	return envelope(401, 'UNAUTHORIZED', 'Invalid or missing API key');
}

const isJsonObject = (call: IncomingCall) => typeof call.json === 'object' && call.json !== null && !Array.isArray(call.json);

const iso = (ms?: number) => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * How a succeeded run's `output` is laid out. Runflow's page (seeds/003) names only the two containers: `outputs`,
 * "one entry per generated artifact with url/type/width/height/duration/etc.", and `model_data`, "model-specific
 * extra fields (prompt, description, actual_prompt, masks, etc.)". No real run of meta/sam-3/image is on record,
 * so BOTH layouts are assumptions that fit that wording (issue 33):
 * - 'masks-in-outputs' (the default, what the emulator always answered): one `outputs` entry per mask, and
 *   `model_data` = fal's whole answer (masks, image, metadata, scores, boxes).
 * - 'preview-in-outputs': the Apply Mask preview is `outputs[0]` (no entry without a preview), and `model_data`
 *   holds the masks and the other model fields (metadata, scores, boxes, actual_prompt) but no `image`.
 * `extraArtifact` appends one more artifact to `outputs[]` in either layout: a zip of the masks, `type: 'file'`
 * (the type name is assumed too), for clients that must carry every reported file.
 */
export type RunflowOutputShape = 'masks-in-outputs' | 'preview-in-outputs';
export const RUNFLOW_OUTPUT_SHAPES: RunflowOutputShape[] = ['masks-in-outputs', 'preview-in-outputs'];

export interface RunflowOutputOptions {
	shape: RunflowOutputShape;
	extraArtifact?: boolean;
}

export function checkRunflowOutputOptions(options?: Partial<RunflowOutputOptions>): RunflowOutputOptions | undefined {
	if (!options) return undefined;
	const shape = options.shape ?? 'masks-in-outputs';
	if (!RUNFLOW_OUTPUT_SHAPES.includes(shape)) throw new Error(`shape must be one of ${RUNFLOW_OUTPUT_SHAPES.join(', ')}, not ${JSON.stringify(shape)}`);
	if (options.extraArtifact !== undefined && typeof options.extraArtifact !== 'boolean') throw new Error('extraArtifact must be true or false');
	return { shape, extraArtifact: options.extraArtifact ?? false };
}

interface RunflowArtifact {
	type: string;
	url: string;
	content_type: string;
	file_name: string;
	file_size: number;
	width?: number;
	height?: number;
}

const imageArtifact = (file: ImageFile): RunflowArtifact => ({
	type: 'image',
	url: file.url,
	width: file.width,
	height: file.height,
	content_type: file.content_type,
	file_name: file.file_name,
	...(file.file_size !== undefined && { file_size: file.file_size }),
}) as RunflowArtifact;

/** The normalized payload, laid out as the run's options say (see RunflowOutputShape). */
export function runflowOutput(output: Sam3Output, inferenceMs: number, options: RunflowOutputOptions = { shape: 'masks-in-outputs' }, extra?: RunflowArtifact, actualPrompt?: string) {
	const common = { nsfw_detected: false, seed: null, timing: { inference_ms: inferenceMs } };
	const more = extra ? [extra] : [];
	if (options.shape === 'preview-in-outputs') {
		const { image, ...modelData } = output;
		return {
			outputs: [...(image ? [imageArtifact(image)] : []), ...more],
			model_data: { ...modelData, ...(actualPrompt !== undefined && { actual_prompt: actualPrompt }) },
			...common,
		};
	}
	return {
		outputs: [...output.masks.map((m) => ({ type: 'image', url: m.url, width: m.width, height: m.height, content_type: m.content_type })), ...more],
		model_data: output,
		...common,
	};
}

function runObject(job: Job) {
	const terminal = isTerminal(job);
	const succeeded = job.state === 'succeeded' && job.output;
	return {
		id: job.id,
		status_code: job.state === 'cancelled' ? 'canceled' : job.state,
		model_id: RUNFLOW_MODEL,
		input: job.input,
		// Runflow runs only meta/sam-3/image: its jobs always hold the file output.
		output: succeeded
			? resultBodyOf(
					job,
					runflowOutput(job.output as Sam3Output, job.inferenceMs ?? 0, job.extra.outputOptions as RunflowOutputOptions | undefined, job.extra.extraArtifact as RunflowArtifact | undefined, job.extra.actualPrompt as string | undefined),
				)
			: null,
		duration_ms: terminal && job.completedAt ? job.completedAt - job.createdAt : null,
		cost: succeeded ? PRICE_PER_IMAGE : null,
		client_ref: job.extra.client_ref ?? null,
		created_at: iso(job.createdAt),
		started_at: iso(job.startedAt),
		completed_at: iso(job.completedAt),
		callback_url: job.extra.callback_url ?? null,
		metadata: job.extra.metadata ?? null,
		failure_code: job.failure?.failureCode ?? null,
		failure_message: job.failure?.message ?? null,
		failure_stage_code: job.failure?.failureStage ?? null,
	};
}

function sendCallback(ctx: EmulatorContext, job: Job): void {
	const url = job.extra.callback_url as string | undefined;
	if (!url) return;
	const run = runObject(job);
	const event = job.state === 'succeeded' ? 'run.completed' : job.state === 'cancelled' ? 'run.cancelled' : 'run.failed';
	const body = JSON.stringify({
		event,
		run_id: job.id,
		status: job.state,
		output: run.output,
		duration_ms: run.duration_ms,
		created_at: run.created_at,
		completed_at: run.completed_at,
		metadata: run.metadata,
	});
	const headers: Record<string, string> = { 'Runflow-Request-Id': randomUUID() };
	if (ctx.runflowSigningSecret) headers['Runflow-Signature'] = createHmac('sha256', ctx.runflowSigningSecret).update(body).digest('hex');
	ctx.deliveries.send('runflow.callback', url, job.id, headers, body);
}

/** A zip of the run's masks, stored once per run: the extra artifact of RunflowOutputOptions. */
async function masksZip(ctx: EmulatorContext, output: Sam3Output): Promise<RunflowArtifact> {
	const entries = await Promise.all(
		output.masks.map(async (mask, index) => {
			const id = new URL(mask.url).pathname.split('/').at(-2) ?? '';
			return { name: `mask_${index}.${mask.file_name.split('.').pop()}`, data: (await ctx.files.read(id))?.bytes ?? Buffer.alloc(0) };
		}),
	);
	const bytes = writeZip(entries);
	const url = ctx.files.put(bytes, 'application/zip', 'masks.zip');
	return { type: 'file', url, content_type: 'application/zip', file_name: 'masks.zip', file_size: bytes.length };
}

async function work(ctx: EmulatorContext, input: Sam3Input, job: Job): Promise<WorkResult> {
	const result = await runSam3(input, ctx.files, ctx.render);
	if (result.ok) {
		const options = job.extra.outputOptions as RunflowOutputOptions | undefined;
		if (options?.extraArtifact) job.extra.extraArtifact = await masksZip(ctx, result.output as Sam3Output);
		return result;
	}
	const failure = { message: result.message, errorType: result.errorType, status: 422, failureCode: 'INVALID_INPUT', failureStage: 'preprocessing' };
	return { ok: false, failure };
}

async function createRun(ctx: EmulatorContext, call: IncomingCall): Promise<Reply> {
	const denied = checkBearer(ctx, call);
	if (denied) return denied;
	if (!isJsonObject(call)) return envelope(400, 'BAD_REQUEST', 'The request body must be a JSON object');
	const errors = validateRunRequest(call.json);
	const body = call.json as Record<string, unknown>;
	const validation = validateSam3Input(body.input);
	if (!validation.ok && errors.every((e) => e.field !== 'input')) {
		errors.push(...validation.issues.map((i) => ({ field: ['input', ...i.path].join('.'), message: i.msg, code: i.type })));
	}
	const imageUrl = (body.input as Record<string, unknown> | undefined)?.image_url;
	if (typeof imageUrl === 'string' && !isFetchableImageUrl(imageUrl)) {
		errors.push({ field: 'input.image_url', message: 'Must be an http(s) URL or a data: URI', code: 'invalid_url' });
	}
	if (errors.length || !validation.ok) return envelope(422, 'VALIDATION_ERROR', 'The request is invalid', errors);
	const job = ctx.jobs.create({
		provider: 'runflow',
		mode: 'run',
		input: body.input,
		prompt: promptOf(body.input),
		extra: {
			callback_url: body.callback_url ?? undefined,
			metadata: body.metadata ?? undefined,
			client_ref: body.client_ref ?? undefined,
			// The layout in force when the run was created: one run answers one way on every poll.
			outputOptions: ctx.render.runflowOutput,
			actualPrompt: effectivePrompt(validation.value),
		},
		work: (job) => work(ctx, validation.value, job),
		onTerminal: (done) => sendCallback(ctx, done),
	});
	return { status: 201, body: runObject(job) };
}

async function getRun(ctx: EmulatorContext, call: IncomingCall, id: string): Promise<Reply> {
	const denied = checkBearer(ctx, call);
	if (denied) return denied;
	const job = ctx.jobs.get(id);
	if (!job || job.provider !== 'runflow') return envelope(404, 'RUN_NOT_FOUND', `Run ${id} not found`);
	return { status: 200, body: runObject(job) };
}

async function createAsset(ctx: EmulatorContext, call: IncomingCall): Promise<Reply> {
	const denied = checkBearer(ctx, call);
	if (denied) return denied;
	if (!isJsonObject(call)) return envelope(400, 'BAD_REQUEST', 'The request body must be a JSON object');
	const errors = validateAssetRequest(call.json, MAX_ASSET_BYTES);
	if (errors.length) return envelope(422, 'VALIDATION_ERROR', 'The request is invalid', errors);
	const { filename, mime_type } = call.json as { filename: string; mime_type: string };
	const upload = ctx.files.createUpload(mime_type, filename);
	return { status: 201, body: { asset_id: upload.token, upload_url: upload.uploadUrl } };
}

async function confirmAsset(ctx: EmulatorContext, call: IncomingCall, id: string): Promise<Reply> {
	const denied = checkBearer(ctx, call);
	if (denied) return denied;
	const upload = ctx.files.findUpload((u) => u.token === id);
	if (!upload) return envelope(404, 'NOT_FOUND', `Asset upload ${id} not found`);
	if (!upload.received) return envelope(409, 'CONFLICT', 'No file was uploaded to this asset upload yet');
	return { status: 200, body: { id, url: upload.fileUrl } };
}

const ASSET_CONFIRM = /^\/v1\/asset-uploads\/([^/]+)\/confirmations$/;
const RUN_PATH = /^\/v1\/runs\/([^/]+)$/;

export function runflowHost(ctx: EmulatorContext): VirtualHostModule {
	return {
		resolve: (call) => {
			const { method, path } = call;
			if (method === 'POST' && path === `/v1/models/${RUNFLOW_MODEL}/runs`) return { name: 'runflow.create', handle: (c) => createRun(ctx, c) };
			const run = RUN_PATH.exec(path);
			if (method === 'GET' && run) return { name: 'runflow.get', handle: (c) => getRun(ctx, c, run[1]) };
			if (method === 'POST' && path === '/v1/asset-uploads') return { name: 'runflow.asset.create', handle: (c) => createAsset(ctx, c) };
			const confirm = ASSET_CONFIRM.exec(path);
			if (method === 'POST' && confirm) return { name: 'runflow.asset.confirm', handle: (c) => confirmAsset(ctx, c, confirm[1]) };
			return undefined;
		},
		notFound: (call) => envelope(404, 'NOT_FOUND', `No route ${call.method} ${call.path}`),
	};
}
