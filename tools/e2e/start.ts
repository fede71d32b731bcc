/**
 * `npm start`: a real n8n with this package installed the way users get it, credentials and the examples
 * imported, an owner account set up; prints the editor URL and runs until Ctrl-C.
 *   default            credentials point at the provider emulator (started here), examples use local images
 *   FAL_KEY / RUNFLOW_API_KEY (RUNFLOW_ORGANIZATION_ID)   credentials for the real providers, public images
 *   OPENAI_API_KEY     example 6's OpenAI credential for the real OpenAI (default: the local OpenAI stand-in, a test
 *                      double that calls the SAM 3 tool with the photo URL of the user's message and "product")
 *   SAM3_START_LINE=2  n8n 2.41.1 / Node 24 instead of n8n 1.123.50 / Node 20
 *   N8N_PORT=5678      the editor's port (default: a free one)
 */
import { emulatorCredentials, realProviderCredentials, startEmulator, type EmulatorProcess } from './lib/emulator';
import { allExampleFiles, loadExample, localizeWorkflow } from './lib/examples';
import { startImageServer, type ImageServer } from './lib/image-server';
import { activateWorkflow, OWNER, startN8n } from './lib/n8n-server';
import { OPENAI_CREDENTIAL_ID, startOpenAiStandIn, type OpenAiStandIn } from './lib/openai-stand-in';
import { hostedProductPhotos } from './lib/product-photos';
import { lineFromEnv, log, preparedHome } from './lib/setup';
import { TEST_IMAGES, TEST_VIDEO } from './lib/test-images';

async function main(): Promise<void> {
	const line = lineFromEnv('SAM3_START_LINE');
	const home = await preparedHome(line, { prefix: 'sam3-start' });
	const real = Boolean(process.env.FAL_KEY || process.env.RUNFLOW_API_KEY);
	let emulator: EmulatorProcess | undefined;
	let images: ImageServer | undefined;
	if (real) {
		await home.importCredentials(realProviderCredentials());
	} else {
		emulator = await startEmulator();
		images = await startImageServer([...TEST_IMAGES, TEST_VIDEO, ...(await hostedProductPhotos())]);
		await home.importCredentials(emulatorCredentials(emulator));
	}
	let llm: OpenAiStandIn | undefined;
	if (process.env.OPENAI_API_KEY) {
		const data = { apiKey: process.env.OPENAI_API_KEY, url: 'https://api.openai.com/v1', header: false };
		await home.importCredentials([{ id: OPENAI_CREDENTIAL_ID, name: 'OpenAI account', type: 'openAiApi', data }]);
	} else {
		llm = await startOpenAiStandIn();
		const photoUrl = (text: string) => /https?:\/\/\S+/.exec(text)?.[0];
		llm.plan = {
			toolArgs: (request) => {
				const user = [...request.messages].reverse().find((m) => m.role === 'user');
				return { Image_URL: photoUrl(typeof user?.content === 'string' ? user.content : ''), Text_Prompt: 'product' };
			},
		};
		await home.importCredentials([llm.credential()]);
	}
	const workflows = allExampleFiles()
		.map(loadExample)
		.map((w) => (images ? localizeWorkflow(w, { imageUrl: images.url, outputDir: home.filesDir }) : w));
	await home.importWorkflows(workflows);
	const asyncExample = workflows.find((w) => w.nodes.some((n) => n.type === 'n8n-nodes-base.webhook'));
	if (asyncExample) await activateWorkflow(home, asyncExample.id);

	const server = await startN8n(home, { port: process.env.N8N_PORT ? Number(process.env.N8N_PORT) : undefined });
	await server.login();
	log(`${line.label} is running with n8n-nodes-sam3 (user folder ${home.userFolder})`);
	log(`editor:   ${server.url}   (log in as ${OWNER.email} / ${OWNER.password})`);
	log(`examples: ${workflows.map((w) => w.name).join('; ')}`);
	if (emulator) log(`providers: the emulator at ${emulator.origin} (a test double; images from ${images!.baseUrl})`);
	if (llm) log(`example 6 model: the OpenAI stand-in at ${llm.baseUrl} (a test double, no model; OPENAI_API_KEY for the real one)`);
	if (asyncExample) log(`example 4 webhook: POST ${server.url}/webhook/sam3-async {"imageUrl": "...", "prompt": "..."}`);
	log('Ctrl-C stops everything');

	const stop = async () => {
		await server.stop();
		await emulator?.stop();
		await images?.close();
		await llm?.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
