/**
 * Video files for the emulator (a TEST DOUBLE: no real codec). It writes Motion-JPEG video in the two containers
 * fal's video endpoints name (MP4: ISO BMFF with a `jpeg` sample entry; WebM: Matroska with `V_MJPEG`), and reads
 * the size, frame count and (for Motion-JPEG) the frames of an MP4 or WebM file. Real fal encodes H.264 or VP9;
 * the emulator cannot, so its "X264 (.mp4)" and "VP9 (.webm)" answers are Motion-JPEG in those containers: still
 * files a player and n8n recognise by their bytes (ftyp / EBML), which is what a client of the API can check.
 */

export interface VideoInfo {
	container: 'mp4' | 'webm';
	width: number;
	height: number;
	frameCount: number;
	fps: number;
	/** The frames as JPEG files, when the video is Motion-JPEG (the emulator's own); undefined for other codecs. */
	jpegFrames?: Buffer[];
}

// ---- MP4 (ISO BMFF) -------------------------------------------------------------------------------

const u8 = (v: number) => Buffer.from([v & 0xff]);
const u16 = (v: number) => {
	const b = Buffer.alloc(2);
	b.writeUInt16BE(v & 0xffff);
	return b;
};
const u32 = (v: number) => {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(v >>> 0);
	return b;
};
const zeros = (n: number) => Buffer.alloc(n);

function box(type: string, ...parts: Buffer[]): Buffer {
	const payload = Buffer.concat(parts);
	return Buffer.concat([u32(8 + payload.length), Buffer.from(type, 'latin1'), payload]);
}
const fullBox = (type: string, version: number, flags: number, ...parts: Buffer[]) => box(type, u8(version), u8(flags >> 16), u16(flags), ...parts);
/** The identity transform every track and movie header carries. */
const MATRIX = Buffer.concat([0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].map(u32));

/** An MP4 of Motion-JPEG frames (one chunk), `fps` frames a second. */
export function writeMp4(frames: Buffer[], width: number, height: number, fps: number): Buffer {
	const durationMs = Math.round((frames.length * 1000) / fps);
	const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from('isomiso2mp41', 'latin1'));
	const sampleEntry = box(
		'jpeg',
		zeros(6),
		u16(1), // data reference index
		zeros(16),
		u16(width),
		u16(height),
		u32(0x00480000),
		u32(0x00480000),
		zeros(4),
		u16(1), // frames per sample
		zeros(32), // compressor name
		u16(0x18),
		u16(0xffff),
	);
	const stbl = (chunkOffset: number) =>
		box(
			'stbl',
			fullBox('stsd', 0, 0, u32(1), sampleEntry),
			fullBox('stts', 0, 0, u32(1), u32(frames.length), u32(1)),
			fullBox('stsc', 0, 0, u32(1), u32(1), u32(frames.length), u32(1)),
			fullBox('stsz', 0, 0, u32(0), u32(frames.length), ...frames.map((frame) => u32(frame.length))),
			fullBox('stco', 0, 0, u32(1), u32(chunkOffset)),
		);
	const moov = (chunkOffset: number) =>
		box(
			'moov',
			fullBox('mvhd', 0, 0, u32(0), u32(0), u32(1000), u32(durationMs), u32(0x00010000), u16(0x0100), zeros(10), MATRIX, zeros(24), u32(2)),
			box(
				'trak',
				fullBox('tkhd', 0, 3, u32(0), u32(0), u32(1), zeros(4), u32(durationMs), zeros(8), u16(0), u16(0), u16(0), zeros(2), MATRIX, u32(width << 16), u32(height << 16)),
				box(
					'mdia',
					fullBox('mdhd', 0, 0, u32(0), u32(0), u32(fps), u32(frames.length), u16(0x55c4), u16(0)),
					fullBox('hdlr', 0, 0, u32(0), Buffer.from('vide', 'latin1'), zeros(12), Buffer.from('VideoHandler\0', 'latin1')),
					box(
						'minf',
						fullBox('vmhd', 0, 1, zeros(8)),
						box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))),
						stbl(chunkOffset),
					),
				),
			),
		);
	// The chunk offset points into mdat, after ftyp and moov (whose size does not depend on the offset's value).
	const offset = ftyp.length + moov(0).length + 8;
	return Buffer.concat([ftyp, moov(offset), box('mdat', ...frames)]);
}

interface Mp4Box {
	type: string;
	start: number;
	end: number;
	body: number;
}

function* children(bytes: Buffer, from: number, to: number): Generator<Mp4Box> {
	let at = from;
	while (at + 8 <= to) {
		let size = bytes.readUInt32BE(at);
		const type = bytes.toString('latin1', at + 4, at + 8);
		let body = at + 8;
		if (size === 1) {
			size = Number(bytes.readBigUInt64BE(at + 8));
			body = at + 16;
		} else if (size === 0) size = to - at;
		if (size < body - at || at + size > to) throw new Error(`broken MP4 box "${type}"`);
		yield { type, start: at, end: at + size, body };
		at += size;
	}
}

