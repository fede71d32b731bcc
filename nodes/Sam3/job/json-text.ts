/** JSON.parse as a value: what is wrong with the text is reported to the user, with the field and the item. */
export function parseJson(text: string): { value: unknown } | { problem: string } {
	try {
		return { value: JSON.parse(text) };
	} catch (error) {
		return { problem: (error as Error).message };
	}
}
