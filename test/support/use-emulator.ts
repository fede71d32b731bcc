import { type Emulator, type EmulatorOptions, type Timing, startEmulator } from '../../tools/emulator/index';

/** Short jobs: tests are about what happens, not about waiting. Options' `defaults` override these field by field. */
export const FAST_JOBS: Timing = { latencyMs: 30, queueMs: 20, dispatchMs: 10 };

/**
 * The one way a test file gets an emulator (in process): started before its tests with FAST_JOBS timing,
 * reset after each test, closed at the end.
 */
export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator({ ...options, defaults: { ...FAST_JOBS, ...options.defaults } });
	});
	afterAll(async () => await emulator?.close());
	afterEach(() => emulator?.reset());
	return () => {
		if (!emulator) throw new Error('The emulator is not running (use it inside a test)');
		return emulator;
	};
}
