import { MalformedMediaError, parsing } from '../../codecs/malformed';
import type { MaskSize } from '../../codecs/rle-decode';

/** A video's frame size as shown, and the quarter turns its container applies to the stored frames (0, 90, 180, 270). */
export interface VideoFrameSize extends MaskSize {
	rotation: number;
}

const MP4 = 'MP4/MOV';
const MATROSKA = 'WebM/Matroska';

/**
 * What a video's container says, without decoding. Its frame size: MP4/MOV (ISO BMFF: the video track's `tkhd`
 * width/height, 16.16 fixed point, turned by its matrix) and WebM/Matroska (the video track's
 * PixelWidth/PixelHeight, turned when its display size or projection roll says so); fal's RLE carries no size
 * (sam3-family.md §6), so per-frame mask files need the input video's. A phone video recorded upright is stored
 * sideways with a quarter-turn matrix; it is decoded (ffmpeg rotates by default) and segmented upright, so the
 * size is the one shown: portrait. And a Matroska file's DocType (WebM or not). Bounded by the bytes given;
 * undefined when not found in them; a structure that contradicts its format throws a MalformedMediaError.
 */
export function videoFrameSize(bytes: Buffer): VideoFrameSize | undefined {
	const size =
		bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp'
			? parsing(MP4, () => mp4Size(bytes))
			: bytes.length >= 4 && bytes.readUInt32BE(0) === EBML
				? parsing(MATROSKA, () => webmSize(bytes))
				: undefined;
	return size && size.width > 0 && size.height > 0 ? size : undefined;
}

/** A size turned by a quarter turn or three swaps width and height. */
const turned = (width: number, height: number, rotation: number): VideoFrameSize =>
	rotation % 180 === 90 ? { width: height, height: width, rotation } : { width, height, rotation };

interface Span {
	type: string;
	body: number;
	end: number;
}

function* mp4Boxes(bytes: Buffer, from: number, to: number): Generator<Span> {
	for (let at = from; at + 8 <= to; ) {
		let size = bytes.readUInt32BE(at);
		let body = at + 8;
		if (size === 1) {
			if (at + 16 > to) return;
			size = Number(bytes.readBigUInt64BE(at + 8));
			body = at + 16;
		} else if (size === 0) size = to - at;
		if (size < body - at) throw new MalformedMediaError(MP4, `the box at byte ${at} is ${size} bytes long, shorter than its own header`);
		if (at + size > to) return;
		yield { type: bytes.toString('latin1', at + 4, at + 8), body, end: at + size };
		at += size;
	}
}

const inside = (bytes: Buffer, box: Span | undefined, type: string) => (box ? [...mp4Boxes(bytes, box.body, box.end)].filter((entry) => entry.type === type) : []);

/** The quarter turns of a `tkhd` matrix {a b u / c d v / x y w} (16.16): 90° is b = 1, c = -1. */
function matrixRotation(bytes: Buffer, matrix: number): number {
	const [a, b, c, d] = [0, 4, 12, 16].map((offset) => Math.sign(bytes.readInt32BE(matrix + offset)));
	if (a === 0 && d === 0) return b > 0 && c < 0 ? 90 : b < 0 && c > 0 ? 270 : 0;
	return a < 0 && d < 0 ? 180 : 0;
}

function mp4Size(bytes: Buffer): VideoFrameSize | undefined {
	const [moov] = [...mp4Boxes(bytes, 0, bytes.length)].filter((entry) => entry.type === 'moov');
	for (const trak of inside(bytes, moov, 'trak')) {
		const [hdlr] = inside(bytes, inside(bytes, trak, 'mdia')[0], 'hdlr');
		if (!hdlr || bytes.toString('latin1', hdlr.body + 8, hdlr.body + 12) !== 'vide') continue;
		const [tkhd] = inside(bytes, trak, 'tkhd');
		if (!tkhd || tkhd.end - tkhd.body < 84) continue;
		// The matrix (9 × 4 bytes) sits just before width and height, in both tkhd versions.
		return turned(bytes.readUInt32BE(tkhd.end - 8) >>> 16, bytes.readUInt32BE(tkhd.end - 4) >>> 16, matrixRotation(bytes, tkhd.end - 44));
	}
	return undefined;
}

