/**
 * The live contract check, run against the emulator standing in for fal.ai and Runflow: the same shape passes,
 * a drifted answer (a renamed, a missing and a retyped field) fails naming each, and nothing is spent without
 * a key, over the budget or without a yes.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { type Emulator, startEmulator } from '../../tools/emulator';
import { LIVE_ENDPOINTS, SAMPLES } from '../../tools/live/endpoints';
import { EXIT, type VerifyOptions, verifyLive } from '../../tools/live/verify';

let standIn: Emulator;
let truckUrl: string;

beforeAll(async () => {
	// The stand-in for the real providers: keys of its own, quick jobs.
	standIn = await startEmulator({ falKeys: ['live-id:live-secret'], runflowKeys: ['rf_live_stand_in'], defaults: { latencyMs: 20, queueMs: 10, dispatchMs: 5 } });
	const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 120, b: 160 } } })
		.composite([{ input: await sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 200, g: 40, b: 30 } } }).png().toBuffer(), left: 100, top: 80 }])
		.jpeg()
		.toBuffer();
	truckUrl = standIn.hostImage(photo, 'image/jpeg', 'truck.jpg');
});

afterAll(async () => {
	await standIn.close();
});

afterEach(() => {
	standIn.jobs.clearScripts();
	standIn.clearLog();
});

function options(overrides: Partial<VerifyOptions> = {}): VerifyOptions & { lines: string[] } {
	const lines: string[] = [];
	return {
		node: Sam3,
		targets: {
			fal: { key: standIn.keys.fal, urls: { run: standIn.falRunUrl, queue: standIn.falQueueUrl, rest: standIn.falRestUrl } },
			runflow: { key: standIn.keys.runflow, urls: { api: standIn.runflowUrl } },
		},
		yes: true,
		recordDir: mkdtempSync(join(tmpdir(), 'sam3-live-recorded-')),
		// The same stand-in photo for the 3D Body sample (the emulator finds a figure in it).
		samples: { truck: { ...SAMPLES.truck, url: truckUrl }, person: { ...SAMPLES.person, url: truckUrl } },
		out: (line) => lines.push(line),
		lines,
		...overrides,
	};
}

const submits = () => standIn.requests.filter((entry) => entry.route === 'fal.submit' || entry.route === 'fal.sync' || entry.route === 'runflow.create');

function recordedFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((provider) => readdirSync(join(dir, provider)).map((file) => join(dir, provider, file)));
}

test('without a key it explains the plan for every endpoint the node offers, sends nothing and exits 0', async () => {
	const run = options({ targets: {} });
	expect(await verifyLive(run)).toBe(EXIT.ok);
	const text = run.lines.join('\n');
	for (const endpoint of LIVE_ENDPOINTS) expect(text).toContain(endpoint.id);
	expect(text).not.toMatch(/does not offer this operation yet/);
	expect(text).toContain('estimated total $0.115 (budget $0.250)');
	expect(text).toContain('nothing was sent');
	expect(submits()).toHaveLength(0);
});

test('every endpoint the node offers answers in the emulator\'s shape: exit 0, one redacted recording each', async () => {
	const run = options();
	const code = await verifyLive(run);
	const text = run.lines.join('\n');
	expect({ code, text }).toEqual({ code: EXIT.ok, text: expect.stringContaining('All 12 endpoint(s) answer as the emulator does') });
	expect(text).not.toMatch(/does not offer this operation yet/);
	expect(text).toMatch(/total \$0\.115 \(budget \$0\.250\)/);
	expect(submits()).toHaveLength(12);
	const files = recordedFiles(run.recordDir);
	expect(files.map((file) => file.slice(run.recordDir.length + 1)).sort()).toEqual(
		[
			'fal/fal-ai--sam-3--image.json',
			'fal/fal-ai--sam-3--image-rle.json',
			'fal/fal-ai--sam-3-1--image.json',
			'fal/fal-ai--sam-3-1--image-rle.json',
			'fal/fal-ai--sam-3--video.json',
			'fal/fal-ai--sam-3--video-rle.json',
			'fal/fal-ai--sam-3-1--video.json',
			'fal/fal-ai--sam-3-1--video-rle.json',
			'runflow/meta--sam-3--image.json',
			'fal/fal-ai--sam-3--video-rle-objects.json',
			'fal/fal-ai--sam-3--3d-objects.json',
			'fal/fal-ai--sam-3--3d-body.json',
		].sort(),
	);
	for (const file of files) {
		const text = readFileSync(file, 'utf8');
		expect(text).not.toContain('live-secret');
		expect(text).not.toContain('rf_live_stand_in');
		// Links keep their host and extension only: no file path, no query.
		expect(text).not.toMatch(/\/files\/[0-9a-f-]{36}/);
	}
	const recording = JSON.parse(readFileSync(join(run.recordDir, 'fal', 'fal-ai--sam-3--image-rle.json'), 'utf8'));
	expect(recording.exchanges.map((exchange: { route: string }) => exchange.route)).toEqual(['fal.submit', 'fal.status.stream', 'fal.result']);
	expect(recording.exchanges[1].events.at(-1)).toMatchObject({ status: 'COMPLETED' });
	expect(typeof recording.exchanges[2].body.rle).toBe('string');
}, 60_000);

test('a drifted answer fails the check, naming the renamed, the missing and the retyped field', async () => {
	standIn.jobs.script({
		match: { provider: 'fal' },
		resultBody: (body: Record<string, unknown>) => {
			const { metadata, scores: _dropped, masks, ...rest } = body;
			return { ...rest, mask_metadata: metadata, masks: (masks as Array<Record<string, unknown>>).map((mask) => ({ ...mask, file_size: String(mask.file_size) })) };
		},
	});
	const run = options({ only: ['fal-ai/sam-3/image'] });
	expect(await verifyLive(run)).toBe(EXIT.differences);
	const text = run.lines.join('\n');
	expect(text).toContain('fal.result metadata: renamed to "mask_metadata" live');
	expect(text).toContain('fal.result scores: missing live (the emulator answers array)');
	expect(text).toContain('fal.result masks[].file_size: live string, the emulator number');
	expect(text).toContain('1 of 1 endpoint(s) differ from the emulator');
	expect(submits()).toHaveLength(1);
});

test('a plan over the budget, or not confirmed, sends nothing', async () => {
	const overBudget = options({ budgetUsd: 0.02 });
	expect(await verifyLive(overBudget)).toBe(EXIT.refused);
	expect(overBudget.lines.join('\n')).toContain('Refused: the estimate $0.115 is over the budget $0.020');

	const asked: string[] = [];
	const declined = options({ yes: false, confirm: async (question) => (asked.push(question), false) });
	expect(await verifyLive(declined)).toBe(EXIT.refused);
	expect(asked).toEqual(['Spend about $0.115 on 12 run(s)? [y/N] ']);

	const noTerminal = options({ yes: false, only: ['meta/sam-3/image'] });
	expect(await verifyLive(noTerminal)).toBe(EXIT.refused);
	expect(noTerminal.lines.join('\n')).toContain('pass --yes');
	expect(submits()).toHaveLength(0);
});
