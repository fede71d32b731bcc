/**
 * The tests' own readers of the 3D files (written from the formats' specs, not from the emulator's writers):
 * GLB (glTF 2.0 §4.4 binary container), binary little-endian PLY, stored-entry ZIP (APPNOTE 4.3). Each checks what a
 * viewer or unzip tool would refuse: magic, version, lengths, alignment, accessor bounds, CRC-32.
 */
import { crc32 } from 'node:zlib';

export interface Gltf {
	asset: { version: string; generator?: string };
	scene?: number;
	scenes: Array<{ nodes: number[] }>;
	nodes: Array<{ name?: string; mesh?: number; translation?: number[]; rotation?: number[] }>;
	meshes: Array<{ name?: string; primitives: Array<{ attributes: Record<string, number>; indices?: number; material?: number; mode?: number }> }>;
	materials?: Array<Record<string, any>>;
	images?: Array<{ bufferView: number; mimeType: string }>;
	accessors: Array<{ bufferView: number; byteOffset?: number; componentType: number; count: number; type: string; min?: number[]; max?: number[] }>;
	bufferViews: Array<{ buffer: number; byteOffset?: number; byteLength: number }>;
	buffers: Array<{ byteLength: number }>;
}

const COMPONENTS: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT4: 16 };
const COMPONENT_BYTES: Record<number, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };

/** Parses and checks a GLB; returns its JSON, its BIN chunk and a reader of accessors. */
export function readGlb(bytes: Buffer) {
	if (bytes.toString('latin1', 0, 4) !== 'glTF') throw new Error('not a GLB: magic');
	if (bytes.readUInt32LE(4) !== 2) throw new Error('not glTF 2');
	if (bytes.readUInt32LE(8) !== bytes.length) throw new Error(`length ${bytes.readUInt32LE(8)} != ${bytes.length}`);
	const jsonLength = bytes.readUInt32LE(12);
	if (bytes.readUInt32LE(16) !== 0x4e4f534a) throw new Error('first chunk is not JSON');
	if (jsonLength % 4) throw new Error('JSON chunk not 4-byte aligned');
	const gltf = JSON.parse(bytes.toString('utf8', 20, 20 + jsonLength)) as Gltf;
	const binAt = 20 + jsonLength;
	const binLength = bytes.readUInt32LE(binAt);
	if (bytes.readUInt32LE(binAt + 4) !== 0x004e4942) throw new Error('second chunk is not BIN');
	if (binAt + 8 + binLength !== bytes.length) throw new Error('chunks do not fill the file');
	const bin = bytes.subarray(binAt + 8, binAt + 8 + binLength);
	if (gltf.asset.version !== '2.0') throw new Error('asset.version');
	if (gltf.buffers[0].byteLength > bin.length || bin.length - gltf.buffers[0].byteLength > 3) throw new Error('buffer length vs BIN chunk');
	for (const view of gltf.bufferViews) if ((view.byteOffset ?? 0) + view.byteLength > gltf.buffers[0].byteLength) throw new Error('buffer view out of the buffer');
	const accessor = (index: number): number[] => {
		const a = gltf.accessors[index];
		const view = gltf.bufferViews[a.bufferView];
		const n = a.count * COMPONENTS[a.type];
		if ((a.byteOffset ?? 0) + n * COMPONENT_BYTES[a.componentType] > view.byteLength) throw new Error(`accessor ${index} out of its view`);
		const at = (view.byteOffset ?? 0) + (a.byteOffset ?? 0);
		return Array.from({ length: n }, (_, i) => (a.componentType === 5126 ? bin.readFloatLE(at + i * 4) : a.componentType === 5123 ? bin.readUInt16LE(at + i * 2) : bin.readUInt32LE(at + i * 4)));
	};
	for (const mesh of gltf.meshes) {
		for (const primitive of mesh.primitives) {
			const position = gltf.accessors[primitive.attributes.POSITION];
			if (!position.min || !position.max) throw new Error('POSITION without min/max');
			const values = accessor(primitive.attributes.POSITION);
			for (let axis = 0; axis < 3; axis++) {
				const along = values.filter((_, i) => i % 3 === axis);
				if (Math.abs(Math.min(...along) - position.min[axis]) > 1e-5 || Math.abs(Math.max(...along) - position.max[axis]) > 1e-5) throw new Error('POSITION min/max wrong');
			}
			if (primitive.indices !== undefined && accessor(primitive.indices).some((i) => i >= position.count)) throw new Error('index past the vertices');
		}
	}
	return { gltf, bin, accessor, image: (index: number) => bin.subarray(gltf.bufferViews[gltf.images![index].bufferView].byteOffset ?? 0, (gltf.bufferViews[gltf.images![index].bufferView].byteOffset ?? 0) + gltf.bufferViews[gltf.images![index].bufferView].byteLength) };
}

