import type { IDataObject } from 'n8n-workflow';

/**
 * All URLs of one tool answer together, in characters: signed CDN links run to ~2,000 characters each, and 20 of
 * them would be ~40 KB the model reads again on every later turn. Past the budget a URL is left out, never cut (a
 * cut URL is a wrong one), and the answer says how many.
 */
export const TOOL_URL_BUDGET_CHARS = 4_000;

/** The entries with their `url` kept while the budget lasts (in the entries' order), and how many lost theirs. */
export function withinUrlBudget(entries: IDataObject[], budget = TOOL_URL_BUDGET_CHARS): { entries: IDataObject[]; urlsLeftOut: number } {
	let left = budget;
	let urlsLeftOut = 0;
	const kept = entries.map((entry) => {
		if (typeof entry.url !== 'string') return entry;
		if (entry.url.length <= left) {
			left -= entry.url.length;
			return entry;
		}
		urlsLeftOut++;
		return Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'url'));
	});
	return { entries: kept, urlsLeftOut };
}

/** The note for a model on URLs left out, or undefined. */
export function urlBudgetNote(urlsLeftOut: number): string | undefined {
	return urlsLeftOut ? `The URLs of ${urlsLeftOut} mask(s) are left out to keep this answer small (signed links are long); the workflow's output items have them.` : undefined;
}
