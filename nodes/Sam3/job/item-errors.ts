import { type IDataObject, type IExecuteSingleFunctions, type INodeExecutionData, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ExecutionCancelledError, ItemInputError, ProviderError } from '../transport/errors';
import { withoutUserInfo } from '../transport/redact';
import type { Batch } from './batch';

/**
 * Every item ends as a result or as an error item. With "continue on fail" the error item carries what a user
 * needs to find the job in the provider's dashboard; n8n's own error items keep only a message, so the details
 * sit in one `error` object (the shape n8n's HTTP Request node uses, and one n8n's error output recognises).
 */
export function errorDetails(error: Error, itemIndex: number): IDataObject {
	const details: IDataObject = { message: withoutUserInfo(error.message), itemIndex };
	if (error instanceof ProviderError) {
		Object.assign(details, {
			provider: error.provider,
			stage: error.stage,
			httpCode: error.httpCode,
			errorType: error.errorType ?? error.networkCode,
			requestId: error.requestId,
			field: error.field,
			description: error.description === undefined ? undefined : withoutUserInfo(error.description),
		});
	} else if (error instanceof ItemInputError) {
		const errorType = (error as ItemInputError & { errorType?: string }).errorType ?? 'invalid_parameter';
		Object.assign(details, { field: error.field, errorType, description: error.description });
	} else if (error instanceof ExecutionCancelledError) {
		Object.assign(details, { errorType: 'cancelled', requestId: error.requestId });
	}
	return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}

/**
 * What becomes of a failed item. With continue-on-fail: an error item. Without: the first item to fail ends the
 * batch (job/batch.ts) and throws; the others resolve empty, so RoutingNode, which throws the first rejected item
 * in item order, reports that real failure and not an "aborted" one of an item stopped because of it.
 */
/** Whether this error fails the execution (no continue-on-fail, not a stop): then the item's batch stops too. */
export function endsBatch(ctx: IExecuteSingleFunctions, error: unknown): boolean {
	if (ctx.getExecutionCancelSignal()?.aborted) return false;
	return !ctx.continueOnFail() || error instanceof ExecutionCancelledError;
}

export function failItem(ctx: IExecuteSingleFunctions, error: Error, batch?: Batch): INodeExecutionData[] {
	const itemIndex = ctx.getItemIndex();
	if (ctx.continueOnFail() && !(error instanceof ExecutionCancelledError)) {
		return [{ json: { error: errorDetails(error, itemIndex) }, pairedItem: { item: itemIndex } }];
	}
	let batchNote: string | undefined;
	if (batch && endsBatch(ctx, error)) {
		const { first, running, others } = batch.fail(itemIndex);
		if (!first) return [];
		if (others) batchNote = stoppedBatchNote(running);
	}
	throwItemError(ctx, error, batchNote);
}

/** What the failure did to the other items' jobs, for the execution error's description. */
function stoppedBatchNote(running: Batch['running']): string {
	const parts = ['The other items start no new job.'];
	if (running.cancellable) parts.push(`${running.cancellable} job(s) in flight are being cancelled.`);
	if (running.uncancellable) {
		parts.push(`${running.uncancellable} Runflow run(s) already submitted may still finish (and be billed): Runflow has no cancel.`);
	}
	return parts.join(' ');
}

function throwItemError(ctx: IExecuteSingleFunctions, error: Error, batchNote: string | undefined): never {
	const itemIndex = ctx.getItemIndex();
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
			message: details.message as string,
			description: [`${facts.filter(Boolean).join(', ')}.`, details.description, batchNote].filter(Boolean).join(' '),
			httpCode: error.httpCode === undefined ? undefined : String(error.httpCode),
		});
	}
	const description = [error instanceof ItemInputError ? error.description : `Item ${itemIndex}.`, batchNote].filter(Boolean).join(' ');
	error.message = withoutUserInfo(error.message);
	throw new NodeOperationError(node, error, { itemIndex, description });
}
