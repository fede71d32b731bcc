/**
 * Marked blocks of BENCHMARKS.md that a benchmark writes, between `<!-- name:begin … -->` and `<!-- name:end -->`:
 * `bench` (npm run bench: the tables of its last run), `pipeline`, `queue-mode`, `rle` (their own commands). Each
 * writer replaces only its own block; the prose around the blocks is written by people and no run touches it.
 */

/** `text` with the named block replaced by `block` (appended at the end when it is not there yet). */
export function replaceSection(text: string, name: string, block: string): string {
	const pattern = new RegExp(`<!-- ${name}:begin[\\s\\S]*?<!-- ${name}:end -->`);
	if (pattern.test(text)) return text.replace(pattern, () => block);
	return `${text.trimEnd()}\n\n${block}\n`;
}
