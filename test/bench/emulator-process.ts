/**
 * Child-process entry of the benchmark emulator: starts the provider emulator (test/emulator) with the options
 * given as JSON in argv[2] and prints one JSON line `{ready, url}`. The parent drives it over /__emulator.
 * A separate process keeps the emulator's image encoding off the node's event loop and out of its RSS.
 */
import { startEmulator, type EmulatorOptions } from '../emulator';

async function main(): Promise<void> {
	const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions;
	const emulator = await startEmulator({ ...options, port: 0 });
	process.stdout.write(`${JSON.stringify({ ready: true, url: emulator.url })}\n`);
	const stop = () => void emulator.close().then(() => process.exit(0));
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	process.on('disconnect', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
