import { type Emulator, type EmulatorOptions, startEmulator } from './index';

/** One emulator per test file: started before its tests, reset after each, closed at the end. */
export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
	let emulator: Emulator | undefined;
	beforeAll(async () => {
		emulator = await startEmulator(options);
	});
	afterAll(async () => await emulator?.close());
	afterEach(() => emulator?.reset());
	return () => {
		if (!emulator) throw new Error('The emulator is not running (use it inside a test)');
		return emulator;
	};
}
