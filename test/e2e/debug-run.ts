// TEMP debug helper (not committed)
import { emulatorCredentials, startEmulator } from './lib/emulator';
import { EXAMPLES, loadExample, localizeWorkflow } from './lib/examples';
import { startImageServer } from './lib/image-server';
import { lines } from './lib/lines';
import { N8nHome } from './lib/n8n-home';
import { buildAndPack } from './lib/pack';
import { run } from './lib/proc';
import { TEST_IMAGES } from './lib/test-images';

async function main() {
	const line = lines[(process.argv[2] ?? '1') as '1'];
	const ex = (process.argv[3] ?? 'ecommerce') as keyof typeof EXAMPLES;
	process.env.SAM3_E2E_SKIP_BUILD = '1';
	const tarball = await buildAndPack();
	const home = N8nHome.create(line, 'dbg');
	const inst = await home.installPackage(tarball);
	if (process.env.DBG_PATCH) {
		const fs = require('node:fs');
		const f = inst.dir + '/dist/nodes/Sam3/job/mask-files.js';
		let js = fs.readFileSync(f, 'utf8');
		js = js.replace(/(const stored = ctx\.helpers\.prepareBinaryData\()/, "console.error('TRACE prepare', baseName, typeof body, body && body.constructor && body.constructor.name);\n        $1");
		js = js.replace(/(const binary = \(await Promise\.race\(\[stored, stalled\]\)\));/, "$1\n        console.error('TRACE stored', baseName, received, binary && binary.fileSize);");
		fs.writeFileSync(f, js);
	}
	const emu = await startEmulator();
	const images = await startImageServer(TEST_IMAGES);
	await home.importCredentials(emulatorCredentials(emu));
	const wf = localizeWorkflow(loadExample(EXAMPLES[ex]), { imageUrl: images.url, outputDir: home.filesDir });
	await home.importWorkflows([wf]);
	const r = await run(line.nodeBin, [line.n8nBin, 'execute', `--id=${wf.id}`, '--rawOutput'], { env: await home.env(process.env.DBG_LOG ? { N8N_LOG_LEVEL: process.env.DBG_LOG } : {}), timeoutMs: Number(process.env.DBG_TIMEOUT ?? 60000) }).catch((e) => ({ code: -1, stdout: String(e), stderr: '', ms: 0 }));
	console.log('EXIT', r.code, r.ms);
	console.log(r.stdout.split('\n').filter((l) => !/migration/.test(l)).join('\n').slice(0, 6000));
	console.log('STDERR', r.stderr.slice(-3000));
	console.log('EMU', emu.output().slice(-2000));
	console.log('IMG', images.requests);
	const log = await emu.control('log');
	console.log('LOG', log.map((e: any) => `${e.seq} ${e.method} ${e.url} ${e.route}`).join('\n'));
	console.log('JOBS', JSON.stringify(await emu.control('jobs')).slice(0, 1500));
	await emu.stop();
	await images.close();
	console.log('HOME', home.userFolder);
}
main();
