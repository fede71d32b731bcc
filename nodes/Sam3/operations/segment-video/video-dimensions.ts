import type { MaskSize } from '../../codecs/rle-decode';

/**
 * What a video's container says, without decoding. Its frame size: MP4/MOV (ISO BMFF: the video track's `tkhd`
 * width/height, 16.16 fixed point) and WebM/Matroska (the video track's PixelWidth/PixelHeight); fal's RLE carries
 * no size (sam3-family.md §6), so per-frame mask files need the input video's. And a Matroska file's DocType
 * (WebM or not). Bounded by the bytes given; undefined when not found in them.
 */
export function videoFrameSize(bytes: Buffer): MaskSize | undefined {
	const size = bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp' ? mp4Size(bytes) : bytes.length >= 4 && bytes.readUInt32BE(0) === EBML ? webmSize(bytes) : undefined;
	return size && size.width > 0 && size.height > 0 ? size : undefined;
}

interface Span {
	type: string;
	body: number;
	end: number;
}

function* mp4Boxes(bytes: Buffer, from: number, to: number): Generator<Span> {
	for (let at = from; at + 8 <= to; ) {
		let size = bytes.readUInt32BE(at);
		let body = at + 8;
		if (size === 1 && at + 16 <= to) {
			size = Number(bytes.readBigUInt64BE(at + 8));
			body = at + 16;
		} else if (size === 0) size = to - at;
		if (size < body - at || at + size > to) return;
		yield { type: bytes.toString('latin1', at + 4, at + 8), body, end: at + size };
		at += size;
	}
}

const inside = (bytes: Buffer, box: Span | undefined, type: string) => (box ? [...mp4Boxes(bytes, box.body, box.end)].filter((entry) => entry.type === type) : []);

function mp4Size(bytes: Buffer): MaskSize | undefined {
	const [moov] = [...mp4Boxes(bytes, 0, bytes.length)].filter((entry) => entry.type === 'moov');
	for (const trak of inside(bytes, moov, 'trak')) {
		const [hdlr] = inside(bytes, inside(bytes, trak, 'mdia')[0], 'hdlr');
		if (!hdlr || bytes.toString('latin1', hdlr.body + 8, hdlr.body + 12) !== 'vide') continue;
		const [tkhd] = inside(bytes, trak, 'tkhd');
		if (!tkhd || tkhd.end - tkhd.body < 84) continue;
		return { width: bytes.readUInt32BE(tkhd.end - 8) >>> 16, height: bytes.readUInt32BE(tkhd.end - 4) >>> 16 };
	}
	return undefined;
}

/** The EBML header's id: the first four bytes of every Matroska/WebM file. */
export const EBML = 0x1a45dfa3;
const ID = { docType: 0x4282, segment: 0x18538067, tracks: 0x1654ae6b, trackEntry: 0xae, video: 0xe0, pixelWidth: 0xb0, pixelHeight: 0xba };

const vintLength = (byte: number | undefined) => (byte ? Math.clz32(byte) - 23 : 0);

function* ebmlElements(bytes: Buffer, from: number, to: number): Generator<{ id: number; body: number; end: number }> {
	for (let at = from; at < to; ) {
		const idLength = vintLength(bytes[at]);
		const sizeLength = vintLength(bytes[at + idLength]);
		if (!idLength || !sizeLength || at + idLength + sizeLength > to) return;
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

function webmSize(bytes: Buffer): MaskSize | undefined {
	const find = (from: number, to: number, id: number) => [...ebmlElements(bytes, from, to)].filter((entry) => entry.id === id);
	const uint = (entry: { body: number; end: number } | undefined) => (entry ? bytes.subarray(entry.body, entry.end).reduce((value, byte) => value * 256 + byte, 0) : 0);
	for (const segment of find(0, bytes.length, ID.segment)) {
		for (const tracks of find(segment.body, segment.end, ID.tracks)) {
			for (const track of find(tracks.body, tracks.end, ID.trackEntry)) {
				const [video] = find(track.body, track.end, ID.video);
				if (!video) continue;
				return { width: uint(find(video.body, video.end, ID.pixelWidth)[0]), height: uint(find(video.body, video.end, ID.pixelHeight)[0]) };
			}
		}
	}
	return undefined;
}

/** The DocType ("webm", "matroska") in the EBML header at the start of `bytes`, if it is within them. */
export function ebmlDocType(bytes: Buffer): string | undefined {
	const [header] = [...ebmlElements(bytes, 0, bytes.length)];
	if (header?.id !== EBML) return undefined;
	const docType = [...ebmlElements(bytes, header.body, header.end)].find((entry) => entry.id === ID.docType);
	return docType && bytes.toString('latin1', docType.body, docType.end);
}
