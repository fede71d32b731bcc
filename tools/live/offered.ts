/**
 * Whether the node offers an endpoint: read from its built description, as n8n's editor would show it. The
 * operation must be one of the Operation parameter's options, and every options parameter the entry sets (Model,
 * Mask Delivery, Output …) must offer the value, where it is shown for that operation.
 */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import type { LiveEndpoint } from './endpoints';

export type Offer = { offered: true } | { offered: false; reason: string };

const valuesOf = (property: INodeProperties) => (property.options ?? []).map((option) => ('value' in option ? option.value : undefined));

function shownFor(property: INodeProperties, operation: string, authentication: string): boolean {
	const show = property.displayOptions?.show ?? {};
	const operations = show.operation as string[] | undefined;
	const providers = show.authentication as string[] | undefined;
	return (!operations || operations.includes(operation)) && (!providers || providers.includes(authentication));
}

export function nodeOffers(description: INodeTypeDescription, endpoint: LiveEndpoint): Offer {
	const authentication = endpoint.provider === 'fal' ? 'falApi' : 'runflowApi';
	const operation = String(endpoint.parameters.operation);
	const operationField = description.properties.find((property) => property.name === 'operation');
	if (!operationField || !valuesOf(operationField).includes(operation)) {
		return { offered: false, reason: `node does not offer this operation yet (no operation "${operation}")` };
	}
	for (const [name, value] of Object.entries(endpoint.parameters)) {
		if (name === 'operation' || typeof value !== 'string') continue;
		const candidates = description.properties.filter((property) => property.name === name && property.type === 'options' && shownFor(property, operation, authentication));
		if (candidates.length && !candidates.some((property) => valuesOf(property).includes(value))) {
			return { offered: false, reason: `node does not offer this operation yet (${name} has no option "${value}")` };
		}
	}
	return { offered: true };
}
