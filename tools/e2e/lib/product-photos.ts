/**
 * Product-like test photos drawn with sharp: one object on a plain, slightly noisy studio backdrop (as a photo has
 * sensor noise and a gentle light fall-off), so the emulator's stand-in model (tools/emulator/product-scene.ts) finds
 * the object and cutouts look like what a shop owner expects. Same name, same pixels: the noise is seeded.
 */
import sharp from 'sharp';

export interface ProductPhoto {
	name: string;
	sku: string;
	width: number;
	height: number;
	format: 'png' | 'jpeg';
	backdrop: [number, number, number];
	/** SVG elements drawing the product, in the photo's pixel coordinates. */
	svg: string;
}

export const PRODUCT_PHOTOS: ProductPhoto[] = [
	{
		name: 'sneaker.jpg',
		sku: 'sneaker-101',
		width: 1200,
		height: 900,
		format: 'jpeg',
		backdrop: [236, 236, 232],
		svg: `
			<defs><linearGradient id="upper" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#e8412c"/><stop offset="1" stop-color="#9c1f12"/></linearGradient></defs>
			<path d="M250 560 C 260 460, 330 400, 420 380 L 560 330 C 600 318, 640 330, 660 360 L 720 420 C 800 440, 900 470, 960 520 C 1000 550, 1010 590, 1000 610 L 250 610 Z" fill="url(#upper)"/>
			<path d="M230 600 L 1010 600 C 1010 630, 990 650, 960 650 L 270 650 C 245 650, 230 630, 230 600 Z" fill="#8f99a3" stroke="#3a3a3a" stroke-width="4"/>
			<path d="M470 380 L 520 470 M 520 360 L 570 450 M 570 345 L 620 430" stroke="#fdfdfd" stroke-width="14" stroke-linecap="round"/>
			<circle cx="700" cy="520" r="34" fill="#ffffff"/>`,
	},
	{
		name: 'mug.png',
		sku: 'mug-202',
		width: 1000,
		height: 1000,
		format: 'png',
		backdrop: [242, 240, 236],
		svg: `
			<defs><linearGradient id="glaze" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#1d4e89"/><stop offset="0.45" stop-color="#3c7cc4"/><stop offset="1" stop-color="#143866"/></linearGradient></defs>
			<path d="M600 360 C 760 360, 760 640, 600 640" fill="none" stroke="#1d4e89" stroke-width="50"/>
			<rect x="300" y="260" width="330" height="500" rx="40" fill="url(#glaze)"/>
			<ellipse cx="465" cy="285" rx="150" ry="22" fill="#0f2b50"/>
			<text x="465" y="560" font-family="sans-serif" font-size="64" font-weight="bold" fill="#f4f4f4" text-anchor="middle">SAM 3</text>`,
	},
	{
		name: 'lamp.jpg',
		sku: 'lamp-303',
		width: 800,
		height: 1200,
		format: 'jpeg',
		backdrop: [228, 232, 236],
		svg: `
			<path d="M280 150 L 520 150 L 600 420 L 200 420 Z" fill="#f2c14e" stroke="#b8860b" stroke-width="6"/>
			<rect x="385" y="420" width="30" height="520" fill="#555b63"/>
			<ellipse cx="400" cy="1010" rx="190" ry="40" fill="#2f343a"/>
			<rect x="250" y="940" width="300" height="70" rx="20" fill="#3d434a"/>`,
	},
	{
		name: 'empty-backdrop.jpg',
		sku: 'empty-404',
		width: 900,
		height: 900,
		format: 'jpeg',
		backdrop: [238, 238, 238],
		svg: '',
	},
];

/**
 * The same product photographed at `factor` × the resolution (a bigger camera): same name stem, size in the name
 * (`sneaker-1800x1350.jpg`), the drawing scaled, the grain and light redrawn at the new size.
 */
export function scaledPhoto(photo: ProductPhoto, factor: number): ProductPhoto {
	const width = Math.round(photo.width * factor);
	const height = Math.round(photo.height * factor);
	const dot = photo.name.lastIndexOf('.');
	return {
		...photo,
		name: `${photo.name.slice(0, dot)}-${width}x${height}${photo.name.slice(dot)}`,
		sku: `${photo.sku}-${width}`,
		width,
		height,
		svg: photo.svg && `<g transform="scale(${factor})">${photo.svg}</g>`,
	};
}

/** Seeded noise (xorshift): a photo's sensor grain, ±amplitude per pixel, the same every run. */
function grain(width: number, height: number, amplitude: number, seed: number): Buffer {
	const noise = Buffer.alloc(width * height * 3);
	let state = seed >>> 0 || 1;
	for (let i = 0; i < noise.length; i++) {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		noise[i] = 128 + (((state >>> 0) % (2 * amplitude + 1)) - amplitude);
	}
	return noise;
}

export async function renderProductPhoto(photo: ProductPhoto): Promise<Buffer> {
	const { width, height, backdrop } = photo;
	const [r, g, b] = backdrop;
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
		<defs><radialGradient id="light" cx="0.5" cy="0.45" r="0.75"><stop offset="0" stop-color="rgb(${r + 4},${g + 4},${b + 4})"/><stop offset="1" stop-color="rgb(${r - 4},${g - 4},${b - 4})"/></radialGradient></defs>
		<rect width="100%" height="100%" fill="url(#light)"/>${photo.svg}</svg>`;
	const seed = [...photo.name].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261);
	const noise = await sharp(grain(width, height, 3, seed), { raw: { width, height, channels: 3 } }).png().toBuffer();
	// linear-light 'overlay' of a mid-grey noise layer: adds grain without shifting the colours.
	const image = sharp(Buffer.from(svg)).composite([{ input: noise, blend: 'overlay' }]).removeAlpha();
	return photo.format === 'png' ? await image.png().toBuffer() : await image.jpeg({ quality: 92 }).toBuffer();
}

/** The photos rendered, ready for the local image server (startImageServer). */
export async function hostedProductPhotos(): Promise<Array<ProductPhoto & { bytes: Buffer }>> {
	return await Promise.all(PRODUCT_PHOTOS.map(async (p) => ({ ...p, bytes: await renderProductPhoto(p) })));
}