/** The EBML header's id: the first four bytes of every Matroska/WebM file. */
export const EBML = 0x1a45dfa3;
const ID = {
	docType: 0x4282,
	segment: 0x18538067,
	tracks: 0x1654ae6b,
	trackEntry: 0xae,
	video: 0xe0,
	pixelWidth: 0xb0,
	pixelHeight: 0xba,
	displayWidth: 0x54b0,
	displayHeight: 0x54ba,
	displayUnit: 0x54b2,
	projection: 0x7670,
	projectionPoseRoll: 0x7675,
};

const vintLength = (byte: number | undefined) => (byte ? Math.clz32(byte) - 23 : 0);

function* ebmlElements(bytes: Buffer, from: number, to: number): Generator<{ id: number; body: number; end: number }> {
	for (let at = from; at < to; ) {
		const idLength = vintLength(bytes[at]);
		// Matroska's element IDs are 1 to 4 bytes (EBMLMaxIDLength 4); sizes 1 to 8. A 0x00 lead byte says longer.
		if (!idLength || idLength > 4) throw new MalformedMediaError(MATROSKA, `the element ID at byte ${at} is longer than 4 bytes (it starts 0x${bytes[at].toString(16).padStart(2, '0')})`);
		if (at + idLength >= to) return;
		const sizeLength = vintLength(bytes[at + idLength]);
		if (!sizeLength) throw new MalformedMediaError(MATROSKA, `the element size at byte ${at + idLength} is longer than 8 bytes`);
		if (at + idLength + sizeLength > to) return;
		const id = bytes.readUIntBE(at, idLength);
		let size = bytes[at + idLength] & (0xff >> sizeLength);
		let unknown = size === 0xff >> sizeLength;
		for (let i = 1; i < sizeLength; i++) {
			const byte = bytes[at + idLength + i];
			unknown &&= byte === 0xff;
			size = size * 256 + byte;
		}
		const body = at + idLength + sizeLength;
		// An unknown size (live-written Segment or Cluster) runs to the end of its parent.
		const end = unknown ? to : Math.min(to, body + size);
		yield { id, body, end };
		at = end;
	}
}

/**
 * A Matroska video track's turn: its projection's roll (±90°, 180°), or a display size in pixels that is exactly
 * the stored size turned (how some muxers mark a phone video); anything else is an aspect ratio, not a turn.
 */
function matroskaRotation(pixels: MaskSize, display: MaskSize & { unit: number }, roll: number | undefined): number {
	if (roll !== undefined && Number.isFinite(roll)) {
		const quarter = ((Math.round(roll / 90) % 4) + 4) % 4;
		if (Math.abs(roll - Math.round(roll / 90) * 90) < 1) return quarter * 90;
	}
	const transposed = display.unit === 0 && display.width === pixels.height && display.height === pixels.width && pixels.width !== pixels.height;
	return transposed ? 90 : 0;
}

function webmSize(bytes: Buffer): VideoFrameSize | undefined {
	const find = (from: number, to: number, id: number) => [...ebmlElements(bytes, from, to)].filter((entry) => entry.id === id);
	const uint = (entry: { body: number; end: number } | undefined) => (entry ? bytes.subarray(entry.body, entry.end).reduce((value, byte) => value * 256 + byte, 0) : 0);
	const float = (entry: { body: number; end: number } | undefined) =>
		!entry ? undefined : entry.end - entry.body === 4 ? bytes.readFloatBE(entry.body) : entry.end - entry.body === 8 ? bytes.readDoubleBE(entry.body) : undefined;
	for (const segment of find(0, bytes.length, ID.segment)) {
		for (const tracks of find(segment.body, segment.end, ID.tracks)) {
			for (const track of find(tracks.body, tracks.end, ID.trackEntry)) {
				const [video] = find(track.body, track.end, ID.video);
				if (!video) continue;
				const field = (id: number) => find(video.body, video.end, id)[0];
				const pixels = { width: uint(field(ID.pixelWidth)), height: uint(field(ID.pixelHeight)) };
				const display = { width: uint(field(ID.displayWidth)), height: uint(field(ID.displayHeight)), unit: uint(field(ID.displayUnit)) };
				const [projection] = find(video.body, video.end, ID.projection);
				const roll = projection ? float(find(projection.body, projection.end, ID.projectionPoseRoll)[0]) : undefined;
				return turned(pixels.width, pixels.height, matroskaRotation(pixels, display, roll));
			}
		}
	}
	return undefined;
}

