/**
 * A file whose structure contradicts its own format (an EBML element ID longer than 4 bytes, a box smaller than its
 * own header): named, with the format and what is wrong, never a RangeError from an unchecked index. A file that is
 * merely cut short is not malformed: its parser finds less in it.
 */
export class MalformedMediaError extends Error {
	constructor(
		readonly format: string,
		readonly reason: string,
	) {
		super(`the ${format} structure is malformed: ${reason}`);
		this.name = 'MalformedMediaError';
	}
}

/**
 * Runs a byte parser: whatever it throws besides a MalformedMediaError (an index it did not check, a value
 * Buffer refuses) becomes one, so a caller has one named failure to handle for any hostile input.
 */
export function parsing<T>(format: string, parse: () => T): T {
	let failure: unknown;
	try {
		return parse();
	} catch (error) {
		failure = error;
	}
	throw failure instanceof MalformedMediaError ? failure : new MalformedMediaError(format, (failure as Error)?.message ?? String(failure));
}
