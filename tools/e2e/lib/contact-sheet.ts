/** A contact sheet of background-removal results: per product, input | mask | cutout | white-background shot. */
import sharp, { type OverlayOptions } from 'sharp';

export interface SheetRow {
	label: string;
	input: Buffer;
	mask?: Buffer;
	cutout?: Buffer;
	shot?: Buffer;
	/** Shown instead of the missing images (e.g. "no product found"). */
	note?: string;
}

const TILE = 320;
const GAP = 16;
const HEADER = 44;
const LABEL = 30;
const COLUMNS = ['input photo', 'SAM 3 mask', 'cutout (transparent)', 'white background 2000×2000'];

const escape = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

function text(value: string, width: number, height: number, size: number, weight = 'normal', fill = '#333'): Buffer {
	return Buffer.from(
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="${width / 2}" y="${height / 2 + size / 3}" font-family="sans-serif" font-size="${size}" font-weight="${weight}" fill="${fill}" text-anchor="middle">${escape(value)}</text></svg>`,
	);
}

/** A checkerboard, the usual way to show transparency. */
async function checkerboard(): Promise<Buffer> {
	const square = 16;
	const cells = [];
	for (let y = 0; y < TILE / square; y++) for (let x = 0; x < TILE / square; x++) if ((x + y) % 2) cells.push(`<rect x="${x * square}" y="${y * square}" width="${square}" height="${square}"/>`);
	return await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${TILE}" height="${TILE}"><rect width="100%" height="100%" fill="#ffffff"/><g fill="#d9d9d9">${cells.join('')}</g></svg>`))
		.png()
		.toBuffer();
}

async function tile(image: Buffer | undefined, background: Buffer | string): Promise<Buffer> {
	const base =
		typeof background === 'string'
			? sharp({ create: { width: TILE, height: TILE, channels: 3, background } })
			: sharp(background);
	if (!image) return await base.png().toBuffer();
	const fitted = await sharp(image).resize(TILE - 8, TILE - 8, { fit: 'inside' }).png().toBuffer();
	return await base.composite([{ input: fitted, gravity: 'centre' }]).png().toBuffer();
}

export async function contactSheet(rows: SheetRow[], title: string): Promise<Buffer> {
	const width = GAP + COLUMNS.length * (TILE + GAP);
	const rowHeight = LABEL + TILE + GAP;
	const height = HEADER + LABEL + rows.length * rowHeight;
	const layers: OverlayOptions[] = [{ input: text(title, width, HEADER, 20, 'bold', '#111'), left: 0, top: 0 }];
	COLUMNS.forEach((name, c) => layers.push({ input: text(name, TILE, LABEL, 15, 'bold'), left: GAP + c * (TILE + GAP), top: HEADER }));
	const checks = await checkerboard();
	for (const [r, row] of rows.entries()) {
		const top = HEADER + LABEL + r * rowHeight;
		layers.push({ input: text(row.label, width, LABEL, 15), left: 0, top });
		const tiles = [
			await tile(row.input, '#ffffff'),
			// A missing result is an empty grey tile, not a black mask or an empty canvas that could pass for one.
			await tile(row.mask, row.mask ? '#000000' : '#e4e4e4'),
			await tile(row.cutout, row.cutout ? checks : '#e4e4e4'),
			await tile(row.shot, row.shot ? '#ffffff' : '#e4e4e4'),
		];
		tiles.forEach((t, c) => layers.push({ input: t, left: GAP + c * (TILE + GAP), top: top + LABEL }));
		if (row.note) layers.push({ input: text(row.note, 3 * TILE + 2 * GAP, TILE, 22, 'bold', '#b03a2e'), left: GAP + TILE + GAP, top: top + LABEL });
	}
	return await sharp({ create: { width, height, channels: 3, background: '#f7f7f7' } }).composite(layers).png().toBuffer();
}