/** The DocType ("webm", "matroska") in the EBML header at the start of `bytes`, if it is within them. */
export function ebmlDocType(bytes: Buffer): string | undefined {
	return parsing(MATROSKA, () => docTypeOf(bytes));
}

function docTypeOf(bytes: Buffer): string | undefined {
	const header = ebmlElements(bytes, 0, bytes.length).next().value;
	if (header?.id !== EBML) return undefined;
	const docType = [...ebmlElements(bytes, header.body, header.end)].find((entry) => entry.id === ID.docType);
	return docType && bytes.toString('latin1', docType.body, docType.end);
}

/**
 * How many frames the video has, as its container says: MP4/MOV's video track sample count (`stsz`/`stz2`);
 * WebM/Matroska's duration over its video track's frame duration (Info Duration × TimecodeScale ÷ DefaultDuration).
 * fal bills video per 16 input frames; this is what the cost estimate and Max Spend per Run count. Undefined
 * when the container does not say (fragmented MP4, a WebM without a fixed frame rate) or the header is beyond the bytes given.
 */
export function videoFrameCount(bytes: Buffer): number | undefined {
	if (bytes.length >= 4 && bytes.readUInt32BE(0) === EBML) return webmFrameCount(bytes);
	if (bytes.length < 12 || bytes.toString('latin1', 4, 8) !== 'ftyp') return undefined;
	const [moov] = [...mp4Boxes(bytes, 0, bytes.length)].filter((entry) => entry.type === 'moov');
	for (const trak of inside(bytes, moov, 'trak')) {
		const [mdia] = inside(bytes, trak, 'mdia');
		const [hdlr] = inside(bytes, mdia, 'hdlr');
		if (!hdlr || bytes.toString('latin1', hdlr.body + 8, hdlr.body + 12) !== 'vide') continue;
		const [stbl] = inside(bytes, inside(bytes, mdia, 'minf')[0], 'stbl');
		const [sizes] = [...inside(bytes, stbl, 'stsz'), ...inside(bytes, stbl, 'stz2')];
		if (!sizes || sizes.end - sizes.body < 12) return undefined;
		const count = bytes.readUInt32BE(sizes.body + 8);
		return count > 0 ? count : undefined;
	}
	return undefined;
}

const INFO = { info: 0x1549a966, timecodeScale: 0x2ad7b1, duration: 0x4489, defaultDuration: 0x23e383 };

function webmFrameCount(bytes: Buffer): number | undefined {
	const find = (from: number, to: number, id: number) => [...ebmlElements(bytes, from, to)].find((entry) => entry.id === id);
	const uint = (entry: { body: number; end: number } | undefined) => (entry ? bytes.subarray(entry.body, entry.end).reduce((value, byte) => value * 256 + byte, 0) : undefined);
	const float = (entry: { body: number; end: number } | undefined) => {
		const length = entry ? entry.end - entry.body : 0;
		if (length === 4) return bytes.readFloatBE(entry!.body);
		return length === 8 ? bytes.readDoubleBE(entry!.body) : undefined;
	};
	const segment = find(0, bytes.length, ID.segment);
	if (!segment) return undefined;
	const info = find(segment.body, segment.end, INFO.info);
	const tracks = find(segment.body, segment.end, ID.tracks);
	if (!info || !tracks) return undefined;
	const scale = uint(find(info.body, info.end, INFO.timecodeScale)) ?? 1_000_000;
	const duration = float(find(info.body, info.end, INFO.duration));
	const video = [...ebmlElements(bytes, tracks.body, tracks.end)].filter((entry) => entry.id === ID.trackEntry).find((track) => find(track.body, track.end, ID.video));
	const frameNs = video && uint(find(video.body, video.end, INFO.defaultDuration));
	if (!duration || !frameNs) return undefined;
	const frames = Math.round((duration * scale) / frameNs);
	return frames > 0 ? frames : undefined;
}
