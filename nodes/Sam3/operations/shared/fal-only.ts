import type { IExecuteSingleFunctions, INodeProperties } from 'n8n-workflow';

import type { ModelTarget } from '../../contract/model-target';
import { inputError } from '../../job/input-errors';
import { providerOf } from '../../job/job-settings';
import { adapterFor } from '../../providers';

/**
 * The panel of an operation only fal.ai offers: on Runflow, only `notice` ("… runs on fal.ai only …: choose a fal.ai
 * credential above"), since fields to fill in would say it can run there; on fal.ai, the operation's fields.
 */
export function falOnlyPanel(notice: Pick<INodeProperties, 'displayName' | 'name'>, properties: INodeProperties[]): INodeProperties[] {
	return [
		{ ...notice, type: 'notice', default: '', displayOptions: { show: { authentication: ['runflowApi'] } } },
		...properties.map((property) => ({
			...property,
			displayOptions: { ...property.displayOptions, show: { ...property.displayOptions?.show, authentication: ['falApi'] } },
		})),
	];
}

/**
 * Refuses the item, naming Provider, when its provider does not offer `target`: called first by the settings
 * reader, as a Runflow node keeps none of the fields its panel hides (n8n drops hidden parameters), so reading
 * them would blame a field the user cannot see.
 */
export function refuseUnofferedTarget(ctx: IExecuteSingleFunctions, itemIndex: number, target: ModelTarget): void {
	const refused = adapterFor(providerOf(ctx)).refuses(target);
	if (refused) throw inputError(itemIndex, 'Provider', refused.reason);
}
