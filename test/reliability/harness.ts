/**
 * Shared pieces of the reliability suite: one emulator per test file, small test images, per-provider route
 * names, and readers over the emulator's request log (what left the node, when, with which headers).
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { createServer } from 'node:net';

import { type Emulator, type Provider, runSam3, solidImage } from '../node/fixture';
import type { LogEntry, RouteName } from '../../tools/emulator';
import { PROVIDER_LABEL } from '../../tools/emulator/providers';

export { PROVIDERS, runSam3, solidImage, credentialsFor, type Emulator, type Provider } from '../node/fixture';
export { useEmulator } from '../support/use-emulator';

export interface ProviderRoutes {
	submit: RouteName;
	status: RouteName;
	label: string;
}

export const ROUTES: Record<Provider, ProviderRoutes> = {
	falApi: { submit: 'fal.submit', status: 'fal.status', label: PROVIDER_LABEL.falApi },
	runflowApi: { submit: 'runflow.create', status: 'runflow.get', label: PROVIDER_LABEL.runflowApi },
};

let smallJpeg: Buffer | undefined;
export async function smallImage(): Promise<Buffer> {
	smallJpeg ??= await solidImage(64, 48, 'jpeg');
	return smallJpeg;
}

/** The image inline, so the only file-host requests of a job are its mask downloads. */
export async function dataImageUrl(): Promise<string> {
	return `data:image/jpeg;base64,${(await smallImage()).toString('base64')}`;
}

export function logOf(emulator: Emulator, route?: RouteName): LogEntry[] {
	return emulator.requests.filter((entry) => route === undefined || entry.route === route);
}

/** Milliseconds between consecutive requests of a route, from the emulator's own arrival times. */
export function gapsMs(entries: LogEntry[]): number[] {
	return entries.slice(1).map((entry, index) => entry.time - entries[index].time);
}

/** Runs one URL-image segmentation with a text prompt (the common case), parameters merged on top. */
export async function segment(
	emulator: Emulator,
	provider: Provider,
	extra: { parameters?: Record<string, unknown>; options?: Record<string, unknown> } & Omit<Parameters<typeof runSam3>[1] & object, 'parameters'> = {},
) {
	const { parameters = {}, options = {}, ...run } = extra;
	const imageUrl = (parameters.imageUrl as string | undefined) ?? (await dataImageUrl());
	return await runSam3(emulator, {
		provider,
		continueOnFail: true,
		...run,
		parameters: { imageUrl, prompt: 'shoe', options, ...parameters } as never,
	});
}

export interface ExpectedError {
	message?: RegExp;
	httpCode?: number;
	errorType?: string | RegExp;
	stage?: string;
	/** true: some id must be there; a string: exactly that id. */
	requestId?: true | string;
}

/** The error object of a continueOnFail error item, checked for what the user needs to act on it. */
export function expectErrorItem(item: INodeExecutionData | undefined, itemIndex: number, expected: ExpectedError): Record<string, unknown> {
	expect(item).toBeDefined();
	const error = item!.json.error as Record<string, unknown>;
	expect(error).toBeDefined();
	expect(item!.pairedItem).toEqual({ item: itemIndex });
	expect(error.itemIndex).toBe(itemIndex);
	expect(typeof error.message).toBe('string');
	if (expected.message) expect(error.message).toMatch(expected.message);
	if (expected.httpCode !== undefined) expect(error.httpCode).toBe(expected.httpCode);
	if (expected.errorType !== undefined) expect(String(error.errorType)).toMatch(asPattern(expected.errorType));
	if (expected.stage !== undefined) expect(error.stage).toBe(expected.stage);
	if (expected.requestId === true) expect(error.requestId).toEqual(expect.any(String));
	else if (expected.requestId !== undefined) expect(error.requestId).toBe(expected.requestId);
	return error;
}

function asPattern(value: string | RegExp): RegExp {
	return typeof value === 'string' ? new RegExp(`^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : value;
}

/** A successful result item: masks came back and were stored as binary files. */
export function expectMasks(item: INodeExecutionData | undefined, itemIndex: number): void {
	expect(item?.json.error).toBeUndefined();
	expect(item?.pairedItem).toEqual({ item: itemIndex });
	expect(item?.json.maskCount).toBeGreaterThan(0);
	expect(item?.binary?.mask_0).toBeDefined();
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/** Waits until the predicate holds (polling), failing after timeoutMs. */
export async function eventually(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
	const started = Date.now();
	while (!predicate()) {
		if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/**
 * fal as it polls: the status stream answers 404 (not offered), so the node falls back to polling from the start.
 * For the cases about status-poll faults; the stream's own faults are in stream.test.ts.
 */
export function withoutStatusStream(emulator: Emulator): void {
	emulator.faults.add({ route: 'fal.status.stream', times: 'always', fault: { kind: 'streamNotOffered' } });
}
