import type { INodeProperties } from 'n8n-workflow';

import { schemaField } from '../../contract/fields';
import { Body3dInputSchema } from '../../contract/reconstruct-3d.schema';
import { imageSourceFields } from '../shared/image-source.description';

const shape = Body3dInputSchema.shape;

/** Reconstruct 3D Body's own fields (operations/index.ts shows them only for this operation). */
export const bodyFields: INodeProperties[] = [
	{
		displayName: 'Reconstruct 3D Body runs on fal.ai only: Runflow has no SAM 3D model. Choose fal.ai as the provider.',
		name: 'bodyRunflowNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['runflowApi'] } },
	},
	...imageSourceFields('the photo of the people to reconstruct'),
	{
		displayName: 'Body Options',
		name: 'bodyOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			schemaField(shape.export_meshes, { displayName: 'Export Meshes per Person', name: 'exportMeshes' }),
			{
				displayName: 'Files to Download',
				name: 'download',
				type: 'multiOptions',
				options: [
					{ name: 'GLB Model', value: 'glb', description: 'All people in one GLB' },
					{ name: 'Meshes per Person (.Ply)', value: 'meshes', description: 'One mesh file per person (with Export Meshes per Person)' },
					{ name: 'Visualization Image', value: 'visualization', description: 'The photo with keypoints, mesh and a side view' },
				],
				default: ['glb', 'meshes', 'visualization'],
				description: 'Which result files to store as binary; every file\'s URL is in the JSON either way',
			},
			schemaField(shape.include_3d_keypoints, { displayName: 'Include 3D Keypoints', name: 'include3dKeypoints' }),
			schemaField(shape.mask_url, { displayName: 'Person Mask URL', name: 'maskUrl', placeholder: 'https://example.com/person-mask.png' }),
		],
	},
];
