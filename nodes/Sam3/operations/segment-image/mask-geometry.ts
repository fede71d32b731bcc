/**
 * Where a mask's object lies, in pixels. Providers give boxes normalized ([cx, cy, w, h] as fractions of the
 * image), so the same box scales to the mask's pixels and to the input image's, whichever resolution the masks
 * come back at.
 */
import type { ImageSize } from './image-dimensions';

export interface PixelBox {
	xMin: number;
	yMin: number;
	xMax: number;
	yMax: number;
}

/** A rectangle to crop the input image to: top-left corner and size, whole pixels, inside the image. */
export interface CropBox {
	x: number;
	y: number;
	width: number;
	height: number;
}

export interface MaskBoxes {
	/** The normalized box as the provider gave it. */
	box?: { cx: number; cy: number; w: number; h: number };
	/** The box's edges in the input image's pixels (in the mask's when the input size is unknown). */
	pixelBox?: PixelBox;
	/** The smallest whole-pixel rectangle of the input image that holds the box. */
	crop?: CropBox;
}

const clamp = (value: number, max: number) => Math.min(max, Math.max(0, value));

function edges(box: number[], size: ImageSize): PixelBox {
	const [cx, cy, w, h] = box;
	return {
		xMin: (cx - w / 2) * size.width,
		yMin: (cy - h / 2) * size.height,
		xMax: (cx + w / 2) * size.width,
		yMax: (cy + h / 2) * size.height,
	};
}

export function pixelBox(box: number[], size: ImageSize): PixelBox {
	const e = edges(box, size);
	return { xMin: Math.round(e.xMin), yMin: Math.round(e.yMin), xMax: Math.round(e.xMax), yMax: Math.round(e.yMax) };
}

/** Outward to whole pixels (a fraction of a pixel of the object stays in), then clamped; undefined when empty. */
export function cropBox(box: number[], image: ImageSize): CropBox | undefined {
	const e = edges(box, image);
	// A hair of tolerance: 0.1 * 640 is 64.00000000000001 in floating point, not a reason for a 65th pixel.
	const x0 = clamp(Math.floor(e.xMin + 1e-6), image.width);
	const y0 = clamp(Math.floor(e.yMin + 1e-6), image.height);
	const x1 = clamp(Math.ceil(e.xMax - 1e-6), image.width);
	const y1 = clamp(Math.ceil(e.yMax - 1e-6), image.height);
	if (x1 <= x0 || y1 <= y0) return undefined;
	return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

const isBox = (box: unknown): box is number[] => Array.isArray(box) && box.length === 4 && box.every((v) => Number.isFinite(v));

/** Every box form of one mask: normalized, in pixels, and as a crop of the input image (when its size is known). */
export function maskBoxes(box: unknown, sizes: { mask?: ImageSize; input?: ImageSize }): MaskBoxes {
	if (!isBox(box)) return {};
	const [cx, cy, w, h] = box;
	const pixels = sizes.input ?? sizes.mask;
	return {
		box: { cx, cy, w, h },
		pixelBox: pixels ? pixelBox(box, pixels) : undefined,
		crop: sizes.input ? cropBox(box, sizes.input) : undefined,
	};
}
