import type { IExecuteSingleFunctions } from 'n8n-workflow';

import { MalformedMediaError } from '../codecs/malformed';
import { INLINE_LIMIT_BYTES, MiB, UPLOAD_LIMIT_BYTES } from '../limits';
import { withRetry } from '../transport/retry';
import { inputError } from './input-errors';
import type { ItemJob, MediaKind, MediaSource } from './job-types';

export type { MediaKind, MediaSource } from './job-types';

/**
 * The media URL to send (image_url, video_url): a URL as given, or a binary file read through n8n's helpers (so
 * files kept on disk by n8n 2.x work) and sent inline as a data: URI or uploaded to the provider's storage first.
 */
export async function resolveMediaUrl(
	{ ctx, spec, settings, adapter, http, signal, deadline }: ItemJob,
	beforeSending?: (data: Buffer) => void,
): Promise<string> {
	const { media } = settings;
	if (media.kind === 'url') return media.url;

	const kind = spec.mediaKind;
	const uploadLimit = kind.uploadLimitBytes ?? UPLOAD_LIMIT_BYTES;
	const itemIndex = ctx.getItemIndex();
	const field = `Input Binary Field "${media.property}"`;
	const item = ctx.getInputData();
	if (!item.binary?.[media.property]) {
		const present = Object.keys(item.binary ?? {});
		throw inputError(
			itemIndex,
			field,
			present.length
				? `the item has no binary field "${media.property}"; it has ${present.map((name) => `"${name}"`).join(', ')}`
				: 'the item has no binary data; connect a node that outputs a file (e.g. HTTP Request, Read Files)',
		);
	}
	const metadata = ctx.helpers.assertBinaryData(media.property);
	const data = await ctx.helpers.getBinaryDataBuffer(media.property);
	if (data.length === 0) {
		throw inputError(itemIndex, field, `the file is empty (0 bytes); give ${kind.aNoun} file (${kind.formats})`);
	}
	if (data.length > uploadLimit) {
		throw inputError(itemIndex, field, `the file is ${(data.length / MiB).toFixed(1)} MiB; the limit is ${uploadLimit / MiB} MiB`);
	}
	const detected = typeOfInput(kind, data, (reason) => inputError(itemIndex, field, `the file starts like ${kind.aNoun} (${kind.formats}) but ${reason}`));
	if (!detected) {
		throw inputError(
			itemIndex,
			field,
			`the file is not ${kind.aNoun} SAM 3 can read (${kind.formats}); it claims to be ${metadata.mimeType || 'unknown'}`,
		);
	}
	// The last word before the file leaves (Max Spend per Run prices a video by its frames): it may refuse the job.
	beforeSending?.(data);
	const inline = settings.uploadMode === 'inline' || (settings.uploadMode === 'auto' && data.length <= INLINE_LIMIT_BYTES);
	if (inline) return `data:${detected};base64,${data.toString('base64')}`;

	const fileName = metadata.fileName ?? `${kind.noun}.${detected.split('/')[1]}`;
	return await withRetry('upload', async () => await adapter.upload(http, { data, mimeType: detected, fileName }), { signal, deadline });
}

/** The input file's type by its first bytes; a structure that contradicts its format is the field's error, named. */
function typeOfInput(kind: MediaKind, data: Buffer, invalid: (reason: string) => Error): string | undefined {
	try {
		return kind.typeOf(data);
	} catch (error) {
		throw invalid(error instanceof MalformedMediaError ? error.message : `its header cannot be read (${(error as Error)?.message})`);
	}
}

/** An operation's media parameters: the source choice, the URL field and the binary field, with their panel labels. */
export interface MediaParameters {
	source: string;
	url: string;
	urlLabel: string;
	binaryProperty: string;
}

/** Where the item's media comes from: a URL (checked) or a binary field (its file is read inside the job slot). */
export function readMediaSource(ctx: IExecuteSingleFunctions, itemIndex: number, kind: MediaKind, parameters: MediaParameters): MediaSource {
	if (ctx.getNodeParameter(parameters.source, 'url') === 'binary') {
		const property = String(ctx.getNodeParameter(parameters.binaryProperty, 'data') ?? '').trim();
		if (!property) throw inputError(itemIndex, 'Input Binary Field', `give the name of the binary field holding the ${kind.noun}`);
		return { kind: 'binary', property };
	}
	const url = String(ctx.getNodeParameter(parameters.url, '') ?? '').trim();
	if (!url) throw inputError(itemIndex, parameters.urlLabel, `it is empty; give an absolute http(s) URL of ${kind.aNoun}`);
	if (!new RegExp(`^(https?://[^\\s/]+|data:${kind.noun}/[\\w.+-]+;base64,)`, 'i').test(url)) {
		throw inputError(itemIndex, parameters.urlLabel, `only absolute http:// or https:// URLs (or data:${kind.noun}/…;base64 URIs) are accepted`, url);
	}
	return { kind: 'url', url };
}
