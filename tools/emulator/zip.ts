/**
 * A ZIP archive of stored (uncompressed) entries, written by hand: fal's `boundingbox_frames_zip` is a zip of
 * per-frame overlays (sam3-family.md §5; its inner layout is undocumented). Stored entries with CRC-32 are the
 * plainest valid ZIP (APPNOTE 4.3): every unzip tool, and n8n's Compression node (fflate), reads them.
 */
import { crc32 } from 'node:zlib';

export interface ZipEntry {
	name: string;
	data: Buffer;
}

const u16 = (v: number) => {
	const b = Buffer.alloc(2);
	b.writeUInt16LE(v);
	return b;
};
const u32 = (v: number) => {
	const b = Buffer.alloc(4);
	b.writeUInt32LE(v >>> 0);
	return b;
};

/** 1980-01-01 00:00: a fixed date keeps the archive deterministic. */
const DOS_TIME = u16(0);
const DOS_DATE = u16((0 << 9) | (1 << 5) | 1);

export function writeZip(entries: ZipEntry[]): Buffer {
	const locals: Buffer[] = [];
	const centrals: Buffer[] = [];
	let offset = 0;
	for (const { name, data } of entries) {
		const fileName = Buffer.from(name, 'utf8');
		const crc = u32(crc32(data));
		// version 2.0, flag bit 11: UTF-8 names, method 0: stored.
		const common = Buffer.concat([u16(20), u16(0x0800), u16(0), DOS_TIME, DOS_DATE, crc, u32(data.length), u32(data.length), u16(fileName.length)]);
		const local = Buffer.concat([u32(0x04034b50), common, u16(0), fileName, data]);
		centrals.push(Buffer.concat([u32(0x02014b50), u16(20), common, u16(0), u16(0), u16(0), u16(0), u32(0), u32(offset), fileName]));
		locals.push(local);
		offset += local.length;
	}
	const directory = Buffer.concat(centrals);
	const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(entries.length), u16(entries.length), u32(directory.length), u32(offset), u16(0)]);
	return Buffer.concat([...locals, directory, end]);
}
