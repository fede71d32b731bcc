import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { z } from 'zod';

import type { ModelField } from './model-options';
import { Sam3InputSchema } from './sam3.schema';

/** Strips optional/default wrappers, keeping what the panel needs: the default and the description. */
function unwrap(schema: z.ZodTypeAny): { inner: z.ZodTypeAny; defaultValue?: unknown; description?: string } {
	let inner = schema;
	let defaultValue: unknown;
	const description = schema.description;
	for (;;) {
		if (inner instanceof z.ZodDefault) {
			defaultValue = inner._def.defaultValue();
			inner = inner._def.innerType;
		} else if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
			inner = inner.unwrap();
		} else if (inner instanceof z.ZodEffects) {
			inner = inner.innerType();
		} else {
			return { inner, defaultValue, description: description ?? inner.description };
		}
	}
}

/**
 * An n8n parameter for a SAM 3 model field, with type, default, range, options and description read from the
 * zod contract, so the panel cannot drift from what is validated and sent.
 */
export function modelField(
	field: ModelField,
	displayName: string,
	overrides: Partial<INodeProperties> = {},
): INodeProperties {
	return schemaField(Sam3InputSchema.shape[field], { displayName, name: camelCase(field), ...overrides });
}

/**
 * An n8n parameter for one field of a zod contract (an image or a video endpoint's): type, default, range,
 * options and description from the schema; `optionNames` names an enum's values in the panel (default: upper case).
 */
export function schemaField(
	schema: z.ZodTypeAny,
	property: Partial<INodeProperties> & Pick<INodeProperties, 'displayName' | 'name'>,
	optionNames: Record<string, string> = {},
): INodeProperties {
	const { inner, defaultValue, description } = unwrap(schema);
	const base = { description, ...property };

	if (inner instanceof z.ZodBoolean) {
		return { type: 'boolean', default: defaultValue ?? false, ...base } as INodeProperties;
	}
	if (inner instanceof z.ZodEnum) {
		const options: INodePropertyOptions[] = (inner.options as string[]).map((value) => ({
			name: optionNames[value] ?? value.toUpperCase(),
			value,
		}));
		return { type: 'options', options, default: defaultValue ?? options[0].value, ...base } as INodeProperties;
	}
	if (inner instanceof z.ZodNumber) {
		const typeOptions = { minValue: inner.minValue ?? undefined, maxValue: inner.maxValue ?? undefined, numberPrecision: inner.isInt ? 0 : 2 };
		return { type: 'number', typeOptions, default: defaultValue ?? 0, ...base } as INodeProperties;
	}
	return { type: 'string', default: defaultValue ?? '', ...base } as INodeProperties;
}

/** `max_masks` -> `maxMasks`: node parameters use n8n's camelCase, the wire uses the providers' snake_case. */
export function camelCase(field: string): string {
	return field.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