/** Parses a binary little-endian PLY of float vertex properties (and an optional `list uchar int` face element). */
export function readPly(bytes: Buffer, options: { sample?: number } = {}) {
	const end = bytes.indexOf('end_header\n');
	if (bytes.toString('latin1', 0, 4) !== 'ply\n' || end < 0) throw new Error('not a PLY');
	const lines = bytes.toString('latin1', 0, end).split('\n');
	if (lines[1] !== 'format binary_little_endian 1.0') throw new Error(`format: ${lines[1]}`);
	const elements: Array<{ name: string; count: number; properties: string[] }> = [];
	for (const line of lines) {
		const [word, ...rest] = line.split(' ');
		if (word === 'element') elements.push({ name: rest[0], count: Number(rest[1]), properties: [] });
		if (word === 'property') elements[elements.length - 1].properties.push(rest.join(' '));
	}
	const vertexElement = elements.find((e) => e.name === 'vertex')!;
	if (!vertexElement.properties.every((p) => p.startsWith('float '))) throw new Error('non-float vertex property');
	const names = vertexElement.properties.map((p) => p.split(' ')[1]);
	let at = end + 'end_header\n'.length;
	if (options.sample !== undefined) {
		// Big files: only the first `sample` vertices read; the body must still be exactly what the header declares.
		if (elements.length !== 1 || bytes.length - at !== vertexElement.count * names.length * 4) throw new Error('PLY body does not match its header');
		const sample = Array.from({ length: Math.min(options.sample, vertexElement.count) }, (_, i) => Object.fromEntries(names.map((name, k) => [name, bytes.readFloatLE(at + (i * names.length + k) * 4)])));
		return { names, vertices: sample, faces: [] as number[][], count: vertexElement.count };
	}
	const vertices = Array.from({ length: vertexElement.count }, () => {
		const record = Object.fromEntries(names.map((name, k) => [name, bytes.readFloatLE(at + k * 4)]));
		at += names.length * 4;
		return record;
	});
	const faceElement = elements.find((e) => e.name === 'face');
	const faces = Array.from({ length: faceElement?.count ?? 0 }, () => {
		const n = bytes.readUInt8(at);
		const face = Array.from({ length: n }, (_, k) => bytes.readInt32LE(at + 1 + k * 4));
		at += 1 + n * 4;
		return face;
	});
	if (at !== bytes.length) throw new Error(`PLY body is ${bytes.length - at} bytes off its header`);
	return { names, vertices, faces, count: vertexElement.count };
}

/** The entries of a stored-entry ZIP, each checked against its CRC-32 (what an unzip tool checks). */
export function readZip(zip: Buffer): Map<string, Buffer> {
	const entries = new Map<string, Buffer>();
	for (let at = 0; zip.readUInt32LE(at) === 0x04034b50; ) {
		const size = zip.readUInt32LE(at + 18);
		const nameLength = zip.readUInt16LE(at + 26);
		const extra = zip.readUInt16LE(at + 28);
		const name = zip.toString('utf8', at + 30, at + 30 + nameLength);
		const data = zip.subarray(at + 30 + nameLength + extra, at + 30 + nameLength + extra + size);
		if (crc32(data) !== zip.readUInt32LE(at + 14)) throw new Error(`CRC of ${name}`);
		entries.set(name, data);
		at += 30 + nameLength + extra + size;
	}
	if (zip.readUInt32LE(zip.length - 22) !== 0x06054b50) throw new Error('no end of central directory');
	if (zip.readUInt16LE(zip.length - 12) !== entries.size) throw new Error('central directory count');
	return entries;
}
