/**
 * `npm run bench:rle`: time to result with Mask Delivery URLs vs RLE, for 1 and 32 masks (SAM 3 on fal, queue
 * mode, the emulator in a child process). URL mode downloads each mask's PNG from the file host; RLE mode gets the
 * masks inside the result and decodes them in the node into the same PNG files (codecs/). Writes the numbers of
 * ONE run into their own section of BENCHMARKS.md (`npm run bench` keeps it). Not a test: nothing passes or fails.
 */
import './env';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

import { startEmulator } from '../e2e/lib/emulator';
import { describeMachine } from './machine';
import { nodeExecutionMs, runSam3, timed } from './sam3-runner';
import { replaceSection } from './sections';

const JOB_MS = 1000;
const REPEATS = Number(process.env.SAM3_BENCH_REPEATS ?? 5);
const WIDTH = 1024;
const HEIGHT = 768;
const out = join(__dirname, '..', '..', 'BENCHMARKS.md');
const log = (message: string) => process.stderr.write(`[bench:rle ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** n box prompts on a grid: n separate objects, so n masks. */
function boxes(n: number) {
	const columns = Math.ceil(Math.sqrt(n));
	const w = Math.floor(WIDTH / columns);
	const h = Math.floor(HEIGHT / Math.ceil(n / columns));
	return Array.from({ length: n }, (_, i) => {
		const x = (i % columns) * w;
		const y = Math.floor(i / columns) * h;
		return { xMin: x + 4, yMin: y + 4, xMax: x + w - 4, yMax: y + h - 4 };
	});
}

interface Row {
	masks: number;
	delivery: 'urls' | 'rle';
	meanMs: number;
	worstMs: number;
	/** Mean node time beyond the job's own 1 s: submit, status stream, result, mask files. */
	afterJobMs: number;
	pngBytes: number;
}

async function main(): Promise<void> {
	const machine = describeMachine();
	// The job takes JOB_MS whatever the emulator's own work (it renders or encodes masks within that time).
	const emulator = await startEmulator({});
	const rows: Row[] = [];
	try {
		await emulator.setTiming({ latencyMs: JOB_MS, queueMs: 0, dispatchMs: 0 });
		const photo = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: { r: 90, g: 110, b: 130 } } }).jpeg().toBuffer();
		const imageUrl = await emulator.hostImage(photo, 'image/jpeg', 'rle-bench.jpg');
		const parameters = (masks: number, delivery: 'urls' | 'rle') => ({
			imageUrl,
			maskDelivery: delivery,
			boxPrompts: { boxes: boxes(masks) },
			// No preview in either mode (an RLE answer has none): the same files are compared.
			modelOptions: { returnMultipleMasks: masks > 1, maxMasks: Math.max(1, masks), applyMask: false },
		});
		for (const delivery of ['urls', 'rle'] as const) await runSam3(emulator, { items: 1, parameters: parameters(1, delivery) }); // warm-up
		for (const masks of [1, 32]) {
			for (const delivery of ['urls', 'rle'] as const) {
				const times: number[] = [];
				let pngBytes = 0;
				for (let i = 0; i < REPEATS; i++) {
					await emulator.reset();
					const run = await timed(async () => await runSam3(emulator, { items: 1, parameters: parameters(masks, delivery) }));
					const item = run.result.items[0];
					if (item.json.maskCount !== masks) throw new Error(`expected ${masks} masks, got ${String(item.json.maskCount)}`);
					times.push(nodeExecutionMs(run.result) ?? run.wallMs);
					// Default binary mode: the files are held as base64.
					pngBytes = Object.values(item.binary ?? {}).reduce((sum, file) => sum + Buffer.from(file.data, 'base64').length, 0);
				}
				const meanMs = times.reduce((a, b) => a + b, 0) / times.length;
				rows.push({ masks, delivery, meanMs: Math.round(meanMs), worstMs: Math.round(Math.max(...times)), afterJobMs: Math.round(meanMs - JOB_MS), pngBytes });
				log(`${masks} mask(s), ${delivery}: ${Math.round(meanMs)} ms`);
			}
		}
	} finally {
		await emulator.stop();
	}
	const row = (masks: number, delivery: string) => rows.find((r) => r.masks === masks && r.delivery === delivery)!;
	const ratio = (masks: number) => (row(masks, 'rle').meanMs / row(masks, 'urls').meanMs).toFixed(2);
	const afterRatio = (masks: number) => (row(masks, 'rle').afterJobMs / Math.max(1, row(masks, 'urls').afterJobMs)).toFixed(2);
	const section = [
		'<!-- rle:begin (written by npm run bench:rle, tools/bench/rle-delivery.ts; do not edit by hand) -->',
		'## 8. Mask Delivery: URLs vs RLE (`npm run bench:rle`)',
		'',
		`ONE run on ${machine.date.slice(0, 10)} (${machine.cpu}, ${machine.cores} cores, Node ${process.version.slice(1)}, default binary mode):`,
		`one item, fal queue mode, a ${WIDTH}×${HEIGHT} photo, ${JOB_MS} ms jobs at the emulator (which renders PNGs or encodes RLE within`,
		`that time), ${REPEATS} runs each. Time to result is n8n's executionTime of the node; "after the job" is that minus the`,
		`${JOB_MS} ms job: submit, status stream, result, and the masks (URLs: one download per mask from the local file host;`,
		'RLE: decoded in the node and written as 1-bit PNGs with stored deflate blocks, no zlib).',
		'',
		'| masks | delivery | time to result (mean) | worst | after the job | mask files (bytes) |',
		'|---|---|---|---|---|---|',
		...rows.map((r) => `| ${r.masks} | ${r.delivery === 'urls' ? 'URLs' : 'RLE'} | ${r.meanMs} ms | ${r.worstMs} ms | ${r.afterJobMs} ms | ${r.pngBytes} |`),
		'',
		`**Ratios RLE / URLs: ${ratio(1)} (1 mask), ${ratio(32)} (32 masks) of the time to result; ${afterRatio(1)} and ${afterRatio(32)} of the time after the job.**`,
		'The emulator\'s file host is on the same machine, so a mask download here costs far less than one from fal\'s CDN',
		'(tens of ms each on the internet, 4 at once per job slot): with a real provider the URL rows grow with the mask',
		'count, the RLE rows do not. RLE mask files are uncompressed (one bit per pixel) and so larger than fal\'s PNGs.',
		'<!-- rle:end -->',
	].join('\n');
	writeFileSync(out, replaceSection(readFileSync(out, 'utf8'), 'rle', section));
	console.log(section);
	log(`wrote the rle section of ${out}`);
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
