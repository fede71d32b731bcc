/**
 * `npm run emulator [PORT]` — the provider emulator standalone (a TEST DOUBLE, dev only).
 * PORT from the argument or the PORT env; a free port when neither is given.
 * Env: EMULATOR_FAL_KEYS / EMULATOR_RUNFLOW_KEYS (comma-separated), EMULATOR_RUNFLOW_SIGNING_SECRET,
 * EMULATOR_LATENCY_MS / EMULATOR_QUEUE_MS, EMULATOR_OPTIONS (JSON of any other startEmulator options, e.g.
 * `{"concurrency":{"fal":8}}`; the variables above win over it).
 * EMULATOR_MASK_SIZE (e.g. 1024x1024: masks at that size, not the input's).
 */
import { type EmulatorOptions, startEmulator } from './index';

const list = (value?: string) => value?.split(',').map((s) => s.trim()).filter(Boolean);
const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
const number = (value?: string) => (value !== undefined && value !== '' && Number.isFinite(Number(value)) ? Number(value) : undefined);

function maskSize(value?: string) {
	const match = /^(\d+)x(\d+)$/.exec(value ?? '');
	return match ? { width: Number(match[1]), height: Number(match[2]) } : undefined;
}

async function main(): Promise<void> {
	const port = number(process.argv[2]) ?? number(process.env.PORT) ?? 0;
	const options = JSON.parse(process.env.EMULATOR_OPTIONS || '{}') as EmulatorOptions;
	const emulator = await startEmulator({
		...options,
		port,
		falKeys: list(process.env.EMULATOR_FAL_KEYS) ?? options.falKeys,
		runflowKeys: list(process.env.EMULATOR_RUNFLOW_KEYS) ?? options.runflowKeys,
		runflowSigningSecret: process.env.EMULATOR_RUNFLOW_SIGNING_SECRET || options.runflowSigningSecret,
		defaults: { ...options.defaults, ...defined({ latencyMs: number(process.env.EMULATOR_LATENCY_MS), queueMs: number(process.env.EMULATOR_QUEUE_MS) }) },
		maskSize: maskSize(process.env.EMULATOR_MASK_SIZE) ?? options.maskSize,
	});
	console.log(emulator.banner());
	if (process.env.EMULATOR_RUNFLOW_SIGNING_SECRET) console.log('  runflow callbacks are signed (Runflow-Signature)');
	console.log(JSON.stringify({ ready: true, url: emulator.url, port: emulator.port }));
	const stop = () => void emulator.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
