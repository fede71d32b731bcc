/**
 * A recording: one endpoint's run, as it went over the wire (every exchange, redacted) and as the node made it
 * into items. Live recordings are written to test/live/recorded/<provider>/<endpoint>.json; the emulator's
 * answer for the same request is recorded the same way, so the two compare field for field.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { INodeParameters } from 'n8n-workflow';

import { type LiveEndpoint, type LiveProvider, type MeasuredSample, fileStem } from './endpoints';
import type { Exchange } from './proxy';
import type { NodeOutcome } from './run-endpoint';

export const RECORDING_FORMAT = 'n8n-nodes-sam3 live recording v1';

export interface Recording {
	format: typeof RECORDING_FORMAT;
	endpoint: string;
	provider: LiveProvider;
	/** 'live': the provider's real answer; 'emulator': the test double's, for the same request. */
	source: 'live' | 'emulator';
	recordedAt: string;
	sample: MeasuredSample;
	/** The node parameters of the run (the media URL as a redacted link). */
	parameters: INodeParameters;
	exchanges: Exchange[];
	node: NodeOutcome;
}

export function recordingPath(dir: string, endpoint: Pick<LiveEndpoint, 'id' | 'provider'>): string {
	return join(dir, endpoint.provider, `${fileStem(endpoint as LiveEndpoint)}.json`);
}

export function writeRecording(dir: string, recording: Recording): string {
	const path = recordingPath(dir, { id: recording.endpoint, provider: recording.provider });
	mkdirSync(dirname(path), { recursive: true });
	writeFileSync(path, `${JSON.stringify(recording, null, '\t')}\n`);
	return path;
}

/** Every recording under a folder (test/live/recorded by default), for replay. */
export function readRecordings(dir: string): Array<{ path: string; recording: Recording }> {
	const found: Array<{ path: string; recording: Recording }> = [];
	let providers: string[] = [];
	try {
		providers = readdirSync(dir);
	} catch {
		return found;
	}
	for (const provider of providers) {
		let files: string[] = [];
		try {
			files = readdirSync(join(dir, provider)).filter((file) => file.endsWith('.json'));
		} catch {
			continue;
		}
		for (const file of files) {
			const path = join(dir, provider, file);
			const recording = JSON.parse(readFileSync(path, 'utf8')) as Recording;
			if (recording.format === RECORDING_FORMAT) found.push({ path, recording });
		}
	}
	return found;
}

/** The model's answer in a recording: fal's result (queue or sync), Runflow's succeeded run output. */
export function resultOf(recording: Pick<Recording, 'exchanges'>): unknown {
	const answers = recording.exchanges.filter((exchange) => exchange.status >= 200 && exchange.status < 300);
	const fal = answers.filter((exchange) => exchange.route === 'fal.result' || exchange.route === 'fal.sync').at(-1);
	if (fal) return fal.body;
	const run = answers.filter((exchange) => exchange.route === 'runflow.get').at(-1)?.body as { output?: unknown } | undefined;
	return run?.output;
}
