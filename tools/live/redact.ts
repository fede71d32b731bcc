/**
 * What a recording may keep of a provider's answer: never a key, never a working file link. Keys are cut out
 * wherever they appear (a provider may quote one back); URLs keep their host and file extension only (a CDN
 * link is a capability: whoever holds it reads the file, and signed ones carry their signature in the query) and
 * a number per distinct link (`<redacted-2>`), so an answer that names one file twice (Runflow's `outputs[]` and
 * `model_data`) still does when replayed;
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

/**
 * `https://v3b.fal.media/files/b/x/abc.png?sig=…` -> `https://v3b.fal.media/<redacted>.png`, or `<redacted-N>` with
 * `numbering`: the same link always gets the same N.
 */
export function redactUrl(url: string, numbering?: Map<string, number>): string {
	return url.replace(URL_PATTERN, (all: string, scheme: string, host: string, path: string) => {
		const extension = /\.([a-z0-9]{1,5})$/i.exec(path)?.[1];
		const hostOnly = host.replace(/^[^@]*@/, '');
		let name = '<redacted>';
		if (numbering) {
			if (!numbering.has(all)) numbering.set(all, numbering.size + 1);
			name = `<redacted-${numbering.get(all)}>`;
		}
		return `${scheme}://${hostOnly}/${name}${extension ? `.${extension.toLowerCase()}` : ''}`;
	});
}

export function createRedactor(secrets: string[], requestIds: () => Iterable<string> = () => []): Redactor {
	const cut = secrets.filter((secret) => secret.length >= 4);
	const links = new Map<string, number>();
	const text = (value: string): string => {
		let out = value;
		for (const secret of cut) out = out.split(secret).join('<key>');
		const data = DATA_URI.exec(out);
		if (data) return `data:${data[1]}${data[2] ?? ''},<${data[2] ? Math.floor((data[3].length * 3) / 4) : data[3].length} bytes>`;
		for (const id of requestIds()) if (id) out = out.split(id).join('<request-id>');
		return redactUrl(out, links).replace(UUID, '<uuid>');
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
