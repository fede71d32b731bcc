import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_WAIT_SECONDS, INLINE_LIMIT_BYTES, MiB, UPLOAD_LIMIT_BYTES } from '../limits';
import { currentPanelOnly } from './panel-version';

/** The first panel's (version 1) waiting fields; the current panel has them under Options (currentOptionsField). */
export const waitingFields: INodeProperties[] = [
	{
		displayName: 'Wait for Result',
		name: 'waitForResult',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the masks are ready. Turn off to output the request ID and result URLs at once, e.g. to resume on a webhook (see Options > Callback URL).',
	},
	{
		displayName: 'Mode',
		name: 'falMode',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { authentication: ['falApi'], waitForResult: [true] } },
		options: [
			{
				name: 'Queue',
				value: 'queue',
				description: 'Submit, poll the status, then fetch the result (robust; recommended)',
			},
			{ name: 'Sync', value: 'sync', description: 'One long request to fal.run' },
		],
		default: 'queue',
	},
];

/** Every operation's job options (how the job runs and what the output keeps), in both panels' Options. */
const JOB_OPTIONS: INodeProperties[] = [
	{
		displayName: 'Binary Property Prefix',
		name: 'binaryPropertyPrefix',
		type: 'string',
		default: 'mask_',
		description: 'Masks are written to binary fields named prefix + index (mask_0, mask_1, …)',
		displayOptions: { show: { '/operation': ['segment'] } },
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $execution.resumeUrl }}',
		description:
			'The provider POSTs the finished job here (fal: webhook, Runflow: callback_url). Use a Wait node\'s resume URL to continue the workflow when the job is done.',
	},
	{
		displayName: 'Download Masks',
		name: 'downloadMasks',
		type: 'boolean',
		default: true,
		description:
			'Whether to download the result files as binary (masks and preview; Segment Video: the video and the boxes zip; 3D: the models, splats and meshes chosen under Files to Download; Track Objects: the mask files per frame). Off: output their URLs only (RLE masks: their RLE strings).',
	},
	{
		displayName: 'Include Raw Response',
		name: 'includeRawResponse',
		type: 'boolean',
		default: false,
		description: 'Whether to add the provider\'s unmodified response under "raw"',
	},
	{
		displayName: 'Keep Input Data',
		name: 'keepInputData',
		type: 'boolean',
		default: true,
		description: 'Whether to keep the incoming JSON fields and binary files on the output item',
	},
	{
		displayName: 'Max Concurrent Jobs',
		name: 'maxConcurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 100, numberPrecision: 0 },
		default: DEFAULT_MAX_CONCURRENCY,
		description:
			'How many jobs of this execution may run at the provider at once. Match your account\'s concurrency limit.',
	},
	{
		displayName: 'Max Spend per Run (USD)',
		name: 'maxSpendUsd',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 10,
		description:
			'Start no job that would bring this run\'s estimated cost (list prices) above this many US dollars; each item refused is an error item. A video given by URL has no known length before it runs, so it is refused while this is set.',
	},
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: DEFAULT_MAX_WAIT_SECONDS,
		description: 'Give up on a job after this long (fal jobs are cancelled); the item fails with a clear error',
	},
	{
		displayName: 'Queue Priority',
		name: 'queuePriority',
		type: 'options',
		displayOptions: { show: { '/authentication': ['falApi'] } },
		options: [
			{ name: 'Normal', value: 'normal' },
			{ name: 'Low', value: 'low' },
		],
		default: 'normal',
		description: 'Fal queue priority (x-fal-queue-priority)',
	},
	{
		displayName: 'Run Metadata',
		name: 'runMetadata',
		type: 'json',
		displayOptions: { show: { '/authentication': ['runflowApi'] } },
		default: '{}',
		description: 'A JSON object attached to the Runflow run (and echoed in its callback)',
	},
	{
		displayName: 'Split Into One Item per Mask',
		name: 'splitMasks',
		type: 'boolean',
		default: false,
		description: 'Whether to output one item per mask (binary field "mask") instead of one item per image',
		displayOptions: { show: { '/operation': ['segment'] } },
	},
	{
		displayName: 'Start Timeout (Seconds)',
		name: 'startTimeoutSeconds',
		type: 'number',
		displayOptions: { show: { '/authentication': ['falApi'] } },
		typeOptions: { minValue: 1, numberPrecision: 0 },
		default: 60,
		description:
			'Fal fails the job if it has not started within this time (x-fal-request-timeout); such a job is never retried',
	},
	{
		displayName: 'Upload',
		name: 'uploadMode',
		type: 'options',
		options: [
			{
				name: 'Auto',
				value: 'auto',
				description: `Inline up to ${INLINE_LIMIT_BYTES / MiB} MiB, upload larger files`,
			},
			{ name: 'Inline (Data URI)', value: 'inline', description: 'Send the file inside the request' },
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload to the provider\'s storage first (fal storage / Runflow assets)',
			},
		],
		default: 'auto',
		description: `How a binary image reaches the provider. Files over ${UPLOAD_LIMIT_BYTES / MiB} MiB are refused.`,
	},
];

/** The first panel's (version 1) Options collection. */
export const jobOptionsFields: INodeProperties[] = [
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: JOB_OPTIONS },
];

/**
 * The current panel's waiting switches, under Options. An AI Agent's tool always waits, in the queue: the model
 * reads the result, and the panel does not offer it a switch (job/job-settings.ts enforces it whatever is saved).
 */
const WAITING_OPTIONS: INodeProperties[] = [
	{
		displayName: 'Wait for Result',
		name: 'waitForResult',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the result is ready. Off: output the request ID and result URLs at once, e.g. to resume on a webhook (see Callback URL).',
		displayOptions: { hide: { '@tool': [true] } },
	},
	{
		displayName: 'Request Mode',
		name: 'requestMode',
		type: 'options',
		options: [
			{ name: 'Queue (Recommended)', value: 'queue', description: 'Submit the job, follow its status, then fetch the result' },
			{ name: 'One Long Request', value: 'sync', description: 'Hold one request open to fal.run until the result is ready' },
		],
		default: 'queue',
		description: 'How the node talks to fal.ai while it waits',
		displayOptions: { show: { '/authentication': ['falApi'] }, hide: { '@tool': [true], waitForResult: [false] } },
	},
];

/**
 * An operation's Options in the current panel: its own options (an endpoint's optional fields, how its files come
 * back) with the job's and the waiting switches, in display-name order (n8n's lint wants collections sorted);
 * `defaults`: the operation's own defaults for job options (Segment Video waits longer).
 */
export function currentOptionsField(operationOptions: INodeProperties[], defaults: { maxWaitSeconds?: number } = {}): INodeProperties {
	const jobOptions = JOB_OPTIONS.map((option) =>
		option.name === 'maxWaitSeconds' && defaults.maxWaitSeconds ? { ...option, default: defaults.maxWaitSeconds } : option,
	);
	const options = [...operationOptions, ...jobOptions, ...WAITING_OPTIONS].sort((a, b) => a.displayName.localeCompare(b.displayName));
	return currentPanelOnly({ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options });
}
