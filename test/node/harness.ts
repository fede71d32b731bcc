/**
 * What the SAM 3 node tests share: an emulator per test file, and readers of the emulator's request log
 * (what reached the wire is what a user's provider account sees).
 */
import { useEmulator as useFileEmulator } from '../emulator/use-emulator';
import type { INodeExecutionData } from 'n8n-workflow';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

import type { EmulatorOptions, LogEntry, RouteName } from '../emulator';
import { decodeMask, whiteBox } from '../emulator/test-helpers';
import { type Emulator, type Provider } from './fixture';

/** Starts one emulator for the test file (short latencies), resets it after each test. */
export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
	return useFileEmulator({ ...options, defaults: { latencyMs: 30, queueMs: 20, dispatchMs: 10, ...options.defaults } });
}

export const LABEL: Record<Provider, string> = { falApi: 'fal.ai', runflowApi: 'Runflow' };

/** The routes a provider's job submit can take. */
const SUBMIT_ROUTES: RouteName[] = ['fal.submit', 'fal.sync', 'runflow.create'];

export function entries(emulator: Emulator, route: RouteName): LogEntry[] {
	return emulator.requests.filter((entry) => entry.route === route);
}

/** Route names in the order the requests arrived. */
export function routeSequence(emulator: Emulator): Array<RouteName | null> {
	return emulator.requests.map((entry) => entry.route);
}

export function submitEntries(emulator: Emulator): LogEntry[] {
	return emulator.requests.filter((entry) => entry.route !== null && SUBMIT_ROUTES.includes(entry.route));
}

/** The one submit of a single-item run. */
export function onlySubmit(emulator: Emulator): LogEntry {
	const submits = submitEntries(emulator);
	expect(submits).toHaveLength(1);
	return submits[0];
}

/** The model input as sent: fal's body is the input, Runflow's sits under `input`. */
export function sentInput(entry: LogEntry, provider: Provider): Record<string, unknown> {
	const body = entry.body as Record<string, unknown>;
	return (provider === 'runflowApi' ? body.input : body) as Record<string, unknown>;
}

/** The model input the emulator received for its jobs, oldest first (works for bodies too large to log). */
export function jobInputs(emulator: Emulator): Array<Record<string, unknown>> {
	return emulator.jobs
		.list()
		.sort((a, b) => a.createdAt - b.createdAt)
		.map((job) => job.input as Record<string, unknown>);
}

export function header(entry: LogEntry, name: string): string | undefined {
	const value = entry.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

export function hostImage(emulator: Emulator, bytes: Buffer, format: 'png' | 'jpeg' = 'png', name?: string): string {
	return emulator.hostImage(bytes, `image/${format}`, name ?? `photo.${format === 'jpeg' ? 'jpg' : 'png'}`);
}

/**
 * A valid PNG of exactly `totalBytes`: a small image plus a private ancillary chunk of padding (decoders skip it),
 * to probe size thresholds byte-exactly.
 */
export async function pngOfSize(totalBytes: number, width = 64, height = 48): Promise<Buffer> {
	const png = await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
		.png()
		.toBuffer();
	const iendStart = png.length - 12;
	const chunkOverhead = 12;
	const padding = totalBytes - png.length - chunkOverhead;
	if (padding < 0) throw new Error(`A ${width}x${height} PNG is already larger than ${totalBytes} bytes`);
	const type = Buffer.from('pdNg', 'ascii'); // lowercase first letter: ancillary, safe to ignore
	const data = Buffer.alloc(padding, 0x20);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(padding);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([type, data])));
	return Buffer.concat([png.subarray(0, iendStart), length, type, data, crc, png.subarray(iendStart)]);
}

/** A mask image's format and size, and the bounding box [x0, x1) × [y0, y1) of its white pixels. */
export async function maskGeometry(bytes: Buffer) {
	const { pixels, width, height, format } = await decodeMask(bytes);
	return { format, width, height, white: whiteBox(pixels, width, height) };
}

export function binaryNames(item: INodeExecutionData): string[] {
	return Object.keys(item.binary ?? {}).sort();
}