function child(bytes: Buffer, parent: Mp4Box | undefined, path: string[]): Mp4Box | undefined {
	let current = parent;
	for (const type of path) {
		current = current && [...children(bytes, current.body, current.end)].find((entry) => entry.type === type);
	}
	return current;
}

function readMp4(bytes: Buffer): VideoInfo {
	const root: Mp4Box = { type: 'root', start: 0, end: bytes.length, body: 0 };
	const moov = child(bytes, root, ['moov']);
	const traks = moov ? [...children(bytes, moov.body, moov.end)].filter((entry) => entry.type === 'trak') : [];
	const video = traks.find((trak) => {
		const hdlr = child(bytes, trak, ['mdia', 'hdlr']);
		return hdlr && bytes.toString('latin1', hdlr.body + 8, hdlr.body + 12) === 'vide';
	});
	if (!video) throw new Error('no video track');
	const tkhd = child(bytes, video, ['tkhd'])!;
	const width = bytes.readUInt32BE(tkhd.end - 8) >>> 16;
	const height = bytes.readUInt32BE(tkhd.end - 4) >>> 16;
	const mdhd = child(bytes, video, ['mdia', 'mdhd'])!;
	const v1 = bytes[mdhd.body] === 1;
	const timescale = bytes.readUInt32BE(mdhd.body + (v1 ? 20 : 12));
	const duration = v1 ? Number(bytes.readBigUInt64BE(mdhd.body + 24)) : bytes.readUInt32BE(mdhd.body + 16);
	const stbl = child(bytes, video, ['mdia', 'minf', 'stbl'])!;
	const stsz = child(bytes, stbl, ['stsz'])!;
	const fixedSize = bytes.readUInt32BE(stsz.body + 4);
	const frameCount = bytes.readUInt32BE(stsz.body + 8);
	const sizes = Array.from({ length: frameCount }, (_, i) => (fixedSize || bytes.readUInt32BE(stsz.body + 12 + i * 4)));
	const codec = bytes.toString('latin1', child(bytes, stbl, ['stsd'])!.body + 12, child(bytes, stbl, ['stsd'])!.body + 16);
	const fps = duration > 0 ? Math.round((frameCount * timescale) / duration) : 0;
	const info: VideoInfo = { container: 'mp4', width, height, frameCount, fps };
	if (!['jpeg', 'mjpa', 'mjpb'].includes(codec)) return info;
	// Motion-JPEG: the samples, by chunk (stco) and samples per chunk (stsc).
	const stco = child(bytes, stbl, ['stco'])!;
	const offsets = Array.from({ length: bytes.readUInt32BE(stco.body + 4) }, (_, i) => bytes.readUInt32BE(stco.body + 8 + i * 4));
	const stsc = child(bytes, stbl, ['stsc'])!;
	const runs = Array.from({ length: bytes.readUInt32BE(stsc.body + 4) }, (_, i) => ({
		firstChunk: bytes.readUInt32BE(stsc.body + 8 + i * 12),
		perChunk: bytes.readUInt32BE(stsc.body + 12 + i * 12),
	}));
	const frames: Buffer[] = [];
	offsets.forEach((offset, chunk) => {
		const run = [...runs].reverse().find((entry) => entry.firstChunk <= chunk + 1);
		let at = offset;
		for (let i = 0; i < (run?.perChunk ?? 0) && frames.length < frameCount; i++) {
			frames.push(bytes.subarray(at, at + sizes[frames.length]));
			at += sizes[frames.length - 1];
		}
	});
	return { ...info, jpegFrames: frames };
}

// ---- WebM (Matroska) ------------------------------------------------------------------------------

const ids = {
	EBML: 0x1a45dfa3,
	Segment: 0x18538067,
	Info: 0x1549a966,
	Tracks: 0x1654ae6b,
	TrackEntry: 0xae,
	Video: 0xe0,
	PixelWidth: 0xb0,
	PixelHeight: 0xba,
	CodecID: 0x86,
	DefaultDuration: 0x23e383,
	Cluster: 0x1f43b675,
	SimpleBlock: 0xa3,
	BlockGroup: 0xa0,
	Block: 0xa1,
};

function idBytes(id: number): Buffer {
	const hex = id.toString(16);
	return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}
/** Sizes as 8-byte EBML numbers: simple, and valid for any size. */
function sizeBytes(size: number): Buffer {
	const b = Buffer.alloc(8);
	b.writeBigUInt64BE(BigInt(size) | (1n << 56n));
	return b;
}
const element = (id: number, ...parts: Buffer[]) => {
	const payload = Buffer.concat(parts);
	return Buffer.concat([idBytes(id), sizeBytes(payload.length), payload]);
};
const uint = (id: number, value: number) => element(id, u32(value));
const text = (id: number, value: string) => element(id, Buffer.from(value, 'latin1'));
const float = (id: number, value: number) => {
	const b = Buffer.alloc(8);
	b.writeDoubleBE(value);
	return element(id, b);
};

