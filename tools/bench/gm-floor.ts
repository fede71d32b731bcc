/**
 * GraphicsMagick's own time for the pipeline's image work, outside n8n (bench:pipeline's floor): each photo's
 * GraphicsMagick commands replayed one after another, timed by wall clock and by the CPU the `gm` processes used.
 * - recipe: the commands the sub-workflow's Edit Image nodes run (the arguments Edit Image builds through `gm`),
 *   for the Amazon shot and the transparent cutout;
 * - before: the commands example 5's Edit Image nodes ran before issue 32 (full-size mask, full-size cutout, crop,
 *   then a canvas at the photo's scale composited and resized to 2000×2000, all PNG at the default compression);
 * - floor: the least any recipe must do for the Amazon shot — ONE `gm` process that decodes the photo, crops it,
 *   upscales it to the product size and encodes the 2000 px JPEG, with no masking at all.
 * What n8n adds on top is the difference to the image steps' times in the run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FloorPhoto {
	name: string;
	bytes: Buffer;
	mask: Buffer;
	width: number;
	height: number;
	/** SAM 3's box of the product, in the photo's pixels. */
	crop: { x: number; y: number; width: number; height: number };
	cut: { x: number; y: number; width: number; height: number };
	shot: { width: number; height: number; borderX: number; borderY: number };
}

export interface GmTimes {
	/** Mean per photo, ms of wall clock. */
	wallMs: number;
	/** Mean per photo, ms of CPU used by the gm processes. */
	cpuMs: number;
	processes: number;
}

function childCpuMs(): number {
	const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
	return (Number(fields[13]) + Number(fields[14])) * 10; // cutime + cstime, in 1/100 s
}

function gm(args: string[], input?: Buffer): Buffer {
	const result = spawnSync('gm', args, { input, maxBuffer: 1 << 28 });
	if (result.status !== 0) throw new Error(`gm ${args.join(' ')}: ${result.stderr}`);
	return result.stdout;
}

/** Runs `steps` for every photo `rounds` times; means per photo. */
function timed(photos: FloorPhoto[], rounds: number, steps: (p: FloorPhoto, dir: string) => number): GmTimes {
	const dir = mkdtempSync(join(tmpdir(), 'sam3-gm-floor-'));
	try {
		let processes = 0;
		const cpu0 = childCpuMs();
		const t0 = performance.now();
		for (let r = 0; r < rounds; r++) for (const p of photos) processes += steps(p, dir);
		const n = rounds * photos.length;
		return { wallMs: (performance.now() - t0) / n, cpuMs: (childCpuMs() - cpu0) / n, processes: processes / n };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const geometry = (x: number, y: number) => `${x >= 0 ? '+' : ''}${x}${y >= 0 ? '+' : ''}${y}`;

export function measureGm(photos: FloorPhoto[], rounds = 3): { recipe: GmTimes; before: GmTimes; floor: GmTimes } {
	const recipe = timed(photos, rounds, (p, dir) => {
		const photo = join(dir, 'photo');
		const maskFile = join(dir, 'mask');
		writeFileSync(photo, p.bytes);
		writeFileSync(maskFile, p.mask);
		const { cut, shot } = p;
		const maskCut = gm(['convert', '-background', 'transparent', '-quality', '10', '-', '-resize', `${p.width}x${p.height}!`, '-crop', `${cut.width}x${cut.height}+${cut.x}+${cut.y}`, 'png:-'], p.mask);
		writeFileSync(maskFile, maskCut);
		// Product shape: the mask's brightness as the alpha of a black canvas the size of the cut (no offset kept).
		const black = gm(['convert', '-size', `${cut.width}x${cut.height}`, 'xc:#000000', 'png:-']);
		const shape = join(dir, 'shape');
		writeFileSync(shape, gm(['composite', '-compose', 'CopyOpacity', '-geometry', '+0+0', maskFile, '-', '-quality', '10', 'png:-'], black));
		// Cut out: the photo, shifted, inside that shape.
		const cutout = join(dir, 'cutout');
		writeFileSync(cutout, gm(['composite', '-background', 'transparent', '-compose', 'In', '-geometry', geometry(-cut.x, -cut.y), photo, shape, '-quality', '10', 'png:-']));
		// Product on white: the cutout over a white canvas; then the square JPEG.
		const white = gm(['convert', '-size', `${cut.width}x${cut.height}`, 'xc:#ffffff', 'png:-']);
		const onWhite = gm(['composite', '-compose', 'Over', '-geometry', '+0+0', cutout, '-', '-quality', '10', 'png:-'], white);
		gm(['convert', '-background', 'transparent', '-quality', '90', '-', '-resize', `${shot.width}x${shot.height}!`, '-bordercolor', '#ffffff', '-border', `${shot.borderX}x${shot.borderY}`, 'jpeg:-'], onWhite);
		return 7;
	});
	const before = timed(photos, rounds, (p, dir) => {
		const maskFile = join(dir, 'mask');
		const cutoutFile = join(dir, 'cutout');
		const crop = p.crop;
		const m = Math.round(0.04 * Math.max(crop.width, crop.height));
		const cx = Math.max(0, crop.x - m);
		const cy = Math.max(0, crop.y - m);
		const cw = Math.min(p.width, crop.x + crop.width + m) - cx;
		const ch = Math.min(p.height, crop.y + crop.height + m) - cy;
		const canvas = Math.ceil(Math.max(crop.width, crop.height) / 0.85);
		const ox = Math.round((canvas - crop.width) / 2) - (crop.x - cx);
		const oy = Math.round((canvas - crop.height) / 2) - (crop.y - cy);
		writeFileSync(maskFile, gm(['convert', '-background', 'transparent', '-', '-resize', `${p.width}x${p.height}!`, 'png:-'], p.mask));
		const cutout = gm(['composite', '-background', 'transparent', '-compose', 'CopyOpacity', '-geometry', '+0+0', maskFile, '-', 'png:-'], p.bytes);
		writeFileSync(cutoutFile, gm(['convert', '-background', 'transparent', '-', '-crop', `${cw}x${ch}+${cx}+${cy}`, 'png:-'], cutout));
		const blank = gm(['convert', '-size', `${canvas}x${canvas}`, 'xc:#ffffff', 'png:-']);
		const placed = gm(['composite', '-compose', 'Over', '-geometry', geometry(ox, oy), cutoutFile, '-', '-'], blank);
		gm(['convert', '-', '-resize', '2000x2000!', 'png:-'], placed);
		return 6;
	});
	const floor = timed(photos, rounds, (p) => {
		const { cut, shot } = p;
		gm(['convert', '-', '-crop', `${cut.width}x${cut.height}+${cut.x}+${cut.y}`, '-resize', `${shot.width}x${shot.height}!`, '-bordercolor', '#ffffff', '-border', `${shot.borderX}x${shot.borderY}`, '-quality', '90', 'jpeg:-'], p.bytes);
		return 1;
	});
	return { recipe, before, floor };
}
