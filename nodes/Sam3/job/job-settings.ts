import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { JobOptionsSchema } from '../contract/sam3.schema';
import { DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_WAIT_SECONDS } from '../limits';
import { adapterFor } from '../providers';
import type { ProviderId } from '../providers/provider';
import { fromZod, inputError } from './input-errors';
import type { JobSettings, JobSpec } from './job-types';
import { parseJson } from './json-text';
import { readWaiting } from './panel-parameters';
import { isToolCall } from './tool-call';
import { MAX_SPEND_LABEL } from './spend';

export type { JobSettings } from './job-types';

/** The item's provider (the Authentication parameter). */
export function providerOf(ctx: IExecuteSingleFunctions): ProviderId {
	return ctx.getNodeParameter('authentication') as ProviderId;
}

/** What every operation's job shares (provider, Options, waiting), read after the operation read its own parameters. */
export function readJobSettings(ctx: IExecuteSingleFunctions, spec: JobSpec): JobSettings {
	const itemIndex = ctx.getItemIndex();
	const provider = providerOf(ctx);
	const options = ctx.getNodeParameter('options', {}) as IDataObject;

	const { target, targetLabels, media, input } = spec;
	const refused = adapterFor(provider).refuses(target);
	if (refused) throw inputError(itemIndex, targetLabels?.[refused.part] ?? 'Provider', refused.reason);

	const runOptions = readJobOptions(ctx, itemIndex, provider, options);
	const { waitForResult, falMode } = readWaiting(ctx, isToolCall(ctx));
	return {
		provider,
		media,
		request: {
			target,
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
		maxWaitMs: (numberOption(itemIndex, options, 'maxWaitSeconds', 'Options > Max Wait (Seconds)', { min: 1 }) ?? spec.defaultMaxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS) * 1000,
		maxSpendUsd: numberOption(itemIndex, options, 'maxSpendUsd', MAX_SPEND_LABEL, { min: 0 }),
		output: {
			download: options.downloadMasks !== false,
			keepInput: options.keepInputData !== false,
			includeRaw: options.includeRawResponse === true,
		},
	};
}

/** How errors name the job options' contract fields. */
const JOB_OPTION_LABELS = { callback_url: 'Options > Callback URL', metadata: 'Options > Run Metadata' };

export const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

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
	if (!parsed.success) throw fromZod(itemIndex, parsed.error, raw, JOB_OPTION_LABELS);
	return parsed.data;
}

