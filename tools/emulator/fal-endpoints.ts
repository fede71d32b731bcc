/**
 * The fal endpoints the emulator speaks (images: fal-shared.ts's table; videos: video-schema.ts; per-object
 * tracks: video-rle-objects; 3D: three-d-schema.ts, three-d-objects.ts, three-d-body.ts), each with its queue app root (status, result and cancel live under the
 * app only: `fal-ai/sam-3` or `fal-ai/sam-3-1`, sam3-family.md §9), how it validates its input and what its
 * model does. Submit (queue) and sync (fal.run) take the full endpoint id.
 */
import type { EmulatorContext } from './context';
import { FAL_IMAGE_ENDPOINTS, endpointInput, falWork, issueFailure } from './fal-shared';
import type { WorkResult } from './jobs';
import { validateSam3Input, type FieldIssue } from './schema';
import { runSam3dAlign, runSam3dBody } from './three-d-body';
import { runSam3dObjects } from './three-d-objects';
import type { ThreeDResult } from './three-d-shared';
import { type AlignInput, type BodyInput, type ObjectsInput, THREE_D_SCHEMAS, type ThreeDEndpoint, validateThreeDInput } from './three-d-schema';
import { runSam3Video, runSam3VideoObjects } from './video-inference';
import { VIDEO_OBJECTS_ENDPOINT, VIDEO_SCHEMAS, type VideoEndpoint, validateVideoInput, validateVideoObjectsInput } from './video-schema';

export interface FalEndpoint {
	id: string;
	app: string;
	/** The input as the endpoint's schema reads it (SAM 3.1 image has no text_prompt: one sent is not seen). */
	input(raw: unknown): unknown;
	/** Checked up front by a sync call; a queued job is checked when it runs (its result answers 422). */
	validate(input: unknown): { ok: true } | { ok: false; issues: FieldIssue[] };
	work(ctx: EmulatorContext, input: unknown): Promise<WorkResult>;
}

async function videoWork(ctx: EmulatorContext, endpoint: VideoEndpoint, input: unknown): Promise<WorkResult> {
	const validation = validateVideoInput(endpoint, input);
	if (!validation.ok) return { ok: false, failure: issueFailure(validation.issues, 'Unprocessable Entity: invalid input', 'validation_error') };
	const result = await runSam3Video(endpoint, validation.value, ctx.files);
	if (result.ok) return result;
	return { ok: false, failure: issueFailure([{ path: [result.field], msg: result.message, type: result.errorType }], result.message, result.errorType) };
}

const invalid = (issues: FieldIssue[]): WorkResult => ({ ok: false, failure: issueFailure(issues, 'Unprocessable Entity: invalid input', 'validation_error') });

async function videoObjectsWork(ctx: EmulatorContext, input: unknown): Promise<WorkResult> {
	const validation = validateVideoObjectsInput(input);
	if (!validation.ok) return invalid(validation.issues);
	const result = await runSam3VideoObjects(validation.value, ctx.files);
	if (result.ok) return result;
	return { ok: false, failure: issueFailure([{ path: [result.field], msg: result.message, type: result.errorType }], result.message, result.errorType) };
}

const THREE_D_RUNNERS: Record<ThreeDEndpoint, (ctx: EmulatorContext, input: unknown) => Promise<ThreeDResult>> = {
	'fal-ai/sam-3/3d-objects': (ctx, input) => runSam3dObjects(input as ObjectsInput, ctx.files, ctx.render.large3d),
	'fal-ai/sam-3/3d-body': (ctx, input) => runSam3dBody(input as BodyInput, ctx.files, ctx.render.large3d),
	'fal-ai/sam-3/3d-align': (ctx, input) => runSam3dAlign(input as AlignInput, ctx.files, ctx.render.large3d),
};

async function threeDWork(ctx: EmulatorContext, endpoint: ThreeDEndpoint, input: unknown): Promise<WorkResult> {
	const validation = validateThreeDInput(endpoint, input);
	if (!validation.ok) return invalid(validation.issues);
	const result = await THREE_D_RUNNERS[endpoint](ctx, validation.value);
	if (result.ok) return result;
	return { ok: false, failure: issueFailure([result.issue], result.issue.msg, result.issue.type) };
}

const images: FalEndpoint[] = Object.entries(FAL_IMAGE_ENDPOINTS).map(([id, endpoint]) => ({
	id,
	app: endpoint.app,
	input: (raw) => endpointInput(endpoint, raw),
	validate: (input) => validateSam3Input(endpointInput(endpoint, input)),
	work: (ctx, input) => falWork(ctx, input, endpoint),
}));

const videos: FalEndpoint[] = (Object.keys(VIDEO_SCHEMAS) as VideoEndpoint[]).map((id) => ({
	id,
	app: id.split('/').slice(0, 2).join('/'),
	input: (raw) => raw,
	validate: (input) => validateVideoInput(id, input),
	work: (ctx, input) => videoWork(ctx, id, input),
}));

const videoObjects: FalEndpoint = {
	id: VIDEO_OBJECTS_ENDPOINT,
	app: 'fal-ai/sam-3',
	input: (raw) => raw,
	validate: (input) => validateVideoObjectsInput(input),
	work: (ctx, input) => videoObjectsWork(ctx, input),
};

const threeD: FalEndpoint[] = (Object.keys(THREE_D_SCHEMAS) as ThreeDEndpoint[]).map((id) => ({
	id,
	app: 'fal-ai/sam-3',
	input: (raw) => raw,
	validate: (input) => validateThreeDInput(id, input),
	work: (ctx, input) => threeDWork(ctx, id, input),
}));

export const FAL_ENDPOINTS: FalEndpoint[] = [...images, ...videos, videoObjects, ...threeD];

/** The endpoint a submit or sync path (`/fal-ai/sam-3/image`) names, if the emulator speaks it. */
export function falEndpointAt(path: string): FalEndpoint | undefined {
	return FAL_ENDPOINTS.find((endpoint) => path === `/${endpoint.id}`);
}

/** The queue app roots: `fal-ai/sam-3`, `fal-ai/sam-3-1`. */
export const FAL_APPS = [...new Set(FAL_ENDPOINTS.map((endpoint) => endpoint.app))];
