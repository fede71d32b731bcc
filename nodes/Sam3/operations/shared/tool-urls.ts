import type { IDataObject } from 'n8n-workflow';

/** Longer URLs (signed CDN links) are left out of a tool answer rather than cut: a cut URL is a wrong one. */
const MAX_URL_LENGTH = 2048;

/** A result file's http(s) URL as a tool answer lists it; none for a data: URI (Sync Mode) or an overlong link. */
export function urlOf(file: unknown): string | undefined {
	const url = (file as IDataObject | undefined)?.url;
	return typeof url === 'string' && /^https?:/i.test(url) && url.length <= MAX_URL_LENGTH ? url : undefined;
}
