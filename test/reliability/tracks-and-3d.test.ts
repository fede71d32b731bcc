/**
 * Track Objects, Reconstruct 3D Object, Reconstruct 3D Body and Align 3D Body and Object when things go wrong:
 * fal.ai only, so Runflow is refused per item before anything leaves; every give-up cancels the fal job; every 3D
 * file (GLB, PLY, ZIP) is recognised by its bytes and capped; Max Spend per Run holds their jobs to a budget.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import sharp from 'sharp';

import { makeTestVideo } from '../../tools/emulator/video-fixture';
import { writeMeshPly } from '../../tools/emulator/ply';
import type { RigInputItem } from '../../tools/rig';
import { eventually, logOf, runSam3, useEmulator } from './harness';

const emulator = useEmulator();
const MiB = 1024 * 1024;

let clip: Buffer;
beforeAll(async () => {
	clip = await makeTestVideo({ width: 64, height: 48, frames: 12 });
});

/** A product photo: a red box on a white backdrop (the emulator finds it by contrast). */
async function productPhoto(): Promise<string> {
	const photo = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#fafafa' } })
		.composite([{ input: { create: { width: 60, height: 90, channels: 3, background: '#c81e1e' } }, left: 40, top: 20 }])
		.png()
		.toBuffer();
	return emulator().hostImage(photo, 'image/png', 'sneaker-101.png');
}

const hostClip = () => emulator().hostImage(clip, 'video/mp4', 'court-clip.mp4');
const hostMesh = () => emulator().hostImage(writeMeshPly([[0, 0, 0], [1, 0, 0], [0, 1, 0]], [[0, 1, 2]]), 'application/octet-stream', 'body.ply');

/** Each operation's parameters for one valid item, and the fal endpoint it runs. */
const OPERATIONS: Record<string, { endpoint: string; parameters: () => Promise<INodeParameters> }> = {
	'Track Objects in a Video': {
		endpoint: 'fal-ai/sam-3/video-rle-objects',
		parameters: async () => ({ operation: 'trackObjects', videoUrl: hostClip(), prompt: 'ball', options: { detectionThreshold: 0.01 } }),
	},
	'Reconstruct 3D Object': { endpoint: 'fal-ai/sam-3/3d-objects', parameters: async () => ({ operation: 'reconstruct3dObject', imageUrl: await productPhoto(), prompt: 'sneaker' }) },
	'Reconstruct 3D Body': { endpoint: 'fal-ai/sam-3/3d-body', parameters: async () => ({ operation: 'reconstruct3dBody', imageUrl: await productPhoto() }) },
	'Align 3D Body and Object': {
		endpoint: 'fal-ai/sam-3/3d-align',
		parameters: async () => ({ operation: 'align3d', imageUrl: await productPhoto(), bodyMeshUrl: hostMesh() }),
	},
};

async function runOperation(name: string, extra: { parameters?: INodeParameters; provider?: 'falApi' | 'runflowApi'; items?: RigInputItem[] } = {}) {
	const { parameters = {}, ...run } = extra;
	const base = await OPERATIONS[name].parameters();
	// The current panel (node version 2): one Options collection per operation, a case's options added to the operation's own.
	const options = { ...(base.options as INodeParameters | undefined), ...(parameters.options as INodeParameters | undefined) } as INodeParameters;
	return await runSam3(emulator(), { typeVersion: 2, continueOnFail: true, binaryMode: 'filesystem', ...run, parameters: { ...base, ...parameters, options } });
}

const errorOf = (result: Awaited<ReturnType<typeof runSam3>>, index = 0) => result.items[index].json.error as IDataObject;
/** Requests to the providers' APIs and upload slots (the emulator fetching the input from its file host is not one). */
const providerCalls = () => emulator().requests.filter((entry) => entry.route !== null && entry.route !== 'files.get');
const falJobsCreated = () => emulator().stats().jobs.fal.created;

