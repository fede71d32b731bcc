import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { camelCase } from '../contract/fields';
import { MODEL_OPTION_FIELDS } from '../contract/model-options';
import { JobOptionsSchema, type Sam3Input, Sam3InputSchema } from '../contract/sam3.schema';
import { DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_WAIT_SECONDS } from '../limits';
import type { JobRequest, ProviderId } from '../providers/provider';
import { ItemInputError } from '../transport/errors';
import { FIELD_LABELS, fromZod, inputError } from './input-errors';
import { parseJson, readBoxPrompts, readPointPrompts } from './prompt-parameters';

export type ImageSource = { kind: 'url'; url: string } | { kind: 'binary'; property: string };

/** One item's parameters, read and validated before anything leaves for the provider. */
export interface JobSettings {
	provider: ProviderId;
	image: ImageSource;
	/** Model input without image_url: that is resolved (inline or upload) inside the job slot. */
	request: Omit<JobRequest, 'input'> & { input: Omit<Sam3Input, 'image_url'> };
	waitForResult: boolean;
	uploadMode: 'auto' | 'inline' | 'upload';
	maxConcurrency: number;
	maxWaitMs: number;
	output: {
		binaryPrefix: string;
		download: boolean;
		split: boolean;
		keepInput: boolean;
		includeRaw: boolean;
	};
}

export function readJobSettings(ctx: IExecuteSingleFunctions): JobSettings {
	const itemIndex = ctx.getItemIndex();
	const provider = ctx.getNodeParameter('authentication') as ProviderId;
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const modelOptions = ctx.getNodeParameter('modelOptions', {}) as IDataObject;

	const image = readImageSource(ctx, itemIndex);
	const raw: IDataObject = { image_url: image.kind === 'url' ? image.url : 'https://binary.input/placeholder' };
	const prompt = String(ctx.getNodeParameter('prompt', '') ?? '').trim();
	if (prompt) raw.prompt = prompt;
	const points = readPointPrompts(ctx, itemIndex);
	const boxes = readBoxPrompts(ctx, itemIndex);
	if (points.length) raw.point_prompts = points;
	if (boxes.length) raw.box_prompts = boxes;
	if (!prompt && !points.length && !boxes.length) {
		throw new ItemInputError(
			`No prompt in item ${itemIndex}: set Text Prompt, Point Prompts or Box Prompts (without one, fal segments its default concept "wheel")`,
			'Text Prompt',
		);
	}
	for (const field of MODEL_OPTION_FIELDS) {
		const value = modelOptions[camelCase(field)];
		// A number from an expression may arrive as text ("3"): read as a number, anything else left for zod to name.
		if (value !== undefined && value !== '') raw[field] = typeof value === 'string' && NUMERIC.test(value) ? Number(value) : value;
	}
	const parsed = Sam3InputSchema.safeParse(raw);
	if (!parsed.success) {
		const labels = { ...FIELD_LABELS };
		if (ctx.getNodeParameter('pointPromptsInput', 'fields') === 'json') labels.point_prompts = 'Point Prompts (JSON)';
		if (ctx.getNodeParameter('boxPromptsInput', 'fields') === 'json') labels.box_prompts = 'Box Prompts (JSON)';
		throw fromZod(itemIndex, parsed.error, raw, labels);
	}
	// Send only what the user set: parse() filled in defaults, the raw object did not.
	const input: Omit<Sam3Input, 'image_url'> & { image_url?: string } = { ...(raw as Sam3Input) };
	delete input.image_url;

	const runOptions = readJobOptions(ctx, itemIndex, provider, options);
	const waitForResult = ctx.getNodeParameter('waitForResult', true) as boolean;
	const falMode = waitForResult ? (ctx.getNodeParameter('falMode', 'queue') as 'queue' | 'sync') : 'queue';
	return {
		provider,
		image,
		request: {
			input,
			mode: provider === 'falApi' ? falMode : 'queue',
			callbackUrl: runOptions.callback_url,
			runMetadata: runOptions.metadata as IDataObject | undefined,
			queuePriority: options.queuePriority as JobSettings['request']['queuePriority'],
			startTimeoutSeconds: numberOption(itemIndex, options, 'startTimeoutSeconds', 'Options > Start Timeout (Seconds)', { min: 1 }),
		},
		waitForResult,
		uploadMode: (options.uploadMode as JobSettings['uploadMode']) ?? 'auto',
		maxConcurrency:
			numberOption(itemIndex, options, 'maxConcurrency', 'Options > Max Concurrent Jobs', { min: 1, max: 100, whole: true }) ??
			DEFAULT_MAX_CONCURRENCY,
		maxWaitMs: (numberOption(itemIndex, options, 'maxWaitSeconds', 'Options > Max Wait (Seconds)', { min: 1 }) ?? DEFAULT_MAX_WAIT_SECONDS) * 1000,
		output: {
			binaryPrefix: String(options.binaryPropertyPrefix ?? 'mask_') || 'mask_',
			download: options.downloadMasks !== false,
			split: options.splitMasks === true,
			keepInput: options.keepInputData !== false,
			includeRaw: options.includeRawResponse === true,
		},
	};
}

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

