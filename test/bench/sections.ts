/**
 * Sections of BENCHMARKS.md that a separate benchmark module writes (e.g. `npm run bench:queue`), between
 * `<!-- name:begin … -->` and `<!-- name:end -->`. Each module replaces only its own section; `npm run bench`, which
 * renders the rest of the file anew, carries the sections over.
 */
const SECTION = /<!-- ([\w-]+):begin[\s\S]*?<!-- \1:end -->/g;

/** `text` with the named section replaced by `section` (appended at the end when it is not there yet). */
export function replaceSection(text: string, name: string, section: string): string {
	const pattern = new RegExp(`<!-- ${name}:begin[\\s\\S]*?<!-- ${name}:end -->`);
	if (pattern.test(text)) return text.replace(pattern, () => section);
	return `${text.trimEnd()}\n\n${section}\n`;
}

/** `rendered` plus every section of `previous` that `rendered` does not have. */
export function keepSections(previous: string, rendered: string): string {
	let text = rendered;
	for (const match of previous.matchAll(SECTION)) {
		if (!text.includes(`<!-- ${match[1]}:begin`)) text = replaceSection(text, match[1], match[0]);
	}
	return text;
}
