/**
 * `npm run demo`: example 1 (e-commerce product masks) in a real, headless n8n, writing the masks and their
 * metadata to demo-output/.
 *   default            the provider emulator stands in for fal.ai, local images stand in for the public ones
 *   FAL_KEY=...        the real fal.ai, with the example's public image URLs
 *   RUNFLOW_API_KEY=.. the real Runflow (RUNFLOW_ORGANIZATION_ID optional), when FAL_KEY is not set
 *   SAM3_DEMO_PROVIDER=runflow   the emulated Runflow instead of the emulated fal.ai
 *   SAM3_DEMO_LINE=2   run on n8n 2.41.1 / Node 24 instead of n8n 1.123.50 / Node 20
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { lineFromEnv, log, preparedHome } from './lib/setup';
import { TEST_IMAGES } from './lib/test-images';

const outDir = join(repoRoot, 'demo-output');
const real = process.env.FAL_KEY ? 'fal' : process.env.RUNFLOW_API_KEY ? 'runflow' : undefined;
const provider = real ?? (process.env.SAM3_DEMO_PROVIDER === 'runflow' ? 'runflow' : 'fal');

async function main(): Promise<void> {
	const line = lineFromEnv('SAM3_DEMO_LINE');
	const home = await preparedHome(line, { prefix: 'sam3-demo' });
	let emulator: EmulatorProcess | undefined;
	let images: ImageServer | undefined;
	try {
		let workflow = loadExample(EXAMPLES.ecommerce);
		if (real) {
			log(`provider: the real ${real} (public image URLs)`);
			await home.importCredentials(realProviderCredentials());
		} else {
			emulator = await startEmulator();
			images = await startImageServer(TEST_IMAGES);
			log(`provider: the emulated ${provider} at ${emulator.origin}; images from ${images.baseUrl}`);
			await home.importCredentials(emulatorCredentials(emulator));
			workflow = localizeWorkflow(workflow, { imageUrl: images.url });
		}
		if (provider === 'runflow') {
			workflow = switchProvider(workflow, 'runflowApi', { id: RUNFLOW_CREDENTIAL_ID, name: 'Runflow account' });
		}
		rmSync(outDir, { recursive: true, force: true });
		const masksDir = join(outDir, 'masks');
		mkdirSync(masksDir, { recursive: true });
		workflow = localizeWorkflow(workflow, { outputDir: masksDir });
		await home.importWorkflows([workflow]);

		log(`running "${workflow.name}" on ${line.label}`);
		const result = await home.execute(workflow.id, { timeoutMs: 10 * 60_000, env: { N8N_RESTRICT_FILE_ACCESS_TO: outDir } });
		if (result.exitCode !== 0) throw new Error(`the workflow failed: ${result.errorMessage() ?? result.stderr}`);
		const products = result.items('Product images');
		const sam3 = result.items(findNode(workflow, isSam3Node).name);
		const written = result.items('Write mask files');
		const summary = sam3.map((item, i) => {
			const { raw: _raw, ...metadata } = item.json;
			const sku = products[i]?.json.sku ?? `item-${i}`;
			writeFileSync(join(outDir, `${sku}.json`), JSON.stringify(metadata, null, 2));
			return { sku, masks: item.json.masks?.length ?? 0, file: written[i]?.json.fileName ?? '(none)', status: item.json.status };
		});
		writeFileSync(join(outDir, 'run.json'), JSON.stringify({ line: line.label, provider, real: !!real, summary }, null, 2));
		console.table(summary);
		log(`masks and metadata in ${outDir}`);
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
