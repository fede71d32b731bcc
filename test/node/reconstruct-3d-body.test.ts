/**
 * Reconstruct 3D Body through the real engine against the emulator: a photo of people in, one GLB, a mesh per
 * person and the visualization named after the photo out, each person's box and keypoints in the JSON; options
 * sent as fal names them. Runflow's refusal and Max Wait: test/reliability/tracks-and-3d.test.ts.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import { runSam3 } from './fixture';
import { binaryNames, onlySubmit, useEmulator } from './harness';

const emulator = useEmulator();

/** Two "people": tall dark figures on a light backdrop, at x 30–70 and 120–160. */
async function photo(): Promise<Buffer> {
	const rgb = Buffer.alloc(200 * 150 * 3, 240);
	const paint = (x0: number, x1: number, color: number[]) => {
		for (let y = 20; y < 140; y++) for (let x = x0; x < x1; x++) rgb.set(color, (y * 200 + x) * 3);
	};
	paint(30, 70, [60, 40, 120]);
	paint(120, 160, [40, 110, 60]);
	return await sharp(rgb, { raw: { width: 200, height: 150, channels: 3 } }).png().toBuffer();
}

/** A new node's panel (node version 2): the operation's options and the job's in one Options collection. */
const CURRENT = { typeVersion: 2 };

async function reconstruct(parameters: INodeParameters, run: { provider?: 'falApi' | 'runflowApi'; continueOnFail?: boolean } = {}) {
	const imageUrl = emulator().hostImage(await photo(), 'image/png', 'runners.png');
	return { imageUrl, result: await runSam3(emulator(), { ...CURRENT, ...run, parameters: { operation: 'reconstruct3dBody', imageUrl, ...parameters } }) };
}

describe('Reconstruct 3D Body', () => {
	it('gives the GLB, a mesh per person and the visualization, named after the photo, and each person\'s box and keypoints', async () => {
		const { imageUrl, result } = await reconstruct({});
		expect(result.error).toBeUndefined();
		expect(onlySubmit(emulator()).url).toBe('/fal-queue/fal-ai/sam-3/3d-body');
		expect(onlySubmit(emulator()).body).toEqual({ image_url: imageUrl });
		const [item] = result.items;
		const people = item.json.people as IDataObject[];
		expect(item.json).toMatchObject({ model: 'fal-ai/sam-3/3d-body', peopleCount: people.length });
		expect(people.length).toBeGreaterThanOrEqual(1);
		expect(binaryNames(item)).toEqual(['model', ...people.map((_, index) => `person_${index}`), 'visualization'].sort());
		expect(item.binary!.model.fileName).toBe('runners-body.glb');
		expect(item.binary!.visualization).toMatchObject({ fileName: 'runners-visualization.png', mimeType: 'image/png' });
		expect(item.binary!.person_0).toMatchObject({ fileName: 'runners-person-0.ply', mimeType: 'application/x-ply' });
		expect((await result.readBinary(item, 'model')).toString('latin1', 0, 4)).toBe('glTF');
		const [first] = people;
		expect(first).toMatchObject({ personId: 0, box: { xMin: expect.any(Number), yMin: expect.any(Number), xMax: expect.any(Number), yMax: expect.any(Number) }, focalLength: expect.any(Number) });
		expect(first.keypoints2d).toHaveLength(70);
		expect((first.mesh as IDataObject).binaryProperty).toBe('person_0');
		expect(item.json.cost).toEqual({ estimatedUsd: 0.02, basis: expect.stringContaining('fal-ai/sam-3/3d-body'), estimate: true });
	});

	it('sends the options as fal names them; without meshes there is no mesh file', async () => {
		const mask = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#000' } })
			.composite([{ input: { create: { width: 40, height: 120, channels: 3, background: '#fff' } }, left: 30, top: 20 }])
			.png()
			.toBuffer();
		const maskUrl = emulator().hostImage(mask, 'image/png', 'mask.png');
		const { imageUrl, result } = await reconstruct({ options: { maskUrl, exportMeshes: false, include3dKeypoints: false } });
		expect(result.error).toBeUndefined();
		expect(onlySubmit(emulator()).body).toEqual({ image_url: imageUrl, mask_url: maskUrl, export_meshes: false, include_3d_keypoints: false });
		expect(binaryNames(result.items[0])).toEqual(['model', 'visualization']);
		expect(result.items[0].json.peopleCount).toBe(1);
	});

	it('names a bad option as the panel shows it, under Options, and sends nothing', async () => {
		const { result } = await reconstruct({ options: { maskUrl: 'person-mask.png' } }, { continueOnFail: true });
		expect(result.errorItems[0].json.error).toMatchObject({ message: expect.stringMatching(/^Options > Person Mask URL \(mask_url\) in item 0 is not valid/) });
		expect(emulator().requests.filter((entry) => entry.route !== null && entry.route !== 'files.get')).toEqual([]);
	});

});

