import { ProviderError } from '../transport/errors';
import { withoutUserInfo } from '../transport/redact';
import type { ItemJob } from './job-types';

/**
 * What happened, in the user's words, at the head of a provider error the editor shows: "fal.ai couldn't download
 * the image at <url> (HTTP 404) — is it public?". The provider's own words follow in the description; the request
 * ID and error type stay in the error's details (item-errors.ts puts them after the message).
 */

/** The noun a media field stands for. */
const MEDIA_NOUNS: Record<string, { noun: string; formats: string }> = {
	image_url: { noun: 'image', formats: 'a JPEG, PNG or WebP image' },
	video_url: { noun: 'video', formats: 'an MP4, MOV or WebM video' },
};

const rewritten = new WeakSet<Error>();

/** A URL as a message shows it: no user-info, data: URIs named rather than quoted, long ones shortened. */
function shownUrl(url: string): string {
	if (/^data:/i.test(url)) return 'the data: URI';
	const clean = withoutUserInfo(url);
	return clean.length > 120 ? `${clean.slice(0, 117)}…` : clean;
}

/** Rewrites a provider error about the item's media (it could not be fetched, or not read) in plain words; others pass. */
export function inPlainWords(error: unknown, job: ItemJob): unknown {
	if (!(error instanceof ProviderError) || rewritten.has(error)) return error;
	const media = MEDIA_NOUNS[job.spec.mediaField];
	if (!media) return error;
	const about = error.field === undefined || error.field === job.spec.mediaField;
	const type = error.errorType ?? '';
	const couldNotFetch = about && (/^file_download/.test(type) || /download the file|failed to download/i.test(error.message));
	const couldNotRead =
		about && !couldNotFetch && (new RegExp(`^(${media.noun}_load|${media.noun}_decode)`).test(type) || new RegExp(`failed to load the ${media.noun}`, 'i').test(error.message));
	if (!couldNotFetch && !couldNotRead) return error;

	const { media: source } = job.spec;
	const where = source.kind === 'url' ? ` at ${shownUrl(source.url)}` : ` uploaded from the binary field "${source.property}"`;
	const status = /\bHTTP (\d{3})\b/.exec(error.message)?.[1];
	const said = `${error.provider} said: ${withoutUserInfo(error.message)}`;
	error.description = [said, error.description].filter(Boolean).join(' ');
	error.message = couldNotFetch
		? `${error.provider} couldn't download the ${media.noun}${where}${status ? ` (HTTP ${status})` : ''} — is it public?`
		: `${error.provider} downloaded the ${media.noun}${where} but could not read it — is it ${media.formats}?`;
	rewritten.add(error);
	return error;
}
