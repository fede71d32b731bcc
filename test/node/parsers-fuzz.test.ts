/**
 * Every hand-written byte parser of the node, fed hostile bytes: seeded random input, every truncation of real
 * files and random byte flips in them (pure-rand, so a failure replays from its seed). Each either answers or
 * throws its own named error (MalformedMediaError, RleError) — never a RangeError or any other crash — and what it
 * answers for a cut-short real file is the truth or nothing, never a wrong size.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import prand from 'pure-rand';
import sharp from 'sharp';

import { MalformedMediaError } from '../../nodes/Sam3/codecs/malformed';
import { RleError, decodeRleScanlines } from '../../nodes/Sam3/codecs/rle-decode';
import { imageTypeOf } from '../../nodes/Sam3/operations/shared/image-bytes';
import { imageSizeOf } from '../../nodes/Sam3/operations/segment-image/image-dimensions';
import { RLE_FILE_KIND, ZIP_KIND, videoTypeOf } from '../../nodes/Sam3/operations/shared/video-bytes';
import { ebmlDocType, videoFrameSize } from '../../nodes/Sam3/operations/shared/video-dimensions';
import { videoHead } from '../../nodes/Sam3/operations/segment-video/video-head';
import { makeTestVideo } from '../../tools/emulator/video-fixture';

const SEED = 20261207;
const rng = prand.xoroshiro128plus(SEED);
const roll = (max: number) => prand.unsafeUniformIntDistribution(0, max - 1, rng);
const randomBytes = (length: number) => Buffer.from(Array.from({ length }, () => roll(256)));

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'videos', name));
const VIDEOS = ['h264-96x64.mp4', 'h264-96x64-faststart.mp4', 'mpeg4-96x64.mov', 'vp9-80x48.webm', 'mpeg4-72x40.mkv'];

/** What each parser may throw besides answering. */
function outcome(parse: () => unknown, named: new (...args: never[]) => Error = MalformedMediaError): 'ok' | 'named' {
	try {
		parse();
		return 'ok';
	} catch (error) {
		if (error instanceof named) return 'named';
		throw new Error(`a parser crashed instead of naming the problem: ${String(error)}`);
	}
}

const videoParsers = (bytes: Buffer) => [() => videoTypeOf(bytes), () => videoFrameSize(bytes), () => ebmlDocType(bytes)];
const imageParsers = (bytes: Buffer) => [() => imageSizeOf(bytes), () => imageTypeOf(bytes), () => ZIP_KIND.typeOf(bytes), () => RLE_FILE_KIND.typeOf(bytes)];

/** Random bytes behind each format's magic: they get past the first check, into the structure walkers. */
const MAGICS = [
	Buffer.from([0x1a, 0x45, 0xdf, 0xa3]),
	Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom', 'latin1')]),
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
	Buffer.from([0xff, 0xd8, 0xff, 0xe1]),
	Buffer.from('RIFF\0\0\0\0WEBPVP8X', 'latin1'),
	Buffer.from('GIF89a', 'latin1'),
	Buffer.from('BM', 'latin1'),
	Buffer.from('PK\x03\x04', 'latin1'),
	Buffer.alloc(0),
];

let images: Array<{ bytes: Buffer; width: number; height: number }>;
beforeAll(async () => {
	const base = sharp({ create: { width: 37, height: 23, channels: 3, background: '#c33' } });
	images = await Promise.all(
		(['png', 'jpeg', 'webp', 'gif'] as const).map(async (format) => ({ bytes: await base.clone().toFormat(format).toBuffer(), width: 37, height: 23 })),
	);
	const lossless = await base.clone().webp({ lossless: true }).toBuffer();
	const bmp = Buffer.alloc(54 + 37 * 23 * 4);
	bmp.write('BM', 0, 'latin1');
	bmp.writeInt32LE(37, 18);
	bmp.writeInt32LE(-23, 22);
	images.push({ bytes: lossless, width: 37, height: 23 }, { bytes: bmp, width: 37, height: 23 });
});