/**
 * A number option, possibly set by an expression: a number or numeric text within its range, or an input error
 * naming the option and the item. Never NaN: a NaN Max Wait would disable every deadline of the job.
 */
function numberOption(
	itemIndex: number,
	options: IDataObject,
	name: string,
	label: string,
	range: { min: number; max?: number; whole?: boolean },
): number | undefined {
	const value = options[name];
	if (value === undefined || value === '' || value === null) return undefined;
	const number = typeof value === 'number' ? value : typeof value === 'string' && NUMERIC.test(value) ? Number(value) : NaN;
	const limits = range.max === undefined ? `${range.min} or more` : `between ${range.min} and ${range.max}`;
	if (!Number.isFinite(number)) throw inputError(itemIndex, label, `must be a number (${limits})`, value);
	if (number < range.min || (range.max !== undefined && number > range.max)) throw inputError(itemIndex, label, `must be ${limits}`, value);
	if (range.whole && !Number.isInteger(number)) throw inputError(itemIndex, label, 'must be a whole number', value);
	return number;
}

function readImageSource(ctx: IExecuteSingleFunctions, itemIndex: number): ImageSource {
	if (ctx.getNodeParameter('imageSource', 'url') === 'binary') {
		const property = String(ctx.getNodeParameter('binaryPropertyName', 'data') ?? '').trim();
		if (!property) throw inputError(itemIndex, 'Input Binary Field', 'give the name of the binary field holding the image');
		return { kind: 'binary', property };
	}
	const url = String(ctx.getNodeParameter('imageUrl', '') ?? '').trim();
	if (!url) throw inputError(itemIndex, 'Image URL', 'it is empty; give an absolute http(s) URL of an image');
	if (!/^(https?:\/\/[^\s/]+|data:image\/[\w.+-]+;base64,)/i.test(url)) {
		throw inputError(itemIndex, 'Image URL', 'only absolute http:// or https:// URLs (or data:image/…;base64 URIs) are accepted', url);
	}
	return { kind: 'url', url };
}

function readJobOptions(ctx: IExecuteSingleFunctions, itemIndex: number, provider: ProviderId, options: IDataObject) {
	const raw: IDataObject = {};
	const callbackUrl = String(options.callbackUrl ?? '').trim();
	if (callbackUrl) raw.callback_url = callbackUrl;
	if (provider === 'runflowApi' && options.runMetadata !== undefined) {
		let metadata = options.runMetadata;
		if (typeof metadata === 'string') {
			const parsed = metadata.trim() ? parseJson(metadata) : { value: {} };
			if ('problem' in parsed) throw inputError(itemIndex, 'Options > Run Metadata', `not valid JSON (${parsed.problem}); give a JSON object`);
			metadata = parsed.value as IDataObject;
		}
		if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
			throw inputError(itemIndex, 'Options > Run Metadata', 'must be a JSON object like {"sku": "A-1"}', metadata);
		}
		if (Object.keys(metadata).length) raw.metadata = metadata;
	}
	const parsed = JobOptionsSchema.safeParse(raw);
	if (!parsed.success) throw fromZod(itemIndex, parsed.error, raw);
	return parsed.data;
}

