/** Helpers for the emulator's own tests: HTTP calls, test images, a callback receiver, polling. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { request } from 'undici';

export interface CallResult {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	text: string;
	json: any;
}

export async function call(
	method: string,
	url: string,
	options: { headers?: Record<string, string>; json?: unknown; body?: Buffer | string } = {},
): Promise<CallResult> {
	const headers = { ...(options.headers ?? {}) };
	let body = options.body;
	if (options.json !== undefined) {
		body = JSON.stringify(options.json);
		headers['content-type'] ??= 'application/json';
	}
	const response = await request(url, { method: method as 'GET', headers, body });
	const buffer = Buffer.from(await response.body.arrayBuffer());
	const text = buffer.toString('utf8');
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.statusCode, headers: response.headers, body: buffer, text, json };
}

export const falAuth = (key: string) => ({ authorization: `Key ${key}` });
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A plain photo-like test image (gradient) of the given size. */
export async function testImage(width = 320, height = 240, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
	const raw = Buffer.alloc(width * height * 3);
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set([x % 256, y % 256, 128], (y * width + x) * 3);
	const image = sharp(raw, { raw: { width, height, channels: 3 } });
	return (format === 'png' ? image.png() : image.jpeg()).toBuffer();
}

/** Pixels of a mask, one byte per pixel, plus its size and format. */
export async function decodeMask(bytes: Buffer) {
	const meta = await sharp(bytes).metadata();
	const { data, info } = await sharp(bytes).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
	return { pixels: data, width: info.width, height: info.height, format: meta.format };
}

/** Bounding box [x0, x1) x [y0, y1) of pixels above the threshold; undefined when none. */
export function whiteBox(pixels: Buffer, width: number, height: number, threshold = 128) {
	let x0 = Infinity;
	let y0 = Infinity;
	let x1 = -Infinity;
	let y1 = -Infinity;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			if (pixels[y * width + x] > threshold) {
				x0 = Math.min(x0, x);
				y0 = Math.min(y0, y);
				x1 = Math.max(x1, x + 1);
				y1 = Math.max(y1, y + 1);
			}
		}
	}
	return x0 === Infinity ? undefined : { x0, y0, x1, y1 };
}

export interface Received {
	headers: IncomingHttpHeaders;
	body: string;
}

/** A webhook/callback receiver on 127.0.0.1:0 answering the given statuses in turn (then 200). */
export async function startReceiver(statuses: number[] = []) {
	const received: Received[] = [];
	const answers = [...statuses];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(answers.shift() ?? 200).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, everyMs = 20): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error('waitFor: timed out');
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}