describe('container and header parsers under hostile bytes', () => {
	it('a WebM/Matroska element ID longer than 4 bytes is a named MalformedMediaError, not a RangeError', () => {
		// The EBML header, then an element whose ID's lead byte (0x04) says 6 bytes.
		const bytes = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x84, 0x42, 0x82, 0x81, 0x77, 0x04, 1, 2, 3, 4, 5, 0x81, 0]);
		expect(() => videoTypeOf(bytes.subarray(0, 9))).not.toThrow();
		const header = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x88, 0x04, 1, 2, 3, 4, 5, 0x81, 0]);
		expect(() => videoTypeOf(header)).toThrow(MalformedMediaError);
		expect(() => videoTypeOf(header)).toThrow(/WebM\/Matroska structure is malformed: the element ID at byte 5 is longer than 4 bytes/);
		expect(() => videoFrameSize(bytes)).toThrow(MalformedMediaError);
	});

	it('an MP4 box shorter than its own header is named', () => {
		const bytes = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypisom', 'latin1'), Buffer.alloc(4), Buffer.from([0, 0, 0, 4]), Buffer.from('moov', 'latin1')]);
		expect(() => videoFrameSize(bytes)).toThrow(/MP4\/MOV structure is malformed: the box at byte 16 is 4 bytes long/);
	});

	it('random bytes behind every format\'s magic: each parser answers or names the problem', () => {
		const seen = { ok: 0, named: 0 };
		for (let round = 0; round < 3000; round++) {
			const bytes = Buffer.concat([MAGICS[round % MAGICS.length], randomBytes(roll(200))]);
			for (const parse of [...videoParsers(bytes), ...imageParsers(bytes)]) seen[outcome(parse)]++;
		}
		expect(seen.ok).toBeGreaterThan(0);
		expect(seen.named).toBeGreaterThan(0);
	});

	it('every truncation of real videos: the right frame size or none, never a wrong one or a crash', () => {
		for (const name of VIDEOS) {
			const bytes = fixture(name);
			const full = videoFrameSize(bytes);
			expect(full).toBeDefined();
			for (let length = 0; length <= bytes.length; length++) {
				const cut = bytes.subarray(0, length);
				expect(outcome(() => videoTypeOf(cut))).toBe('ok');
				const size = videoFrameSize(cut);
				if (size) expect(size).toEqual(full);
			}
		}
	});

	it('every truncation of real images: the right size or none', () => {
		for (const { bytes, width, height } of images) {
			for (let length = 0; length <= Math.min(bytes.length, 4096); length++) {
				const size = imageSizeOf(bytes.subarray(0, length));
				if (size) expect(size).toEqual({ width, height });
			}
			expect(imageSizeOf(bytes)).toEqual({ width, height });
		}
	});

	it('random byte flips in real videos and images: each parser answers or names the problem', async () => {
		const files = [...VIDEOS.map(fixture), await makeTestVideo({ width: 40, height: 30, container: 'webm' }), ...images.map((image) => image.bytes)];
		for (const original of files) {
			for (let round = 0; round < 300; round++) {
				const bytes = Buffer.from(original);
				for (let flip = 1 + roll(4); flip > 0; flip--) bytes[roll(Math.min(bytes.length, 1024))] = roll(256);
				for (const parse of [...videoParsers(bytes), ...imageParsers(bytes)]) outcome(parse);
			}
		}
	});
});

describe('reading only a video\'s headers (Mask Files per Frame)', () => {
	/** The bytes as chunks of random sizes, counting what was taken from the source. */
	function chunked(bytes: Buffer): { chunks: AsyncIterable<Buffer>; taken: () => number } {
		let taken = 0;
		return {
			chunks: {
				async *[Symbol.asyncIterator]() {
					for (let at = 0; at < bytes.length; ) {
						const next = bytes.subarray(at, at + 1 + roll(4096));
						at += next.length;
						taken += next.length;
						yield next;
					}
				},
			},
			taken: () => taken,
		};
	}

	it('the headers alone give the same frame size as the whole file, however the file is cut into chunks', async () => {
		for (const name of VIDEOS) {
			const bytes = fixture(name);
			expect(videoFrameSize(await videoHead(chunked(bytes).chunks))).toEqual(videoFrameSize(bytes));
		}
	});

	it('a faststart MP4 followed by 64 MiB of media: stops reading after moov; a moov at the end: the media skipped, not held', async () => {
		const faststart = fixture('h264-96x64-faststart.mp4');
		const media = Buffer.alloc(64 * 1024 * 1024);
		media.writeUInt32BE(media.length, 0);
		media.write('mdat', 4, 'latin1');
		const source = chunked(Buffer.concat([faststart, media]));
		const head = await videoHead(source.chunks);
		expect(videoFrameSize(head)).toEqual({ width: 96, height: 64, rotation: 0 });
		expect(source.taken()).toBeLessThan(faststart.length + 8192);

		const moovLast = fixture('h264-96x64.mp4');
		const ftypEnd = moovLast.readUInt32BE(0);
		const late = Buffer.concat([moovLast.subarray(0, ftypEnd), media, moovLast.subarray(ftypEnd)]);
		const lateHead = await videoHead(chunked(late).chunks);
		expect(videoFrameSize(lateHead)).toEqual({ width: 96, height: 64, rotation: 0 });
		expect(lateHead.length).toBeLessThan(4096);
	});

	it('random and cut-short input: the header reader answers or names the problem', async () => {
		for (let round = 0; round < 500; round++) {
			const base = round % 2 ? fixture(VIDEOS[round % VIDEOS.length]) : Buffer.concat([MAGICS[round % 2], randomBytes(roll(300))]);
			const bytes = Buffer.from(base.subarray(0, roll(base.length + 1)));
			if (bytes.length && round % 3 === 0) bytes[roll(bytes.length)] = roll(256);
			let failure: unknown;
			const head = await videoHead(chunked(bytes).chunks).catch((error: unknown) => {
				failure = error;
				return Buffer.alloc(0);
			});
			if (failure !== undefined) expect(failure).toBeInstanceOf(MalformedMediaError);
			outcome(() => videoFrameSize(head));
		}
	});
});

describe('fal RLE under hostile strings', () => {
	it('random tokens, signs, huge numbers and odd counts: decoded within bounds or an RleError', () => {
		const alphabet = ['0', '1', '7', '9', ' ', '\n', '\t', '-', '.', 'e', 'x', '99999999999999999', '4294967297', '\u00a0'];
		let named = 0;
		for (let round = 0; round < 3000; round++) {
			const text = Array.from({ length: roll(24) }, () => alphabet[roll(alphabet.length)]).join('');
			const size = { width: 1 + roll(40), height: 1 + roll(40) };
			if (outcome(() => decodeRleScanlines(text, size), RleError) === 'named') named++;
		}
		expect(named).toBeGreaterThan(0);
	});
});