describe('Align 3D Body and Object', () => {
	it('places a person\'s mesh from Reconstruct 3D Body, with an object\'s GLB, in one scene named after the photo', async () => {
		const { imageUrl, result: body } = await reconstruct({});
		const person = (body.items[0].json.people as IDataObject[])[0];
		const bodyMeshUrl = (person.mesh as IDataObject).url as string;
		const objectMeshUrl = (body.items[0].json.glb as IDataObject).url as string;
		emulator().requests.length = 0;

		const result = await runSam3(emulator(), {
			...CURRENT,
			parameters: { operation: 'align3d', imageUrl, bodyMeshUrl, options: { objectMeshUrl, focalLength: 800 } },
		});
		expect(result.error).toBeUndefined();
		expect(onlySubmit(emulator()).url).toBe('/fal-queue/fal-ai/sam-3/3d-align');
		expect(onlySubmit(emulator()).body).toEqual({ image_url: imageUrl, body_mesh_url: bodyMeshUrl, object_mesh_url: objectMeshUrl, focal_length: 800 });
		const [item] = result.items;
		expect(binaryNames(item)).toEqual(['bodyMesh', 'model', 'scene', 'visualization']);
		expect(item.binary!.scene.fileName).toBe('runners-scene.glb');
		expect((await result.readBinary(item, 'scene')).toString('latin1', 0, 4)).toBe('glTF');
		expect(item.json.alignment).toMatchObject({ personId: 0, focalLength: 800, translation: [expect.any(Number), expect.any(Number), expect.any(Number)] });
		expect(item.json.cost).toMatchObject({ estimatedUsd: 0.02 });
	});

	it('needs the body mesh URL, names a bad option under Options, before anything is sent', async () => {
		const imageUrl = emulator().hostImage(await photo(), 'image/png', 'runners.png');
		const result = await runSam3(emulator(), { ...CURRENT, continueOnFail: true, parameters: { operation: 'align3d', imageUrl, bodyMeshUrl: '={{ "" }}' } });
		expect(result.errorItems[0].json.error).toMatchObject({ message: expect.stringMatching(/^Body Mesh URL \(body_mesh_url\) in item 0 is not valid: a body mesh is required/) });
		const focal = await runSam3(emulator(), { ...CURRENT, continueOnFail: true, parameters: { operation: 'align3d', imageUrl, bodyMeshUrl: imageUrl, options: { focalLength: 'wide' } } });
		expect(focal.errorItems[0].json.error).toMatchObject({ message: expect.stringMatching(/^Options > Focal Length \(focal_length\) in item 0 is not valid/) });
		expect(emulator().requests.filter((entry) => entry.route !== null && entry.route !== 'files.get')).toEqual([]);
	});

	it('on Runflow: refused per item, naming the provider, before anything is sent', async () => {
		const imageUrl = emulator().hostImage(await photo(), 'image/png', 'runners.png');
		const result = await runSam3(emulator(), { ...CURRENT, provider: 'runflowApi', continueOnFail: true, parameters: { operation: 'align3d', imageUrl, bodyMeshUrl: imageUrl } });
		expect(result.errorItems[0].json.error).toMatchObject({ field: 'Provider', message: expect.stringMatching(/Runflow .*choose fal\.ai/) });
		expect(emulator().requests.filter((entry) => entry.route !== null && entry.route !== 'files.get')).toEqual([]);
	});
});
