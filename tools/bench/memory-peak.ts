/**
 * 4. Memory: 100 items x 4 masks at 2048x2048 in n8n's 'filesystem' binary mode: the peak RSS growth of the
 * process running the node (this one; the emulator is a child process) while the files stream through.
 * The emulator draws masks as flat ellipses, which PNG compresses to a few KB whatever the size, and it has no
 * noisy-mask option. The large bytes come from the job's preview image (apply_mask) over a random-noise input:
 * a ~12 MB PNG per item, downloaded and stored by the same streaming path as the masks.
 */
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { INodeExecutionData } from 'n8n-workflow';

import type { EmulatorProcess } from '../e2e/lib/emulator';
import { noiseImage } from './images';
import { type MemoryReport, measureMemory } from './memory';
import { runSam3, timed } from './sam3-runner';

export interface MemoryResult {
	items: number;
	masksPerItem: number;
	imageSize: number;
	wallMs: number;
	maskFiles: number;
	maskBytes: number;
	previewFiles: number;
	previewBytes: number;
	memory: MemoryReport;
}

const SIZE = 2048;
const q = SIZE / 4;
/** Four boxes, four objects: exactly four masks per image. */
const BOXES = [
	{ xMin: 0, yMin: 0, xMax: 2 * q, yMax: 2 * q, objectId: 1 },
	{ xMin: 2 * q, yMin: 0, xMax: 4 * q, yMax: 2 * q, objectId: 2 },
	{ xMin: 0, yMin: 2 * q, xMax: 2 * q, yMax: 4 * q, objectId: 3 },
	{ xMin: 2 * q, yMin: 2 * q, xMax: 4 * q, yMax: 4 * q, objectId: 4 },
];

async function storedBytes(items: INodeExecutionData[]): Promise<{ maskFiles: number; maskBytes: number; previewFiles: number; previewBytes: number }> {
	const service = Container.get(BinaryDataService);
	const sizes = { maskFiles: 0, maskBytes: 0, previewFiles: 0, previewBytes: 0 };
	for (const item of items) {
		for (const [property, binary] of Object.entries(item.binary ?? {})) {
			const size = binary.id ? (await service.getMetadata(binary.id)).fileSize : Buffer.byteLength(binary.data, 'base64');
			if (property === 'image') {
				sizes.previewFiles++;
				sizes.previewBytes += size;
			} else {
				sizes.maskFiles++;
				sizes.maskBytes += size;
			}
		}
	}
	return sizes;
}

export async function benchMemory(emulator: EmulatorProcess, items = 100): Promise<MemoryResult> {
	await emulator.reset();
	await emulator.setTiming({ latencyMs: 0, queueMs: 0, dispatchMs: 0 });
	const imageUrl = await emulator.hostImage(await noiseImage(SIZE), 'image/png', 'noise-2048.png');
	const parameters = {
		imageUrl,
		prompt: '',
		boxPrompts: { boxes: BOXES },
		modelOptions: { applyMask: true, returnMultipleMasks: true, maxMasks: 4 },
	};
	// Warm-up: the first filesystem-mode run initialises n8n's binary storage and loads lazy modules.
	await runSam3(emulator, { items: 1, parameters, binaryMode: 'filesystem' });
	await emulator.reset();

	const { result, memory } = await measureMemory(
		async () => await timed(async () => await runSam3(emulator, { items, parameters, binaryMode: 'filesystem' })),
	);
	const sizes = await storedBytes(result.result.items);
	return { items, masksPerItem: BOXES.length, imageSize: SIZE, wallMs: Math.round(result.wallMs), ...sizes, memory };
}
