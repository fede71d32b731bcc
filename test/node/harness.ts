/**
 * What the SAM 3 node tests share: an emulator per test file, and readers of the emulator's request log
 * (what reached the wire is what a user's provider account sees).
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { LogEntry, RouteName } from '../../tools/emulator';
import { type Emulator, type Provider } from './fixture';

export { useEmulator } from '../support/use-emulator';
export { maskGeometry, pngOfSize } from '../support/images';

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

export function binaryNames(item: INodeExecutionData): string[] {
	return Object.keys(item.binary ?? {}).sort();
}