/** A WebM (Matroska) file of Motion-JPEG frames, one cluster, `fps` frames a second. */
export function writeWebm(frames: Buffer[], width: number, height: number, fps: number): Buffer {
	const frameMs = 1000 / fps;
	const header = element(ids.EBML, uint(0x4286, 1), uint(0x42f7, 1), uint(0x42f2, 4), uint(0x42f3, 8), text(0x4282, 'webm'), uint(0x4287, 2), uint(0x4285, 2));
	const info = element(ids.Info, uint(0x2ad7b1, 1_000_000), text(0x4d80, 'n8n-nodes-sam3 emulator'), text(0x5741, 'n8n-nodes-sam3 emulator'), float(0x4489, frames.length * frameMs));
	const track = element(
		ids.TrackEntry,
		uint(0xd7, 1),
		uint(0x73c5, 1),
		uint(0x83, 1),
		text(ids.CodecID, 'V_MJPEG'),
		uint(ids.DefaultDuration, Math.round(frameMs * 1_000_000)),
		element(ids.Video, uint(ids.PixelWidth, width), uint(ids.PixelHeight, height)),
	);
	const blocks = frames.map((frame, index) => element(ids.SimpleBlock, Buffer.from([0x81]), u16(Math.round(index * frameMs)), Buffer.from([0x80]), frame));
	const cluster = element(ids.Cluster, uint(0xe7, 0), ...blocks);
	return Buffer.concat([header, element(ids.Segment, info, element(ids.Tracks, track), cluster)]);
}

function readVint(bytes: Buffer, at: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } {
	const first = bytes[at];
	if (first === undefined || first === 0) throw new Error('broken EBML number');
	const length = Math.clz32(first) - 23;
	let value = BigInt(keepMarker ? first : first & (0xff >> length));
	for (let i = 1; i < length; i++) value = (value << 8n) | BigInt(bytes[at + i]);
	const unknown = !keepMarker && value === (1n << BigInt(7 * length)) - 1n;
	return { value: Number(value), length, unknown };
}

interface EbmlElement {
	id: number;
	body: number;
	end: number;
}

function* ebmlChildren(bytes: Buffer, from: number, to: number): Generator<EbmlElement> {
	let at = from;
	while (at < to) {
		const id = readVint(bytes, at, true);
		const size = readVint(bytes, at + id.length, false);
		const body = at + id.length + size.length;
		const end = size.unknown ? to : body + size.value;
		if (end > to) throw new Error('broken WebM element');
		yield { id: id.value, body, end };
		at = end;
	}
}

function readWebm(bytes: Buffer): VideoInfo {
	const top = [...ebmlChildren(bytes, 0, bytes.length)];
	const segment = top.find((entry) => entry.id === ids.Segment);
	if (!segment) throw new Error('no Segment');
	const parts = [...ebmlChildren(bytes, segment.body, segment.end)];
	const find = (list: EbmlElement[], id: number) => list.find((entry) => entry.id === id);
	const inside = (entry: EbmlElement | undefined) => (entry ? [...ebmlChildren(bytes, entry.body, entry.end)] : []);
	const readUint = (entry: EbmlElement | undefined) => (entry ? bytes.subarray(entry.body, entry.end).reduce((value, byte) => value * 256 + byte, 0) : 0);
	const track = inside(find(parts, ids.Tracks)).filter((entry) => entry.id === ids.TrackEntry).map(inside).find((entry) => find(entry, ids.Video));
	if (!track) throw new Error('no video track');
	const video = inside(find(track, ids.Video));
	const codecEntry = find(track, ids.CodecID);
	const codec = codecEntry ? bytes.toString('latin1', codecEntry.body, codecEntry.end) : '';
	const frameNs = readUint(find(track, ids.DefaultDuration));
	const frames: Buffer[] = [];
	for (const cluster of parts.filter((entry) => entry.id === ids.Cluster)) {
		for (const entry of inside(cluster)) {
			const block = entry.id === ids.SimpleBlock ? entry : entry.id === ids.BlockGroup ? find(inside(entry), ids.Block) : undefined;
			if (!block) continue;
			const trackNumber = readVint(bytes, block.body, false);
			frames.push(bytes.subarray(block.body + trackNumber.length + 3, block.end));
		}
	}
	return {
		container: 'webm',
		width: readUint(find(video, ids.PixelWidth)),
		height: readUint(find(video, ids.PixelHeight)),
		frameCount: frames.length,
		fps: frameNs ? Math.round(1e9 / frameNs) : 0,
		jpegFrames: codec === 'V_MJPEG' ? frames : undefined,
	};
}

/** What a video file holds, as far as the emulator can tell; throws when it is no MP4 or WebM it can read. */
export function readVideo(bytes: Buffer): VideoInfo {
	const info = bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp' ? readMp4(bytes) : bytes.length >= 4 && bytes.readUInt32BE(0) === ids.EBML ? readWebm(bytes) : undefined;
	if (!info) throw new Error('not an MP4 or WebM file');
	if (!(info.width > 0 && info.height > 0 && info.frameCount > 0)) throw new Error('no frames of a known size');
	return info;
}
