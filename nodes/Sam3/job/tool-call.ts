import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';

import { ExecutionCancelledError, ItemInputError, ProviderError } from '../transport/errors';
import { withoutUserInfo } from '../transport/redact';
import { errorDetails } from './item-errors';
import { compact } from './output-item';
import { SpendLimitError } from './spend';

/**
 * The node as an AI Agent's tool (n8n serves it as `<package>.sam3Tool`): what the model reads back. n8n hands the
 * model only the items' JSON, stringified (Agent 2.x drops binary, Agent 3 sends `[{}]` for a binary-only item), so
 * each operation answers a tool call with one small item of its own (operations/<op>/tool-answer.ts), bounded in
 * size; no binary, no base64, no raw response, no echo of the agent's own input. This module is what they share.
 *
 * A failed call answers with an `error` item naming the tool argument, instead of throwing: a thrown error reaches
 * the model of Agent 2.x (n8n 1.x) as an empty string (langchain's AgentExecutor swallows tool errors) and Agent 3's
 * as its bare message, without the description.
 */

/** n8n runs the tool version of a node under the node's type name with `Tool` appended, on both lines. */
export function isToolCall(ctx: IExecuteSingleFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

/**
 * An operation's tool arguments: which node parameters (a model fills them with $fromAI) each error field names,
 * and which field a provider's error about the input media (it could not fetch or read it) is about.
 */
export interface ToolArguments {
	/** The error's field (panel label or contract field) → the node parameters that set it, in order of preference. */
	byField: Array<[RegExp, string[]]>;
	/** The provider's error types for input media it could not fetch or read, and the field to name for them. */
	mediaErrors: { errorType: RegExp; field: string };
}

const FROM_AI_KEY = /\$fromAI\(\s*['"`]([\w-]+)['"`]/;

/** The $fromAI key that fills the field an error names, e.g. "imageUrl" for "Image URL". */
function argumentFor(ctx: IExecuteSingleFunctions, field: string | undefined, toolArguments: ToolArguments): string | undefined {
	if (!field) return undefined;
	const names = toolArguments.byField.find(([pattern]) => pattern.test(field))?.[1] ?? [];
	for (const name of names) {
		const raw = ctx.getNode().parameters[name];
		const key = typeof raw === 'string' ? FROM_AI_KEY.exec(raw)?.[1] : undefined;
		if (key) return key;
	}
	return undefined;
}

/**
 * The error a model reads, as an item, for a failed tool call; undefined where the usual handling applies: outside
 * tool mode, on a stop, and when the node is set to stop the workflow on error.
 */
export function toolErrorItems(
	ctx: IExecuteSingleFunctions,
	error: Error,
	toolArguments: ToolArguments,
	toolCall = isToolCall(ctx),
): INodeExecutionData[] | undefined {
	if (!toolCall || error instanceof ExecutionCancelledError || ctx.getNode().onError === 'stopWorkflow') return undefined;
	const details = errorDetails(error, ctx.getItemIndex());
	const named = (error instanceof ItemInputError || error instanceof ProviderError) && error.field ? error.field : undefined;
	// fal's error types for input media it could not fetch or read (file_download_error, image_load_error, …).
	const { mediaErrors } = toolArguments;
	const field = named ?? (error instanceof ProviderError && mediaErrors.errorType.test(error.errorType ?? '') ? mediaErrors.field : undefined);
	const argument = argumentFor(ctx, field, toolArguments);
	const message = withoutUserInfo(error.message).replace(/ in item \d+/, '');
	const description = typeof details.description === 'string' && !message.includes(details.description) ? details.description : undefined;
	const json = compact({
		error: [message, description].filter(Boolean).join(' ').slice(0, 1000),
		argument,
		errorType: details.errorType,
		httpCode: details.httpCode,
		requestId: details.requestId,
		hint: argument
			? `Call the tool again with a corrected "${argument}".`
			: error instanceof SpendLimitError
				? "The job's estimated cost is over the node's Max Spend per Run, which the user sets: calling the tool again will be refused too."
				: error instanceof ItemInputError
				? 'Check the tool arguments and call the tool again.'
				: undefined,
	});
	return [{ json, pairedItem: { item: ctx.getItemIndex() } }];
}

/**
 * What a job cost, as a model reads it, every operation alike, from the item's `cost` (job/cost.ts): the list-price
 * estimate and what the provider reported, in US dollars, or why there is no estimate. Only the item of a job the
 * provider accepted carries a `cost`; an error answer says none (a refused item or bad input started no job, and
 * a failed job's price the node does not know).
 */
export function toolCost(cost: unknown): IDataObject {
	if (!cost || typeof cost !== 'object') return {};
	const { estimatedUsd, reportedUsd, basis } = cost as IDataObject;
	const estimatedCostUsd = typeof estimatedUsd === 'number' ? estimatedUsd : undefined;
	const reportedCostUsd = typeof reportedUsd === 'number' ? reportedUsd : undefined;
	const unknown = estimatedCostUsd === undefined && reportedCostUsd === undefined && typeof basis === 'string';
	return compact({ estimatedCostUsd, reportedCostUsd, costNote: unknown ? `Cost not estimated: ${basis}.` : undefined });
}

/** Wait for Result off, as the model reads it: the job's id, status and cost, and that its result is not part of the answer. */
export function submittedToolAnswer(ctx: IExecuteSingleFunctions, item: INodeExecutionData): INodeExecutionData[] {
	const { provider, requestId, status, cost } = item.json;
	const note = 'Submitted without waiting (Wait for Result is off): the result is not part of this answer.';
	return [{ json: { ...compact({ provider, requestId, status }), ...toolCost(cost), note }, pairedItem: { item: ctx.getItemIndex() } }];
}
