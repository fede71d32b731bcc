import type { IBinaryData, IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Submission } from '../providers/provider';
import { withoutUserInfoIn } from '../transport/redact';
import { itemCost } from './cost';
import type { ItemJob, JobSettings } from './job-types';
import type { StoredFile } from './provider-files';

export type { OwnOutput } from './job-types';

export interface JobTiming {
	totalMs: number;
	queueMs?: number;
	polls?: number;
}

/** Leaves out what the provider did not report, so items show only real values. */
export function compact(json: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(json).filter(([, value]) => value !== undefined));
}

/**
 * What of the input item the output keeps (Options > Keep Input Data): its JSON and files, minus what this run
 * writes anew. An earlier run's JSON fields are dropped only from an item an earlier run wrote (a user's own
 * "status" field stays); the binary fields this run owns are always replaced, never left beside the new ones.
 */
export function keptInput(job: ItemJob): { json: IDataObject; binary: Record<string, IBinaryData> } {
	const { ctx, settings, spec } = job;
	if (!settings.output.keepInput) return { json: {}, binary: {} };
	const input = ctx.getInputData();
	const json = { ...input.json };
	const own = spec.ownOutput;
	const earlier = own.isEarlierResult(json);
	if (earlier) for (const field of own.jsonFields) delete json[field];
	const binary = Object.fromEntries(Object.entries(input.binary ?? {}).filter(([name]) => !own.isOwnBinary(name, job, earlier)));
	return { json, binary };
}

/** Wait for Result off: the job's id and links at once, for a webhook or a later node to pick up. */
export function submissionItem(job: ItemJob, submission: Submission): INodeExecutionData {
	const { json, binary } = keptInput(job);
	return {
		json: { ...json, provider: job.adapter.label, requestId: submission.requestId, status: submission.status, ...submission.links, cost: itemCost(job) },
		binary: Object.keys(binary).length ? binary : undefined,
		pairedItem: { item: job.ctx.getItemIndex() },
	};
}

/** The input media's name without extension (from the binary file or the URL path), to name the result files after. */
export function mediaStem(ctx: IExecuteSingleFunctions, settings: JobSettings, fallback: string): string {
	const { media } = settings;
	let name = '';
	if (media.kind === 'binary') name = ctx.getInputData().binary?.[media.property]?.fileName ?? '';
	else if (/^https?:/i.test(media.url)) name = lastPathSegment(media.url);
	const stem = name.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_').slice(0, 80);
	return stem || fallback;
}

function lastPathSegment(url: string): string {
	try {
		return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
	} catch {
		return '';
	}
}

/** A file of the provider's answer as its JSON says it: the binary field it was stored in, its URL, type and name. */
export function providerFileJson(
	file: { url: string; content_type?: string; file_name?: string },
	binaryProperty: string | undefined,
	binary?: IBinaryData,
): IDataObject {
	return compact({
		binaryProperty: binary ? binaryProperty : undefined,
		// A data: URI (Sync Mode) is the file itself: left out once it is stored as binary, the only copy otherwise.
		url: file.url.startsWith('data:') && binary ? undefined : withoutUserInfoIn(file.url),
		mimeType: binary?.mimeType ?? file.content_type ?? undefined,
		fileName: binary?.fileName ?? file.file_name ?? undefined,
	});
}

/**
 * A file's `fileSize` in the JSON, always a number of bytes: those stored when it was downloaded, else the size the
 * provider declares (undefined when neither is known). Never n8n's display string ("12.3 kB").
 */
export function fileSizeOf(file: { file_size?: number }, stored?: StoredFile): number | undefined {
	return stored?.bytes ?? file.file_size;
}