// Literal tables: RELIABILITY.md's doc-sync lists one case per value (test/reliability/catalogue.ts).
describe('the newer operations run on fal.ai only', () => {
	it.each(['Track Objects in a Video', 'Reconstruct 3D Object', 'Reconstruct 3D Body', 'Align 3D Body and Object'])('%s on a Runflow credential: refused per item, naming the provider, nothing sent', async (name) => {
		const result = await runOperation(name, { provider: 'runflowApi' });
		expect(errorOf(result)).toMatchObject({ field: 'Provider', itemIndex: 0, message: expect.stringMatching(/Runflow .*choose fal\.ai/) });
		expect(providerCalls()).toEqual([]);
	});
});

describe('giving up on a job of the newer operations cancels it', () => {
	it.each(['Track Objects in a Video', 'Reconstruct 3D Object', 'Reconstruct 3D Body', 'Align 3D Body and Object'])('%s past Max Wait: the item fails saying so, the fal job is cancelled', async (name) => {
		emulator().jobs.script({ latencyMs: 5_000 });
		const result = await runOperation(name, { parameters: { options: { maxWaitSeconds: 1 } } });
		const [job] = emulator().jobs.list();
		expect(errorOf(result)).toMatchObject({ errorType: 'max_wait_exceeded', requestId: job.id });
		// Every SAM 3 endpoint is an app of fal-ai/sam-3: its status and cancel live there.
		expect(OPERATIONS[name].endpoint.startsWith('fal-ai/sam-3/')).toBe(true);
		expect(logOf(emulator(), 'fal.cancel').map((entry) => entry.url)).toEqual([`/fal-queue/fal-ai/sam-3/requests/${job.id}/cancel`]);
		expect(job.state).toBe('cancelled');
	});
});

/** Reconstruct 3D Object's files: where fal answers each, the binary field and name it is stored as, what it must be. */
const FILES_3D: Record<string, { answerField: string; binaryField: string; fileName: string; kind: string; errorType: string; download: string; capMiB: number }> = {
	GLB: { answerField: 'model_glb', binaryField: 'model', fileName: 'sneaker-101-model', kind: 'a GLB model', errorType: 'not_a_glb_model', download: 'glb', capMiB: 64 },
	'splat (PLY)': { answerField: 'gaussian_splat', binaryField: 'splat', fileName: 'sneaker-101-splat', kind: 'a PLY file', errorType: 'not_a_ply_file', download: 'splat', capMiB: 200 },
	'artifacts zip': { answerField: 'artifacts_zip', binaryField: 'artifacts', fileName: 'sneaker-101-artifacts', kind: 'a zip', errorType: 'not_a_zip', download: 'zip', capMiB: 512 },
};

describe('3D files are checked by their bytes and capped', () => {
	it.each(['GLB', 'splat (PLY)', 'artifacts zip'])('a 3D %s that is an HTML page on the CDN: refused by its bytes, named, not fetched again', async (name) => {
		const file = FILES_3D[name];
		const page = emulator().hostImage(Buffer.from('<html>Access denied</html>'), 'model/gltf-binary', `denied-${file.binaryField}.bin`);
		emulator().jobs.script({ resultBody: (body: IDataObject) => ({ ...body, [file.answerField]: { url: page, content_type: 'model/gltf-binary' } }) });
		const result = await runOperation('Reconstruct 3D Object', { parameters: { options: { download: ['glb', 'splat', 'zip'] } } });
		expect(errorOf(result)).toMatchObject({
			stage: 'download',
			errorType: file.errorType,
			field: file.binaryField,
			requestId: emulator().jobs.list()[0].id,
			message: expect.stringContaining(`${file.fileName} from `),
		});
		expect(String(errorOf(result).message)).toMatch(new RegExp(`is not ${file.kind}$`));
		expect(logOf(emulator(), 'files.get').filter((entry) => entry.url.includes(`denied-${file.binaryField}`))).toHaveLength(1);
	});

	it.each(['GLB', 'splat (PLY)', 'artifacts zip'])('a 3D %s whose Content-Length is over its cap: refused at once as too large, not downloaded, not fetched again', async (name) => {
		const file = FILES_3D[name];
		// `after: 1`: the provider's own fetch of the photo goes through; the node's one download (only this file is asked for) gets the fault.
		emulator().faults.add({ route: 'files.get', times: 'always', after: 1, fault: { kind: 'hugeFile', bytes: (file.capMiB + 100) * MiB, declareLength: true } });
		const result = await runOperation('Reconstruct 3D Object', { parameters: { options: { download: [file.download] } } });
		expect(errorOf(result)).toMatchObject({
			stage: 'download',
			errorType: 'file_too_large',
			field: file.binaryField,
			requestId: emulator().jobs.list()[0].id,
			message: expect.stringContaining(`${file.fileName} is larger than ${file.capMiB} MiB`),
		});
		const fetched = logOf(emulator(), 'files.get').filter((entry) => entry.fault);
		expect(fetched).toHaveLength(1);
		// Refused on its headers: what left the emulator is what the sockets took before the node hung up.
		expect(fetched[0].sentBytes).toBeLessThan(64 * MiB);
		await eventually(() => (emulator().stats().openNow['files.get'] ?? 0) === 0);
	});

	it('a large splat streams into filesystem storage whole; a GLB past its 64 MiB cap is refused by name', async () => {
		emulator().setLarge3dOutputs({ splatBytes: 20 * MiB });
		const big = await runOperation('Reconstruct 3D Object');
		expect(big.error).toBeUndefined();
		const splat = await big.readBinary(big.items[0], 'splat');
		expect(splat.length).toBeGreaterThanOrEqual(20 * MiB);
		expect(splat.length).toBe((big.items[0].json.splat as IDataObject).fileSize);

		emulator().setLarge3dOutputs({ glbBytes: 65 * MiB });
		const tooBig = await runOperation('Reconstruct 3D Object');
		expect(errorOf(tooBig)).toMatchObject({ errorType: 'file_too_large', stage: 'download', message: expect.stringContaining('sneaker-101-model is larger than 64 MiB') });
		emulator().setLarge3dOutputs(undefined);
	});
});

