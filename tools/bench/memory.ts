/**
 * Peak memory of THIS process during a measured run: the kernel's exact high-water mark (VmHWM, reset through
 * /proc/self/clear_refs) plus frequent process.memoryUsage() samples (which also show heap vs. buffers).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const MB = 1024 * 1024;

setFlagsFromString('--expose_gc');
const collectGarbage = runInNewContext('gc') as () => void;

function kernelPeakRssBytes(): number | undefined {
	try {
		const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
		return kb ? Number(kb) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0). */
function resetKernelPeak(): boolean {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}

export interface MemoryReport {
	baselineRssMB: number;
	/** Peak RSS minus the baseline: the kernel's high-water mark when available, else the highest sample. */
	peakGrowthMB: number;
	source: 'VmHWM' | 'samples';
	sampledPeakGrowthMB: number;
	peakHeapUsedMB: number;
	peakArrayBuffersMB: number;
	samples: number;
	endRssMB: number;
	/** Heap still in use after the run and a full GC, the run's result still referenced: what the run retains. */
	retainedHeapMB: number;
}

/** Runs `work` while sampling memory every `intervalMs`; the baseline is taken after a full GC. */
export async function measureMemory<T>(work: () => Promise<T>, intervalMs = 5): Promise<{ result: T; memory: MemoryReport }> {
	collectGarbage();
	const baseline = process.memoryUsage().rss;
	const baselineHeap = process.memoryUsage().heapUsed;
	const kernel = resetKernelPeak();
	let peakRss = baseline;
	let peakHeap = 0;
	let peakBuffers = 0;
	let samples = 0;
	const sample = () => {
		const usage = process.memoryUsage();
		peakRss = Math.max(peakRss, usage.rss);
		peakHeap = Math.max(peakHeap, usage.heapUsed);
		peakBuffers = Math.max(peakBuffers, usage.arrayBuffers);
		samples++;
	};
	const timer = setInterval(sample, intervalMs);
	let result: T;
	try {
		result = await work();
	} finally {
		clearInterval(timer);
		sample();
	}
	const hwm = kernel ? kernelPeakRssBytes() : undefined;
	collectGarbage();
	const retainedHeap = process.memoryUsage().heapUsed - baselineHeap;
	const round = (bytes: number) => Math.round((bytes / MB) * 10) / 10;
	return {
		result,
		memory: {
			baselineRssMB: round(baseline),
			peakGrowthMB: round((hwm ?? peakRss) - baseline),
			source: hwm ? 'VmHWM' : 'samples',
			sampledPeakGrowthMB: round(peakRss - baseline),
			peakHeapUsedMB: round(peakHeap),
			peakArrayBuffersMB: round(peakBuffers),
			samples,
			endRssMB: round(process.memoryUsage().rss),
			retainedHeapMB: round(retainedHeap),
		},
	};
}

export { collectGarbage };
