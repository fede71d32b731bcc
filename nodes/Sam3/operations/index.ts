import type { INodeProperties } from 'n8n-workflow';

import { align3d } from './align-3d';
import { reconstruct3dBody } from './reconstruct-3d-body';
import { reconstruct3dObject } from './reconstruct-3d-object';
import { segmentImage } from './segment-image';
import type { Operation } from './operation';
import { segmentVideo } from './segment-video';
import { trackObjects } from './track-objects';

/** The node's operations, in panel order. A new operation is a folder here and one line in this list (README.md). */
const OPERATIONS: Operation[] = [segmentImage, segmentVideo, trackObjects, reconstruct3dObject, reconstruct3dBody, align3d];

/**
 * The Operation parameter. Each option carries its operation's run as its pagination hook (the one hook n8n runs
 * around a whole item; see Sam3.node.ts). Segment Image is the default, so a workflow
 * saved before there was a choice keeps running as it did (n8n's lint wants the default written out).
 */
export const operationField: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: OPERATIONS.map((operation) => ({
		name: operation.name,
		value: operation.value,
		action: operation.action,
		description: operation.description,
		routing: { send: { paginate: true }, operations: { pagination: operation.run } },
	})),
	default: 'segment',
};

/** Every operation's own fields, each shown only for its operation. */
export const operationFields: INodeProperties[] = OPERATIONS.flatMap((operation) =>
	operation.properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, operation: [operation.value] },
		},
	})),
);
