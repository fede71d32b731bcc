export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * How a call ended, as a value. n8n's community rules allow only NodeApiError / NodeOperationError to be thrown
 * inside a catch block, so the node classifies failures here and throws its own errors outside catch blocks.
 */
export async function settle<T>(call: () => Promise<T>): Promise<Settled<T>> {
	return await call().then(
		(value): Settled<T> => ({ ok: true, value }),
		(error: unknown): Settled<T> => ({ ok: false, error }),
	);
}
