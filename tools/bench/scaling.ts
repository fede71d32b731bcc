/**
 * 5. Scaling: the same small job (emulator answering at once) at 10, 100 and 1,000 items with the node's
 * defaults (Max Concurrent Jobs 4), in both binary modes: wall time per item and the peak RSS growth.
 * Each point runs in a fresh process (fresh-process.ts), so one point's retained memory cannot hide the next's.
 */
import type { BinaryMode } from '../rig';
import type { EmulatorProcess } from '../e2e/lib/emulator';
import { inFreshProcess } from './fresh-process';
import { smallImage } from './images';
import { measureMemory } from './memory';
import { runSam3, timed } from './sam3-runner';

export interface ScalingRow {
	items: number;
	binaryMode: BinaryMode;
	wallMs: number;
	perItemMs: number;
	cpuPerItemMs: number;
	peakRssGrowthMB: number;
	rssGrowthPerItemKB: number;
	peakHeapUsedMB: number;
	/** Live heap after the run and a full GC (outputs still held), per item. */
	retainedPerItemKB: number;
	baselineRssMB: number;
}

/** One point, in the calling process (a worker): warm up with 10 items, then measure. */
export async function benchScalingPoint(emulator: EmulatorProcess, items: number, binaryMode: BinaryMode): Promise<ScalingRow> {
	await emulator.setTiming({ latencyMs: 0, queueMs: 0, dispatchMs: 0 });
	const imageUrl = await emulator.hostImage(await smallImage(), 'image/jpeg', 'scaling.jpg');
	const parameters = { imageUrl, prompt: 'cat' };
	await emulator.reset();
	await runSam3(emulator, { items: 10, parameters, binaryMode });
	await emulator.reset();
	const { result, memory } = await measureMemory(async () => await timed(async () => await runSam3(emulator, { items, parameters, binaryMode })));
	return {
		items,
		binaryMode,
		wallMs: Math.round(result.wallMs),
		perItemMs: Math.round((result.wallMs / items) * 100) / 100,
		cpuPerItemMs: Math.round((result.cpuMs / items) * 100) / 100,
		peakRssGrowthMB: memory.peakGrowthMB,
		rssGrowthPerItemKB: Math.round(((memory.peakGrowthMB * 1024) / items) * 10) / 10,
		peakHeapUsedMB: memory.peakHeapUsedMB,
		retainedPerItemKB: Math.round(((memory.retainedHeapMB * 1024) / items) * 10) / 10,
		baselineRssMB: memory.baselineRssMB,
	};
}

export async function benchScaling(emulator: EmulatorProcess, sizes = [10, 100, 1000], modes: BinaryMode[] = ['default', 'filesystem']): Promise<ScalingRow[]> {
	const rows: ScalingRow[] = [];
	for (const binaryMode of modes) {
		for (const items of sizes) {
			rows.push(await inFreshProcess<ScalingRow>({ task: 'scaling', emulatorUrl: emulator.info.urls.base, items, binaryMode }));
		}
	}
	return rows;
}
