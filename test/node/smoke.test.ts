import sharp from 'sharp';

import { PROVIDERS, runSam3, solidImage } from './fixture';
import { useEmulator } from './harness';

const emulator = useEmulator();
const BINARY_MODES = ['default', 'filesystem'] as const;

describe.each(PROVIDERS.flatMap((provider) => BINARY_MODES.map((mode) => [provider, mode] as const)))(
	'smoke (%s, %s binary mode)',
	(provider, binaryMode) => {
		it('segments an image URL and outputs the mask as an n8n binary file', async () => {
			const url = emulator().hostImage(await solidImage(320, 240), 'image/jpeg', 'shoe.jpg');
			const result = await runSam3(emulator(), { provider, parameters: { imageUrl: url, prompt: 'shoe' }, binaryMode });
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(1);
			const [item] = result.items;
			expect(item.json.provider).toBe(provider === 'falApi' ? 'fal.ai' : 'Runflow');
			expect(item.json.maskCount).toBe(1);
			const mask = await result.readBinary(item, 'mask_0');
			const meta = await sharp(mask).metadata();
			expect([meta.format, meta.width, meta.height]).toEqual(['png', 320, 240]);
		});
	},
);
