import type { INodeProperties } from 'n8n-workflow';

import { CURRENT_VERSION } from '../contract/node-versions';

export { CURRENT_VERSION, NODE_VERSIONS } from '../contract/node-versions';

/**
 * `@version` below the current one: a `show` condition for the first panel's fields, a `hide` one for the current
 * panel's (contract/node-versions.ts says why both panels exist).
 */
const FIRST_PANEL = [{ _cnd: { lt: CURRENT_VERSION } }];

/** A field of the first panel (version 1): shown, and so kept, only in workflows saved with it. */
export function firstPanelOnly(property: INodeProperties): INodeProperties {
	const displayOptions = property.displayOptions ?? {};
	return { ...property, displayOptions: { ...displayOptions, show: { ...displayOptions.show, '@version': FIRST_PANEL } } };
}

/** A field of the current panel (version 2 on). */
export function currentPanelOnly(property: INodeProperties): INodeProperties {
	const displayOptions = property.displayOptions ?? {};
	return { ...property, displayOptions: { ...displayOptions, hide: { ...displayOptions.hide, '@version': FIRST_PANEL } } };
}
