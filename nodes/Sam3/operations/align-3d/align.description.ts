import type { INodeProperties } from 'n8n-workflow';

import { schemaField } from '../../contract/fields';
import { Align3dInputSchema } from '../../contract/reconstruct-3d.schema';
import { imageSourceFields } from '../shared/image-source.description';

const shape = Align3dInputSchema.shape;

/** Align 3D Body and Object's own fields (operations/index.ts shows them only for this operation). */
export const alignFields: INodeProperties[] = [
	{
		displayName: 'Align 3D Body and Object runs on fal.ai only: Runflow has no SAM 3D model. Choose fal.ai as the provider.',
		name: 'alignRunflowNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['runflowApi'] } },
	},
	...imageSourceFields('the original photo the body was reconstructed from'),
	schemaField(shape.body_mesh_url, {
		displayName: 'Body Mesh URL',
		name: 'bodyMeshUrl',
		required: true,
		placeholder: 'e.g. {{ $json.people[0].mesh.url }}',
		description: 'URL of the body mesh to align (.ply or .glb), e.g. a person\'s mesh from Reconstruct 3D Body',
	}),
	{
		displayName: 'Align Options',
		name: 'alignOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			schemaField(shape.body_mask_url, { displayName: 'Body Mask URL', name: 'bodyMaskUrl' }),
			{
				...schemaField(shape.focal_length, { displayName: 'Focal Length', name: 'focalLength', default: 1000 }),
				typeOptions: { minValue: 0, numberPrecision: 2 },
			},
			schemaField(shape.object_mesh_url, { displayName: 'Object Mesh URL', name: 'objectMeshUrl', placeholder: 'e.g. {{ $json.glb.url }}' }),
		],
	},
];
