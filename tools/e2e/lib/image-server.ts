/** A tiny static HTTP server for test images and the test video (stands in for public URLs offline). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

import { makeTestVideo } from '../../emulator/video-fixture';

export interface HostedImage {
	name: string;
	width: number;
	height: number;
	/** mp4: the emulator's small test-double clip (tools/emulator/video-fixture.ts) of this size. */
	format: 'png' | 'jpeg' | 'mp4';
	/** The file's bytes; a plain product shot of the given size is drawn when absent. */
	bytes?: Buffer;
}

export interface ImageServer {
	baseUrl: string;
	url: (name: string) => string;
	/** Paths requested so far, in order. */
	requests: string[];
	close: () => Promise<void>;
}

/** A plain product shot: a coloured box on a light background, so segmenting it is plausible. */
export async function productImage(img: HostedImage): Promise<Buffer> {
	const box = { w: Math.round(img.width / 2), h: Math.round(img.height / 2) };
	const product = await sharp({ create: { width: box.w, height: box.h, channels: 3, background: '#c0392b' } })
		.png()
		.toBuffer();
	const canvas = sharp({ create: { width: img.width, height: img.height, channels: 3, background: '#f4f4f4' } })
		.composite([{ input: product, left: Math.round(img.width / 4), top: Math.round(img.height / 4) }]);
	return img.format === 'png' ? canvas.png().toBuffer() : canvas.jpeg().toBuffer();
}

export async function startImageServer(images: HostedImage[]): Promise<ImageServer> {
	const files = new Map<string, { body: Buffer; type: string }>();
	for (const img of images) {
		if (img.format === 'mp4') {
			files.set(`/${img.name}`, { body: img.bytes ?? (await makeTestVideo({ width: img.width, height: img.height })), type: 'video/mp4' });
			continue;
		}
		files.set(`/${img.name}`, { body: img.bytes ?? (await productImage(img)), type: `image/${img.format}` });
	}
	const requests: string[] = [];
	const server: Server = createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		requests.push(path);
		const file = files.get(path);
		if (!file) {
			res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
			return;
		}
		res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length }).end(file.body);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		baseUrl,
		url: (name) => `${baseUrl}/${name}`,
		requests,
		close: () => new Promise((r) => server.close(() => r())),
	};
}
