import type { INodeProperties } from 'n8n-workflow';

import { schemaField } from '../../contract/fields';
import { Body3dInputSchema } from '../../contract/reconstruct-3d.schema';
import { currentOptionsField } from '../../descriptions/job-options.description';
import { falOnlyPanel } from '../shared/fal-only';
import { imageSourceFields } from '../shared/image-source.description';

const shape = Body3dInputSchema.shape;

/** The endpoint's optional fields and which files come back, among the job's options. */
const bodyOptions: INodeProperties[] = [
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
];

/**
 * Reconstruct 3D Body's panel (operations/index.ts shows it only for this operation): the photo, then one Options
 * collection (operations/README.md). On Runflow, only the notice: it cannot run there.
 */
export const reconstruct3dBodyProperties: INodeProperties[] = falOnlyPanel(
	{ displayName: 'Reconstruct 3D Body runs on fal.ai only (Runflow has no SAM 3D model): choose a fal.ai credential above.', name: 'bodyRunflowNotice' },
	[...imageSourceFields('the photo of the people to reconstruct'), currentOptionsField(bodyOptions)],
);
