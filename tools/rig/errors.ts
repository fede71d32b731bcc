import type { ExecutionError, IDataObject } from 'n8n-workflow';

/** The parts of a node's execution error a test asserts on (n8n stores a plain copy of the error). */
export interface RigExecutionError {
	message: string;
	description?: string | null;
	httpCode?: string | null;
	itemIndex?: number;
	runIndex?: number;
	/** Error class as n8n records it (e.g. 'NodeApiError'), when known. */
	name?: string;
	context: IDataObject;
	/** The error object exactly as n8n stored it in the run data. */
	raw: ExecutionError;
}

export function toRigError(error: ExecutionError): RigExecutionError {
	const record = error as ExecutionError & { context?: IDataObject; httpCode?: string | null; name?: string };
	const context = record.context ?? {};
	return {
		message: error.message,
		description: record.description,
		httpCode: record.httpCode,
		itemIndex: typeof context.itemIndex === 'number' ? context.itemIndex : undefined,
		runIndex: typeof context.runIndex === 'number' ? context.runIndex : undefined,
		name: record.name,
		context,
		raw: error,
	};
}
