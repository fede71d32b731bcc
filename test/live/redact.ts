/**
 * What a recording may keep of a provider's answer: never a key, never a working file link. Keys are cut out
 * wherever they appear (a provider may quote one back); URLs keep their host and file extension only (a CDN
 * link is a capability: whoever holds it reads the file, and signed ones carry their signature in the query);
 * data: URIs keep their media type and size; request ids become `<request-id>` so two runs record the same text.
 */

export interface Redactor {
	/** A JSON value with every string redacted. */
	json<T>(value: T): T;
	text(value: string): string;
}

const URL_PATTERN = /\b(https?):\/\/([^/\s"'?#]+)([^\s"'?#]*)(\?[^\s"'#]*)?(#[^\s"']*)?/gi;
const DATA_URI = /^data:([^;,]*)(;base64)?,(.*)$/is;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** `https://v3b.fal.media/files/b/x/abc.png?sig=…` -> `https://v3b.fal.media/<redacted>.png`. */
export function redactUrl(url: string): string {
	return url.replace(URL_PATTERN, (_all, scheme: string, host: string, path: string) => {
		const extension = /\.([a-z0-9]{1,5})$/i.exec(path)?.[1];
		const hostOnly = host.replace(/^[^@]*@/, '');
		return `${scheme}://${hostOnly}/<redacted>${extension ? `.${extension.toLowerCase()}` : ''}`;
	});
}

export function createRedactor(secrets: string[], requestIds: () => Iterable<string> = () => []): Redactor {
	const cut = secrets.filter((secret) => secret.length >= 4);
	const text = (value: string): string => {
		let out = value;
		for (const secret of cut) out = out.split(secret).join('<key>');
		const data = DATA_URI.exec(out);
		if (data) return `data:${data[1]}${data[2] ?? ''},<${data[2] ? Math.floor((data[3].length * 3) / 4) : data[3].length} bytes>`;
		for (const id of requestIds()) if (id) out = out.split(id).join('<request-id>');
		return redactUrl(out).replace(UUID, '<uuid>');
	};
	const json = <T>(value: T): T => {
		if (typeof value === 'string') return text(value) as T;
		if (Array.isArray(value)) return value.map((entry) => json(entry)) as T;
		if (value && typeof value === 'object') {
			return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, entry]) => [text(key), json(entry)])) as T;
		}
		return value;
	};
	return { json, text };
}
