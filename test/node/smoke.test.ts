import sharp from 'sharp';

import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { runNode } from '../../tools/rig';
import { PROVIDERS, credentialsFor, runSam3, solidImage } from './fixture';
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

describe('workflows saved before the Operation choice', () => {
	// Parameters exactly as a 0.x workflow JSON stored them: no `operation` (n8n fills in the default).
	it.each(PROVIDERS)('still segment an image (%s): the default operation is Segment Image', async (provider) => {
		const url = emulator().hostImage(await solidImage(64, 48), 'image/png', 'cup.png');
		const result = await runNode({
			node: Sam3,
			packageName: 'n8n-nodes-sam3',
			credentials: credentialsFor(emulator()),
			parameters: { authentication: provider, imageUrl: url, prompt: 'cup', options: { binaryPropertyPrefix: 'cup_' } },
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json.maskCount).toBe(1);
		expect(Object.keys(result.items[0].binary ?? {}).sort()).toEqual(['cup_0', 'image']);
	});
});