describe('Max Spend per Run on the newer operations', () => {
	it('Track Objects under Max Spend per Run: a clip by URL (length unknown) and a binary clip past the budget are refused, nothing uploaded or submitted', async () => {
		const byUrl = await runOperation('Track Objects in a Video', { parameters: { options: { maxSpendUsd: 5 } } });
		expect(errorOf(byUrl)).toMatchObject({ errorType: 'max_spend_reached', message: expect.stringMatching(/^Item 0 was not started: .*not known/) });
		// 12 frames: one block of 16 at $0.005, over a $0.004 budget.
		const binary = await runOperation('Track Objects in a Video', {
			items: [{ json: {}, binary: { data: { data: clip, mimeType: 'video/mp4', fileName: 'court-clip.mp4' } } }],
			parameters: { videoSource: 'binary', options: { maxSpendUsd: 0.004 } },
		});
		expect(errorOf(binary)).toMatchObject({ errorType: 'max_spend_reached', message: expect.stringMatching(/estimated \$0\.005.*over Max Spend per Run \(\$0\.004\)/) });
		expect(providerCalls()).toEqual([]);
	});

	it('Reconstruct 3D Object under Max Spend per Run: a job that found more objects than it reserved for adds the difference, so the run\'s later jobs see it', async () => {
		// A text prompt and a box: the emulator finds two objects (2 units, $0.04) where each job reserved one ($0.02).
		// Long enough that the first job's result is read while the second job runs.
		emulator().jobs.script({ latencyMs: 400, queueMs: 0, dispatchMs: 0 });
		const result = await runOperation('Reconstruct 3D Object', {
			items: [{ json: {} }, { json: {} }, { json: {} }],
			parameters: {
				options: { boxPrompts: '[{"x_min": 130, "y_min": 50, "x_max": 180, "y_max": 90}]', download: [], maxSpendUsd: 0.07, maxConcurrency: 1 },
			},
		});
		// Reserved $0.02 each, three would fit $0.07; but the first came to $0.04, so the third ($0.08 at least) does not.
		expect(falJobsCreated()).toBe(2);
		const done = result.items.filter((item) => item.json.objectCount !== undefined);
		expect(done.map((item) => item.json.cost)).toEqual([expect.objectContaining({ estimatedUsd: 0.04 }), expect.objectContaining({ estimatedUsd: 0.04 })]);
		expect(result.errorItems.map((item) => item.json.error)).toEqual([expect.objectContaining({ itemIndex: 2, errorType: 'max_spend_reached' })]);
	});
});
