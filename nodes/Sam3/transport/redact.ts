import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

/**
 * What the node never shows. A configured endpoint may carry user-info (`https://user:secret@gateway`): used for
 * requests, never shown. And the credential's own key: a provider or gateway may quote it back ("Invalid API key:
 * <key> is not active"), as is, URL-encoded or after `Key `/`Bearer `; every message, item and tool answer of a
 * job leaves the node through `Redactor` (job/provider-job.ts, runItem), so it is cut out in this one place.
 */
const USER_INFO = /\b([a-z][\w+.-]*:\/\/)[^\s/?#@]*@/gi;

export function withoutUserInfo(text: string): string {
	return text.replace(USER_INFO, '$1');
}

/** The same for an optional value (links, file URLs). */
export function withoutUserInfoIn<T>(value: T): T {
	return (typeof value === 'string' ? withoutUserInfo(value) : value) as T;
}

export const REDACTED = '[redacted API key]';

/** Shorter values are no secret worth a search of every string (and would cut words out of messages). */
const MIN_SECRET_LENGTH = 6;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The forms a secret may come back in: as is, URL-encoded (either hex case, `+` or `%20` for spaces), and the
 * secret half of a fal `key_id:key_secret` key on its own.
 */
function formsOf(secret: string): string[] {
	const parts = [secret, ...(secret.includes(':') ? [secret.slice(secret.indexOf(':') + 1)] : [])];
	const forms = parts.flatMap((part) => {
		const encoded = encodeURIComponent(part);
		return [part, encoded, encoded.replace(/%20/g, '+'), encodeURI(part)];
	});
	return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** A credential's secret fields: what must never leave the node except towards the provider's API hosts. */
export function credentialSecrets(credentials: IDataObject | undefined): string[] {
	const key = credentials?.apiKey;
	return typeof key === 'string' && key.trim() ? [key, key.trim()] : [];
}

export class Redactor {
	private readonly pattern?: RegExp;

	constructor(secrets: string[]) {
		const forms = [...new Set(secrets.flatMap(formsOf))];
		// Percent-escapes match in either hex case; the rest exactly.
		const sources = forms.map((form) => escape(form).replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => `%(?:${hex.toUpperCase()}|${hex.toLowerCase()})`));
		if (sources.length) this.pattern = new RegExp(sources.join('|'), 'g');
	}

	/** The text without the secret (and without URL user-info). */
	text(text: string): string {
		const shown = withoutUserInfo(text);
		return this.pattern ? shown.replace(this.pattern, REDACTED) : shown;
	}

	/** Every string in a JSON value, deeply; other values as they are. Returns the same object when nothing changed. */
	json<T>(value: T): T {
		if (!this.pattern) return value;
		if (typeof value === 'string') return this.text(value) as T;
		if (Array.isArray(value)) {
			const mapped = value.map((entry) => this.json(entry as unknown));
			return (mapped.some((entry, index) => entry !== value[index]) ? mapped : value) as T;
		}
		if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
			const entries = Object.entries(value as IDataObject);
			const mapped = entries.map(([key, entry]) => [key, this.json(entry)] as const);
			return (mapped.some(([, entry], index) => entry !== entries[index][1]) ? Object.fromEntries(mapped) : value) as T;
		}
		return value;
	}

	/** An error's words (message, stack and every other text it carries: description, error type, field), in place. */
	error<E extends Error>(error: E): E {
		const fields = error as unknown as Record<string, unknown>;
		for (const name of new Set(['message', 'stack', ...Object.keys(fields)])) {
			if (typeof fields[name] === 'string') fields[name] = this.text(fields[name] as string);
		}
		return error;
	}

	/** Output items: their JSON (binary files are the provider's bytes, not words). */
	items(items: INodeExecutionData[]): INodeExecutionData[] {
		if (!this.pattern) return items;
		return items.map((item) => {
			const json = this.json(item.json);
			return json === item.json ? item : { ...item, json };
		});
	}
}
