/**
 * Replay: the emulator answers a job with a recorded real answer (test/live/recorded/…, written by
 * `npm run verify:live`), so a shape a provider really sent becomes a test case. The recorded answer is kept as it
 * came; its redacted links (`https://v3b.fal.media/<redacted>.png`) are swapped for files on the emulator's file
 * host of the recorded kind: a picture at the width × height beside it (or the input's size), a clip, a zip, or
 * placeholder bytes for other types. Uses the public controls only (jobs.script, hostImage).
 */
import sharp from 'sharp';

import { writeGlb } from './glb';
import type { Emulator } from './index';
import { writeSplatPly } from './ply';
import type { JobMatchContext, Provider } from './types';
import { makeTestVideo } from './video-fixture';
import { writeZip } from './zip';

export interface ReplayedAnswer {
	provider: Provider;
	/** fal: the result body (queue result or sync answer); Runflow: the succeeded run's `output`. */
	result: unknown;
	/** The input's size: pictures and clips without their own width/height get it. */
	input: { width: number; height: number; frames?: number };
}

export interface ReplayOptions {
	/** Only jobs whose input has this field (`image_url`, `video_url`); default any job of the provider. */
	mediaField?: string;
	/** How many jobs get the answer (default: every matching job). */
	times?: number;
}

const REDACTED = /^(https?):\/\/[^/\s]+\/<redacted(?:-\d+)?>(?:\.([a-z0-9]{1,5}))?$/i;

const TYPES: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	mp4: 'video/mp4',
	webm: 'video/webm',
	zip: 'application/zip',
	glb: 'model/gltf-binary',
	ply: 'application/octet-stream',
};

async function fileFor(extension: string, size: { width: number; height: number; frames: number }): Promise<Buffer> {
	const { width, height } = size;
	if (extension === 'png' || extension === 'jpg' || extension === 'jpeg' || extension === 'webp') {
		const picture = sharp({ create: { width, height, channels: 3, background: { r: 40, g: 40, b: 40 } } });
		return await (extension === 'png' ? picture.png() : extension === 'webp' ? picture.webp() : picture.jpeg()).toBuffer();
	}
	if (extension === 'mp4' || extension === 'webm') return await makeTestVideo({ width, height, frames: size.frames, container: extension });
	if (extension === 'zip') return writeZip([{ name: 'replayed.txt', data: Buffer.from('a replayed answer\n') }]);
	// 3D answers: a valid one-box GLB and a one-splat PLY (a client checks what it downloads is a model).
	if (extension === 'glb') return writeGlb([{ name: 'replayed', half: [0.5, 0.5, 0.5], color: [0.5, 0.5, 0.5] }]);
	if (extension === 'ply') return writeSplatPly([]);
	return Buffer.from(`replayed ${extension || 'file'}\n`);
}

/** The recorded answer with every redacted link replaced by a working file on the emulator. */
async function withHostedFiles(
	emulator: Emulator,
	value: unknown,
	input: ReplayedAnswer['input'],
	hosted: Map<string, Promise<string>>,
	owner?: Record<string, unknown>,
): Promise<unknown> {
	if (typeof value === 'string') {
		const match = REDACTED.exec(value);
		if (!match) return value;
		// A numbered link named twice in the answer is one file, replayed as one (`<redacted>` alone is always new).
		const numbered = /<redacted-\d+>/.test(value);
		if (numbered && hosted.has(value)) return await hosted.get(value);
		const hosting = hostFile(emulator, match, input, owner);
		if (numbered) hosted.set(value, hosting);
		return await hosting;
	}
	if (Array.isArray(value)) return await Promise.all(value.map(async (entry) => await withHostedFiles(emulator, entry, input, hosted)));
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		const entries = await Promise.all(Object.entries(record).map(async ([key, entry]) => [key, await withHostedFiles(emulator, entry, input, hosted, record)] as const));
		return Object.fromEntries(entries);
	}
	return value;
}

async function hostFile(emulator: Emulator, match: RegExpExecArray, input: ReplayedAnswer['input'], owner?: Record<string, unknown>): Promise<string> {
	const extension = (match[2] ?? '').toLowerCase();
	const width = Number(owner?.width) || input.width;
	const height = Number(owner?.height) || input.height;
	const bytes = await fileFor(extension, { width, height, frames: input.frames ?? 3 });
	return emulator.hostImage(bytes, TYPES[extension] ?? 'application/octet-stream', `replayed.${extension || 'bin'}`);
}

/** Makes the emulator answer matching jobs with the recorded answer; returns the script rule's id. */
export async function replayAnswer(emulator: Emulator, answer: ReplayedAnswer, options: ReplayOptions = {}): Promise<string> {
	const body = await withHostedFiles(emulator, answer.result, answer.input, new Map());
	// The job's input is the model input on both providers (Runflow's `input`, fal's body).
	const hasMedia = (ctx: JobMatchContext) => !options.mediaField || (typeof ctx.input === 'object' && ctx.input !== null && options.mediaField in ctx.input);
	return emulator.jobs.script({
		match: { provider: answer.provider, predicate: hasMedia },
		...(options.times !== undefined ? { times: options.times } : {}),
		resultBody: body,
	});
}
