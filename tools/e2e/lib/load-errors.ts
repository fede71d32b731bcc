/** Recognises n8n's messages for a community package or node type that did not load. */

/** Patterns n8n logs when it cannot load a package or use a node/credential type (1.123 and 2.41 wording). */
export const LOAD_ERROR_PATTERNS: RegExp[] = [
	/Unrecognized node type/i,
	/Unrecognized credential type/i,
	/Failed to load (community )?package/i,
	/Error loading package/i,
	/Cannot find module/i,
	/Class could not be found/i,
	/Problem loading package/i,
];

/** The lines of an n8n output that report a load failure. */
export function findLoadErrors(output: string): string[] {
	return output.split('\n').filter((line) => LOAD_ERROR_PATTERNS.some((p) => p.test(line)));
}

export class CommunityNodeLoadError extends Error {}

/** Throws (loudly, with the offending lines) when n8n reports a load failure. */
export function assertNoLoadErrors(context: string, output: string): void {
	const errors = findLoadErrors(output);
	if (errors.length > 0) {
		throw new CommunityNodeLoadError(
			`${context}: the community package did not load:\n  ${errors.join('\n  ')}\n--- output tail ---\n${output.slice(-3000)}`,
		);
	}
}
