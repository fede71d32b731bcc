import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { isFirstPanelVersion } from '../contract/node-versions';

/**
 * Parameters whose place differs between the node's two panels (contract/node-versions.ts), read from the panel the
 * node was saved with, so the rest of the node knows one shape.
 */

/** Whether the item's node was saved with the first panel (node version 1). */
export function isFirstPanel(ctx: IExecuteSingleFunctions): boolean {
	return isFirstPanelVersion(ctx.getNode().typeVersion);
}

/** How errors name an option of a collection: "Options > Max Masks", or the first panel's own collection's name. */
export function optionLabel(ctx: IExecuteSingleFunctions, firstPanelCollection: string, option: string): string {
	return `${isFirstPanel(ctx) ? firstPanelCollection : 'Options'} > ${option}`;
}

/**
 * An operation's option group: the first panel's own collection (Model Options, Video Options) or, in the current
 * panel, those of `names` found in Options.
 */
export function optionGroup(ctx: IExecuteSingleFunctions, firstPanelCollection: string, names: string[]): IDataObject {
	if (isFirstPanel(ctx)) return ctx.getNodeParameter(firstPanelCollection, {}) as IDataObject;
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return Object.fromEntries(Object.entries(options).filter(([name]) => names.includes(name)));
}

/** An options parameter the first panel had as its own row and the current one has under Options. */
export function formerRow(ctx: IExecuteSingleFunctions, name: string, fallback: unknown): unknown {
	if (isFirstPanel(ctx)) return ctx.getNodeParameter(name, fallback);
	return (ctx.getNodeParameter('options', {}) as IDataObject)[name] ?? fallback;
}

/** Whether the saved parameter (a row, or an entry of Options) is filled by an AI Agent's model ($fromAI). */
function setByModel(ctx: IExecuteSingleFunctions, name: string): boolean {
	const parameters = ctx.getNode().parameters;
	const raw = isFirstPanel(ctx) ? parameters[name] : (parameters.options as IDataObject | undefined)?.[name];
	return typeof raw === 'string' && raw.includes('$fromAI');
}

/**
 * Whether to wait for the result, and how (fal: queue or one long request). An AI Agent's model never decides
 * either: the tool's panel does not offer them, and a value the model would fill ($fromAI) is ignored.
 */
export function readWaiting(ctx: IExecuteSingleFunctions, toolCall: boolean): { waitForResult: boolean; falMode: 'queue' | 'sync' } {
	const fixed = (name: string) => toolCall && setByModel(ctx, name);
	const waitForResult = fixed('waitForResult') || formerRow(ctx, 'waitForResult', true) !== false;
	const modeName = isFirstPanel(ctx) ? 'falMode' : 'requestMode';
	const mode = fixed(modeName) ? 'queue' : formerRow(ctx, modeName, 'queue');
	return { waitForResult, falMode: waitForResult && mode === 'sync' ? 'sync' : 'queue' };
}
