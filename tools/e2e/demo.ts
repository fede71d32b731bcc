/**
 * `npm run demo`: example 5 (store-ready product photos) in a real, headless n8n — its remove-background
 * sub-workflow gets SAM 3 masks, then n8n's Edit Image node makes the Amazon main image (2000×2000 on white) and the
 * transparent cutout. Writes to demo-output/: per product `<sku>-mask.png`, `<sku>-amazon.jpg`, `<sku>-cutout.png`
 * and `<sku>.json` (SAM 3's metadata), `run.json`, and
 * `contact-sheet.png` (input | mask | cutout | white background, one row per product).
 *   default            the provider emulator (a test double) stands in for fal.ai, with local product-like photos
 *   FAL_KEY=...        the real fal.ai, with public sample images instead of the example's placeholder URLs
 *   RUNFLOW_API_KEY=.. the real Runflow (RUNFLOW_ORGANIZATION_ID optional), when FAL_KEY is not set
 *   SAM3_DEMO_PROVIDER=runflow   the emulated Runflow instead of the emulated fal.ai
 *   SAM3_DEMO_LINE=2   run on n8n 2.41.1 / Node 24 instead of n8n 1.123.50 / Node 20
 * Edit Image needs GraphicsMagick (`gm`): tools/e2e/install.sh installs Debian's.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contactSheet, type SheetRow } from './lib/contact-sheet';
import {
	emulatorCredentials,
	realProviderCredentials,
	RUNFLOW_CREDENTIAL_ID,
	startEmulator,
	type EmulatorProcess,
} from './lib/emulator';
import { EXAMPLES, findNode, isSam3Node, loadExample, localizeWorkflow, switchProvider } from './lib/examples';
import { startImageServer, type ImageServer } from './lib/image-server';
import { repoRoot } from './lib/lines';
import { hostedProductPhotos } from './lib/product-photos';
import { pipelineEnv, subExecutions } from './lib/remove-background';
import type { OutputItem } from './lib/run-data';
import { lineFromEnv, log, preparedHome } from './lib/setup';

const outDir = join(repoRoot, 'demo-output');
const real = process.env.FAL_KEY ? 'fal' : process.env.RUNFLOW_API_KEY ? 'runflow' : undefined;
const provider = real ?? (process.env.SAM3_DEMO_PROVIDER === 'runflow' ? 'runflow' : 'fal');
/** Public images a real provider can download, in place of the example's placeholder shop URLs. */
const PUBLIC_SAMPLES = ['truck.jpg', 'groceries.jpg', 'cars.jpg', 'truck.jpg'].map(
	(name) => `https://raw.githubusercontent.com/facebookresearch/sam2/main/notebooks/images/${name}`,
);

async function main(): Promise<void> {
	const line = lineFromEnv('SAM3_DEMO_LINE');
	const home = await preparedHome(line, { prefix: 'sam3-demo' });
	let emulator: EmulatorProcess | undefined;
	let images: ImageServer | undefined;
	try {
		let workflow = loadExample(EXAMPLES.ecommerceCutouts);
		// The SAM 3 node lives in the sub-workflow example 5 calls (Remove background).
		let sub = loadExample(EXAMPLES.removeBackground);
		if (real) {
			log(`provider: the real ${real} (public sample images)`);
			await home.importCredentials(realProviderCredentials());
			let n = 0;
			workflow = JSON.parse(JSON.stringify(workflow).replace(/https:\/\/shop\.example\.com\/photos\/[\w.-]+/g, () => PUBLIC_SAMPLES[n++ % PUBLIC_SAMPLES.length]));
		} else {
			emulator = await startEmulator();
			images = await startImageServer(await hostedProductPhotos());
			log(`provider: the emulated ${provider} at ${emulator.origin} (a test double: it finds objects on plain backdrops); photos from ${images.baseUrl}`);
			await home.importCredentials(emulatorCredentials(emulator));
			workflow = localizeWorkflow(workflow, { imageUrl: images.url });
		}
		if (provider === 'runflow') {
			sub = switchProvider(sub, 'runflowApi', { id: RUNFLOW_CREDENTIAL_ID, name: 'Runflow account' });
		}
		rmSync(outDir, { recursive: true, force: true });
		mkdirSync(outDir, { recursive: true });
		workflow = localizeWorkflow(workflow, { outputDir: outDir });
		await home.importWorkflows([sub]);
		if (line.key === '2') await home.cliOk(['publish:workflow', `--id=${sub.id}`]);
		await home.importWorkflows([workflow]);

		log(`running "${workflow.name}" on ${line.label}`);
		const result = await home.execute(workflow.id, {
			timeoutMs: 10 * 60_000,
			env: { ...pipelineEnv(home), N8N_RESTRICT_FILE_ACCESS_TO: outDir },
		});
		if (result.exitCode !== 0) throw new Error(`the workflow failed: ${result.errorMessage() ?? result.stderr}`);
		const downloads = result.items('Download photo');
		const sam3 = (subExecutions(home, sub.id).at(-1)?.runData[findNode(sub, isSam3Node).name]?.[0]?.data?.main?.[0] ?? []) as OutputItem[];
		const files = result.items('Got a file?', 0);
		const fileOf = (sku: string, preset: string) => files.find((f) => f.json.fileName === sku && f.json.preset === preset);
		const rows: SheetRow[] = [];
		const summary = sam3.map((item, i) => {
			const { raw: _raw, ...metadata } = item.json;
			const sku = String(item.json.fileName ?? `item-${i}`);
			writeFileSync(join(outDir, `${sku}.json`), JSON.stringify(metadata, null, 2));
			const mask = item.binary?.mask_0 ? result.binary(item.binary.mask_0) : undefined;
			if (mask) writeFileSync(join(outDir, `${sku}-mask.png`), mask);
			const shot = fileOf(sku, 'amazon');
			const cutout = fileOf(sku, 'cutout');
			rows.push({
				label: `${sku} — ${item.json.maskCount} mask(s)${item.json.masks?.[0]?.score !== undefined ? `, score ${item.json.masks[0].score}` : ''}`,
				input: result.binary(downloads[i].binary!.data),
				mask,
				cutout: cutout && result.binary(cutout.binary!.data),
				shot: shot && result.binary(shot.binary!.data),
				note: shot ? undefined : 'no product found',
			});
			return {
				sku,
				masks: item.json.maskCount,
				outcome: shot ? `${sku}-amazon.jpg, ${sku}-cutout.png` : 'no product found',
				crop: item.json.masks?.[0]?.crop ? JSON.stringify(item.json.masks[0].crop) : '',
			};
		});
		const title = `n8n-nodes-sam3 example 5 on ${line.label} — ${real ? `the real ${real}` : `the ${provider} emulator (a test double, not SAM 3)`} + n8n Edit Image`;
		writeFileSync(join(outDir, 'contact-sheet.png'), await contactSheet(rows, title));
		writeFileSync(join(outDir, 'run.json'), JSON.stringify({ line: line.label, provider, real: !!real, ms: result.ms, summary }, null, 2));
		console.table(summary);
		log(`cutouts, white-background shots, masks and metadata in ${outDir}; contact sheet: ${join(outDir, 'contact-sheet.png')}`);
	} finally {
		await emulator?.stop();
		await images?.close();
	}
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});

// Ctrl-C: exit normally, so the background n8n/emulator process groups are ended (lib/proc.ts).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
