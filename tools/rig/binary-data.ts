import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService, prepareBinaryData } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * How n8n keeps binary data during an execution:
 * - 'default': in memory, base64 in `binary.data` (n8n 1.x default);
 * - 'filesystem': on disk, `binary.id = "filesystem-v2:…"` and `data` holds only the mode (n8n 2.x default).
 */
export type BinaryMode = 'default' | 'filesystem';

/** An input file as a test describes it. */
export interface RigBinaryInput {
	data: Buffer;
	mimeType: string;
	fileName?: string;
}

let storagePath: string | undefined;
let activeMode: BinaryMode | undefined;
let runsInFlight = 0;

/** Switches n8n-core's BinaryDataService (a DI singleton) to a mode, storing files in a temp dir. */
export async function useBinaryMode(mode: BinaryMode): Promise<void> {
	if (activeMode === mode) return;
	if (runsInFlight > 0) {
		throw new Error(`Cannot switch binary mode to "${mode}" while a "${activeMode}" run is in flight`);
	}
	const config = Container.get(BinaryDataConfig);
	storagePath ??= makeStorageDir();
	config.localStoragePath = storagePath;
	config.availableModes = ['filesystem'];
	config.mode = mode;
	await Container.get(BinaryDataService).init();
	activeMode = mode;
}

/** Marks a run as using the current mode, so no other run switches it underneath. */
export function holdBinaryMode(): () => void {
	runsInFlight++;
	return () => {
		runsInFlight--;
	};
}

/** Stores a file the way a node's `prepareBinaryData` does, for the given execution. */
export async function storeBinary(
	input: RigBinaryInput,
	workflowId: string,
	executionId: string,
): Promise<IBinaryData> {
	return await prepareBinaryData(input.data, executionId, workflowId, input.fileName, input.mimeType);
}

/** Reads a binary entry back through n8n's BinaryDataService (works for inline and stored data). */
export async function readBinary(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

function makeStorageDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-rig-binary-'));
	process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
	return dir;
}
