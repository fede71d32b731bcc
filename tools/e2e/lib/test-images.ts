/** Local stand-ins for the public images the examples name (same file names, served by the image server). */
import type { HostedImage } from './image-server';

export const TEST_IMAGES: HostedImage[] = [
	{ name: 'truck.jpg', width: 1800, height: 1200, format: 'jpeg' },
	{ name: 'groceries.jpg', width: 1200, height: 900, format: 'jpeg' },
	{ name: 'cars.jpg', width: 1024, height: 768, format: 'jpeg' },
	{ name: 'product.png', width: 640, height: 480, format: 'png' },
	// Example 9's product photos (plain product shots drawn by the image server).
	{ name: 'sneaker-101.jpg', width: 800, height: 600, format: 'jpeg' },
	{ name: 'mug-202.jpg', width: 600, height: 600, format: 'jpeg' },
];

/** The stand-in for example 7's clip: the emulator's small Motion-JPEG test video (8 frames). */
export const TEST_VIDEO: HostedImage = { name: 'street-ball.mp4', width: 64, height: 48, format: 'mp4' };
