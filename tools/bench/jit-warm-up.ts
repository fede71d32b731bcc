/**
 * The JIT warm-up a measuring process runs before anything is measured. V8 optimizes a function once it has used
 * up its interrupt budget, so code that runs once per item (most of the node's, and RoutingNode's) is optimized
 * only after thousands of items. Counted with `node --trace-opt` (TurboFan optimizations per 200 items, from a
 * cold start, 2026-12-03): the node in fal sync mode 115, 66, 68, 48, 38 … 5, 3, 3 over 4,000 items; the HTTP
 * workflow on n8n's helper 74, 56, 51 … 2, 1; the bare client 57, 51, 41 … 0. Measured earlier, a contender's CPU
 * per item includes compiling it (more code, more compiling: under valgrind, TurboFan was 46 % of the node's
 * instructions per item 400 items in, 38 % of the helper workflow's). So every code path a benchmark compares
 * runs WARM_UP_ITEMS items first, at latency 0: what is measured is the node as a long-running n8n runs it.
 */
import type { EmulatorProcess } from '../e2e/lib/emulator';
import { type Contender, runContender } from './contenders';

export const WARM_UP_ITEMS = 3000;

/** Runs of at most this many items: the emulator's stored files are dropped between them (reset). */
const CHUNK = 500;

/** The code paths of benchmarks 1 and 1b, at the caps they are measured at. */
export const MEASURED_PATHS: Array<[Contender, number]> = [
	['node', 4],
	['sync', 100],
	['raw', 4],
	['helpers', 4],
	['http', CHUNK],
	['httpHelper', CHUNK],
	['declarative', CHUNK],
	['declarativeCapped', CHUNK],
];

export async function warmUp(emulator: EmulatorProcess, paths: Array<[Contender, number]> = MEASURED_PATHS, items = WARM_UP_ITEMS): Promise<void> {
	await emulator.setTiming({ latencyMs: 0, queueMs: 0, dispatchMs: 0 });
	for (const [contender, cap] of paths) {
		for (let done = 0; done < items; done += CHUNK) {
			const chunk = Math.min(CHUNK, items - done);
			await runContender(emulator, contender, chunk, Math.min(cap, chunk));
			await emulator.reset();
		}
	}
}
