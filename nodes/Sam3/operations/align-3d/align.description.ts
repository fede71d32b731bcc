import type { INodeProperties } from 'n8n-workflow';

import { schemaField } from '../../contract/fields';
import { Align3dInputSchema } from '../../contract/reconstruct-3d.schema';
import { currentOptionsField } from '../../descriptions/job-options.description';
import { falOnlyPanel } from '../shared/fal-only';
import { imageSourceFields } from '../shared/image-source.description';

const shape = Align3dInputSchema.shape;

/** The photo and the body mesh to place in it. */
const alignFields: INodeProperties[] = [
	...imageSourceFields('the original photo the body was reconstructed from'),
	schemaField(shape.body_mesh_url, {
		displayName: 'Body Mesh URL',
		name: 'bodyMeshUrl',
		required: true,
		placeholder: 'e.g. {{ $json.people[0].mesh.url }}',
		description: 'URL of the body mesh to align (.ply or .glb), e.g. a person\'s mesh from Reconstruct 3D Body',
	}),
];

/** The endpoint's optional fields, among the job's options. */
const alignOptions: INodeProperties[] = [
	schemaField(shape.body_mask_url, { displayName: 'Body Mask URL', name: 'bodyMaskUrl' }),
	{
		...schemaField(shape.focal_length, { displayName: 'Focal Length', name: 'focalLength', default: 1000 }),
		typeOptions: { minValue: 0, numberPrecision: 2 },
	},
	schemaField(shape.object_mesh_url, { displayName: 'Object Mesh URL', name: 'objectMeshUrl', placeholder: 'e.g. {{ $json.glb.url }}' }),
];

/**
 * Align 3D Body and Object's panel (operations/index.ts shows it only for this operation): the photo and the body
 * mesh, then one Options collection (operations/README.md). On Runflow, only the notice: it cannot run there.
 */
export const align3dProperties: INodeProperties[] = falOnlyPanel(
	{ displayName: 'Align 3D Body and Object runs on fal.ai only (Runflow has no SAM 3D model): choose a fal.ai credential above.', name: 'alignRunflowNotice' },
	[...alignFields, currentOptionsField(alignOptions)],
);
