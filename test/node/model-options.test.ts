/**
 * Every field of the SAM 3 contract (Sam3InputSchema) has a parameter in the panel and reaches the provider when
 * set. Nothing here lists the fields: they come from the schema, the parameters from the node's real description,
 * and what was sent from the emulator after a real run. A field added to the schema but not to
 * contract/model-options.ts fails this test.
 */
import type { INodeParameters, INodeProperties } from 'n8n-workflow';

import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { Sam3InputSchema } from '../../nodes/Sam3/contract/sam3.schema';
import { useEmulator } from '../support/use-emulator';
import { solidImage } from '../support/images';
import { PROVIDERS, runSam3 } from './fixture';

const emulator = useEmulator({ defaults: { latencyMs: 30, queueMs: 20, dispatchMs: 10 } });

const SCHEMA_FIELDS = Object.keys(Sam3InputSchema.shape);
const properties = new Sam3().description.properties;
const modelOptions = (properties.find((property) => property.name === 'modelOptions')?.options ?? []) as INodeProperties[];

/** The panel's name for a contract field: `max_masks` -> `maxMasks`. */
const parameterName = (field: string) => field.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** A value the user could pick that is not the parameter's default, so the node must send it. */
function nonDefault(option: INodeProperties): unknown {
	if (option.type === 'boolean') return !option.default;
	if (option.type === 'number') return Math.min(Number(option.default) + 1, option.typeOptions?.maxValue ?? Infinity);
	if (option.type === 'options') return (option.options as Array<{ value: unknown }>).find((entry) => entry.value !== option.default)?.value;
	return 'set-by-test';
}

describe('the SAM 3 contract in the panel and on the wire', () => {
	it('has a panel parameter for every schema field', () => {
		const names = new Set([...properties, ...modelOptions].map((property) => property.name));
		const missing = SCHEMA_FIELDS.filter((field) => !names.has(parameterName(field)));
		expect(missing).toEqual([]);
	});

	it.each(PROVIDERS)('sends every schema field when each is set (%s)', async (provider) => {
		const imageUrl = emulator().hostImage(await solidImage(200, 160, 'png'), 'image/png', 'photo.png');
		const parameters: INodeParameters = {
			imageUrl,
			prompt: 'shoe',
			pointPrompts: { points: [{ x: 10, y: 10, label: 'foreground', objectId: '' }] },
			boxPrompts: { boxes: [{ xMin: 1, yMin: 1, xMax: 20, yMax: 20, objectId: '' }] },
			modelOptions: Object.fromEntries(modelOptions.map((option) => [option.name, nonDefault(option)])) as INodeParameters,
		};
		const result = await runSam3(emulator(), { provider, parameters });
		expect(result.error).toBeUndefined();
		const [job] = emulator().jobs.list();
		expect(Object.keys(job.input as object).sort()).toEqual([...SCHEMA_FIELDS].sort());
	});
});
