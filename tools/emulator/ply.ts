/**
 * PLY files for the 3D endpoints' TEST-DOUBLE outputs, binary_little_endian 1.0:
 * - a Gaussian splat (fal's `gaussian_splat`, `individual_splats`): one vertex per Gaussian with the properties 3D
 *   Gaussian Splatting viewers read — x y z, f_dc_0..2 (colour as the 0th spherical-harmonic coefficient),
 *   opacity (pre-sigmoid), scale_0..2 (log scale), rot_0..3 (quaternion w, x, y, z), all float;
 * - a triangle mesh (3d-body's per-person `meshes`, 3d-align's `body_mesh_ply`): vertex x y z + face list.
 */

export interface Splat {
	x: number;
	y: number;
	z: number;
	/** Linear RGB 0..1. */
	color: [number, number, number];
	/** Gaussian radius (metres). */
	size: number;
}

export const SPLAT_PROPERTIES = ['x', 'y', 'z', 'f_dc_0', 'f_dc_1', 'f_dc_2', 'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3'];
const SPLAT_BYTES = SPLAT_PROPERTIES.length * 4;
/** SH degree-0 basis constant: colour = 0.5 + C0 * f_dc. */
const C0 = 0.28209479177387814;

const header = (lines: string[]) => Buffer.from(['ply', 'format binary_little_endian 1.0', 'comment n8n-nodes-sam3 provider emulator (test double)', ...lines, 'end_header', ''].join('\n'), 'ascii');

function splatRecord(splat: Splat): Buffer {
	const values = [
		splat.x,
		splat.y,
		splat.z,
		...splat.color.map((c) => (c - 0.5) / C0),
		4.0, // sigmoid(4) ≈ 0.98: nearly opaque
		...[0, 1, 2].map(() => Math.log(splat.size)),
		1,
		0,
		0,
		0,
	];
	return Buffer.from(new Float32Array(values).buffer);
}

/**
 * The splats as a PLY. `minBytes`: the file padded to at least this size with copies of the last splat (a valid
 * file still, just a bigger scene) — for testing a client's size caps with a realistic 5–50 MB splat.
 */
export function writeSplatPly(splats: Splat[], minBytes = 0): Buffer {
	const base = splats.length ? splats : [{ x: 0, y: 0, z: 0, color: [0.5, 0.5, 0.5] as [number, number, number], size: 0.01 }];
	const headerFor = (count: number) => header([`element vertex ${count}`, ...SPLAT_PROPERTIES.map((name) => `property float ${name}`)]);
	const extra = Math.max(0, Math.ceil((minBytes - headerFor(base.length).length - base.length * SPLAT_BYTES) / SPLAT_BYTES) + 1);
	const count = base.length + (minBytes > 0 ? extra : 0);
	const head = headerFor(count);
	const out = Buffer.alloc(head.length + count * SPLAT_BYTES);
	head.copy(out);
	base.forEach((splat, i) => splatRecord(splat).copy(out, head.length + i * SPLAT_BYTES));
	// Buffer.fill repeats the pattern: tens of MB in one call.
	if (count > base.length) out.fill(splatRecord(base[base.length - 1]), head.length + base.length * SPLAT_BYTES);
	return out;
}

/** A triangle mesh as a PLY: float vertices, faces as `uchar` counts and `int` indices. */
export function writeMeshPly(vertices: Array<[number, number, number]>, triangles: Array<[number, number, number]>): Buffer {
	const head = header([`element vertex ${vertices.length}`, 'property float x', 'property float y', 'property float z', `element face ${triangles.length}`, 'property list uchar int vertex_indices']);
	const body = Buffer.alloc(vertices.length * 12 + triangles.length * 13);
	vertices.forEach((v, i) => v.forEach((c, k) => body.writeFloatLE(c, i * 12 + k * 4)));
	const faces = vertices.length * 12;
	triangles.forEach((t, i) => {
		body.writeUInt8(3, faces + i * 13);
		t.forEach((index, k) => body.writeInt32LE(index, faces + i * 13 + 1 + k * 4));
	});
	return Buffer.concat([head, body]);
}

/** A box's 8 corners and 12 triangles (a body's stand-in mesh), centred on `center`. */
export function boxMesh(center: [number, number, number], half: [number, number, number]) {
	const vertices: Array<[number, number, number]> = [];
	for (const sx of [-1, 1]) for (const sy of [-1, 1]) for (const sz of [-1, 1]) vertices.push([center[0] + sx * half[0], center[1] + sy * half[1], center[2] + sz * half[2]]);
	// Corner index = 4*sx + 2*sy + sz (0 = minus, 1 = plus).
	const quads = [
		[0, 1, 3, 2],
		[4, 6, 7, 5],
		[0, 4, 5, 1],
		[2, 3, 7, 6],
		[0, 2, 6, 4],
		[1, 5, 7, 3],
	];
	const triangles = quads.flatMap(([a, b, c, d]) => [[a, b, c] as [number, number, number], [a, c, d] as [number, number, number]]);
	return { vertices, triangles };
}
