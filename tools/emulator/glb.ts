/**
 * Binary glTF 2.0 (GLB) written by hand for the 3D endpoints' TEST-DOUBLE models: a 12-byte header ('glTF',
 * version 2, total length), a JSON chunk and a BIN chunk, each 4-byte aligned (glTF 2.0 spec §4.4). Meshes are
 * boxes: 24 vertices (flat normals per face), 36 indices, vertex colours, or UVs and a PNG texture per box
 * (fal's `export_textured_glb`: "baked texture and UVs instead of vertex colors"). POSITION carries min/max, as the
 * spec requires. No library: ~100 lines are simpler than a glTF toolkit for one shape.
 */

export interface BoxMesh {
	name: string;
	/** Half extents along x, y, z (metres, glTF's unit). */
	half: [number, number, number];
	/** Node translation in the scene (the object's place; fal's per-object metadata says the same). */
	translation?: [number, number, number];
	/** Node rotation quaternion [x, y, z, w]. */
	rotation?: [number, number, number, number];
	/** Linear RGB 0..1 of every vertex (when the box has no texture). */
	color: [number, number, number];
	/** A PNG baked onto every face of the box (UV 0..1) in place of vertex colours. */
	texturePng?: Buffer;
}

export interface GlbOptions {
	/** `asset.generator`: says what made the file. */
	generator?: string;
	/** Grow the file to at least this many bytes with an unreferenced buffer view of zeros (still valid glTF). */
	minBytes?: number;
}

// Per face: normal, then the four corners (as signs of the half extents), counter-clockwise seen from outside.
const FACES: Array<{ n: [number, number, number]; c: Array<[number, number, number]> }> = [
	{ n: [1, 0, 0], c: [[1, -1, 1], [1, -1, -1], [1, 1, -1], [1, 1, 1]] },
	{ n: [-1, 0, 0], c: [[-1, -1, -1], [-1, -1, 1], [-1, 1, 1], [-1, 1, -1]] },
	{ n: [0, 1, 0], c: [[-1, 1, 1], [1, 1, 1], [1, 1, -1], [-1, 1, -1]] },
	{ n: [0, -1, 0], c: [[-1, -1, -1], [1, -1, -1], [1, -1, 1], [-1, -1, 1]] },
	{ n: [0, 0, 1], c: [[-1, -1, 1], [1, -1, 1], [1, 1, 1], [-1, 1, 1]] },
	{ n: [0, 0, -1], c: [[1, -1, -1], [-1, -1, -1], [-1, 1, -1], [1, 1, -1]] },
];
const UV = [0, 1, 1, 1, 1, 0, 0, 0];
const INDICES = FACES.flatMap((_, f) => [0, 1, 2, 0, 2, 3].map((i) => f * 4 + i));

const ARRAY_BUFFER = 34962;
const ELEMENT_ARRAY_BUFFER = 34963;
const FLOAT = 5126;
const UNSIGNED_SHORT = 5123;

const pad4 = (buffer: Buffer, fill: number) => (buffer.length % 4 ? Buffer.concat([buffer, Buffer.alloc(4 - (buffer.length % 4), fill)]) : buffer);
const floats = (values: number[]) => Buffer.from(new Float32Array(values).buffer);

export function writeGlb(boxes: BoxMesh[], options: GlbOptions = {}): Buffer {
	const pieces: Buffer[] = [];
	const bufferViews: object[] = [];
	const accessors: object[] = [];
	let offset = 0;
	const view = (bytes: Buffer, target?: number) => {
		const padded = pad4(bytes, 0);
		bufferViews.push({ buffer: 0, byteOffset: offset, byteLength: bytes.length, ...(target && { target }) });
		pieces.push(padded);
		offset += padded.length;
		return bufferViews.length - 1;
	};
	const accessor = (bytes: Buffer, spec: object, target?: number) => {
		accessors.push({ bufferView: view(bytes, target), byteOffset: 0, ...spec });
		return accessors.length - 1;
	};
	const indices = accessor(Buffer.from(new Uint16Array(INDICES).buffer), { componentType: UNSIGNED_SHORT, count: INDICES.length, type: 'SCALAR' }, ELEMENT_ARRAY_BUFFER);
	const normals = accessor(floats(FACES.flatMap((face) => face.c.flatMap(() => face.n))), { componentType: FLOAT, count: 24, type: 'VEC3' }, ARRAY_BUFFER);
	const anyTexture = boxes.some((box) => box.texturePng);
	const uvs = anyTexture ? accessor(floats(FACES.flatMap(() => UV)), { componentType: FLOAT, count: 24, type: 'VEC2' }, ARRAY_BUFFER) : undefined;
	const images: object[] = [];
	const materials: object[] = [];
	const meshes = boxes.map((box) => {
		const positions = FACES.flatMap((face) => face.c.flatMap((corner) => corner.map((sign, axis) => sign * box.half[axis])));
		const position = accessor(floats(positions), { componentType: FLOAT, count: 24, type: 'VEC3', min: box.half.map((h) => -h), max: [...box.half] }, ARRAY_BUFFER);
		const attributes: Record<string, number> = { POSITION: position, NORMAL: normals };
		if (box.texturePng) {
			attributes.TEXCOORD_0 = uvs!;
			images.push({ bufferView: view(box.texturePng), mimeType: 'image/png' });
			materials.push({ name: `${box.name}-baked`, pbrMetallicRoughness: { baseColorTexture: { index: images.length - 1 }, metallicFactor: 0 } });
		} else {
			attributes.COLOR_0 = accessor(floats(Array.from({ length: 24 }, () => box.color).flat()), { componentType: FLOAT, count: 24, type: 'VEC3' }, ARRAY_BUFFER);
			materials.push({ name: `${box.name}-vertex-colours`, pbrMetallicRoughness: { baseColorFactor: [1, 1, 1, 1], metallicFactor: 0 } });
		}
		return { name: box.name, primitives: [{ attributes, indices, material: materials.length - 1, mode: 4 }] };
	});
	const texture = images.length
		? { images, textures: images.map((_, source) => ({ source, sampler: 0 })), samplers: [{ magFilter: 9729, minFilter: 9729 }] }
		: {};
	if (options.minBytes && options.minBytes > offset) view(Buffer.alloc(options.minBytes - offset));
	const gltf = {
		asset: { version: '2.0', generator: options.generator ?? 'n8n-nodes-sam3 provider emulator (test double)' },
		scene: 0,
		scenes: [{ nodes: boxes.map((_, i) => i) }],
		nodes: boxes.map((box, i) => ({ name: box.name, mesh: i, ...(box.translation && { translation: box.translation }), ...(box.rotation && { rotation: box.rotation }) })),
		meshes,
		materials,
		...texture,
		accessors,
		bufferViews,
		buffers: [{ byteLength: offset }],
	};
	const json = pad4(Buffer.from(JSON.stringify(gltf)), 0x20);
	const bin = Buffer.concat(pieces);
	const chunk = (type: number, data: Buffer) => {
		const head = Buffer.alloc(8);
		head.writeUInt32LE(data.length, 0);
		head.writeUInt32LE(type, 4);
		return Buffer.concat([head, data]);
	};
	const body = Buffer.concat([chunk(0x4e4f534a, json), chunk(0x004e4942, bin)]);
	const header = Buffer.alloc(12);
	header.write('glTF', 0, 'ascii');
	header.writeUInt32LE(2, 4);
	header.writeUInt32LE(12 + body.length, 8);
	return Buffer.concat([header, body]);
}
