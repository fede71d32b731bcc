import { type IDataObject, type IExecuteSingleFunctions, type INodeExecutionData, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ExecutionCancelledError, ItemInputError, ProviderError } from '../transport/errors';

/**
 * Every item ends as a result or as an error item. With "continue on fail" the error item carries what a user
 * needs to find the job in the provider's dashboard; n8n's own error items keep only a message, so the details
 * sit in one `error` object (the shape n8n's HTTP Request node uses, and one n8n's error output recognises).
 */
export function errorDetails(error: Error, itemIndex: number): IDataObject {
	const details: IDataObject = { message: error.message, itemIndex };
	if (error instanceof ProviderError) {
		Object.assign(details, {
			provider: error.provider,
			stage: error.stage,
			httpCode: error.httpCode,
			errorType: error.errorType ?? error.networkCode,
			requestId: error.requestId,
			description: error.description,
		});
	} else if (error instanceof ItemInputError) {
		Object.assign(details, { field: error.field, errorType: 'invalid_parameter', description: error.description });
	} else if (error instanceof ExecutionCancelledError) {
		Object.assign(details, { errorType: 'cancelled', requestId: error.requestId });
	}
	return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}

export function failItem(ctx: IExecuteSingleFunctions, error: Error): INodeExecutionData[] {
	const itemIndex = ctx.getItemIndex();
	if (ctx.continueOnFail() && !(error instanceof ExecutionCancelledError)) {
		return [{ json: { error: errorDetails(error, itemIndex) }, pairedItem: { item: itemIndex } }];
	}
	const node = ctx.getNode();
	if (error instanceof ProviderError) {
		const details = errorDetails(error, itemIndex);
		// What the error item would carry, in words: the editor shows message and description, not the details.
		const facts = [
			`Item ${itemIndex}`,
			error.httpCode === undefined ? undefined : `HTTP ${error.httpCode}`,
			details.errorType === undefined ? undefined : `error type ${String(details.errorType)}`,
			error.requestId ? `request ID ${error.requestId}` : undefined,
		];
		throw new NodeApiError(node, details as never, {
			itemIndex,
			message: error.message,
			description: [`${facts.filter(Boolean).join(', ')}.`, error.description].filter(Boolean).join(' '),
			httpCode: error.httpCode === undefined ? undefined : String(error.httpCode),
		});
	}
	const description = error instanceof ItemInputError ? error.description : `Item ${itemIndex}.`;
	throw new NodeOperationError(node, error, { itemIndex, description });
}
