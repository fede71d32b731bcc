/**
 * CPU per item, node vs bare client, at cap 4 (benchmark 1's setting), for profiling:
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/sam3-prof test/bench/profile-cpu.ts [items]
 * Prints CPU ms per item for both; open the .cpuprofile in Chrome DevTools (or read it with a script).
 */
import './env';

import { startEmulator } from '../e2e/lib/emulator';
import { smallImage } from './images';
import { runRawClient } from './raw-client';
import { runSam3, timed } from './sam3-runner';

async function main(): Promise<void> {
	const items = Number(process.argv[2] ?? 400);
	const emulator = await startEmulator({}, { concurrency: { fal: 8 } });
	try {
		await emulator.setTiming({ latencyMs: 0, queueMs: 0, dispatchMs: 0 });
		const imageUrl = await emulator.hostImage(await smallImage(), 'image/jpeg', 'overhead.jpg');
		const parameters = { imageUrl, prompt: 'cat', modelOptions: { applyMask: false }, options: { maxConcurrency: 4 } };
		await runSam3(emulator, { items: 20, parameters });
		const inputs = Array.from({ length: items }, () => ({ image_url: imageUrl, prompt: 'cat', apply_mask: false }));
		await runRawClient(emulator.info, inputs.slice(0, 20), 4);
		const node = await timed(async () => await runSam3(emulator, { items, parameters }));
		const raw = await timed(async () => await runRawClient(emulator.info, inputs, 4));
		const perItem = (ms: number) => Math.round((ms / items) * 100) / 100;
		process.stdout.write(
			`${JSON.stringify({ items, nodeCpuMsPerItem: perItem(node.cpuMs), rawCpuMsPerItem: perItem(raw.cpuMs), cpuRatio: Math.round((node.cpuMs / raw.cpuMs) * 100) / 100, nodeWallMsPerItem: perItem(node.wallMs), rawWallMsPerItem: perItem(raw.wallMs) })}\n`,
		);
	} finally {
		await emulator.stop();
	}
}

void main();
