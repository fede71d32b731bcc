import type { INodeProperties } from 'n8n-workflow';

import { schemaField } from '../../contract/fields';
import { Objects3dInputSchema } from '../../contract/reconstruct-3d.schema';
import { currentOptionsField } from '../../descriptions/job-options.description';
import { falOnlyPanel } from '../shared/fal-only';
import { imageSourceFields } from '../shared/image-source.description';

const shape = Objects3dInputSchema.shape;

/** The photo and what to reconstruct in it. */
const objectFields: INodeProperties[] = [
	...imageSourceFields('the photo to reconstruct in 3D'),
	{
		displayName: 'Text Prompt',
		name: 'prompt',
		type: 'string',
		default: '',
		placeholder: 'e.g. sneaker, chair, lamp',
		description:
			'What to reconstruct: every object matching this short noun phrase becomes a 3D model. Or give the objects\' masks (e.g. from Segment Image), points or boxes under Options.',
	},
];

/** The endpoint's optional fields and which files come back, among the job's options. */
const objectOptions: INodeProperties[] = [
	{
		displayName: 'Box Prompts (JSON)',
		name: 'boxPrompts',
		type: 'json',
		default: '[]',
		description: 'Boxes in pixels, each one object: [{"x_min": 10, "y_min": 20, "x_max": 200, "y_max": 180}]',
	},
	schemaField(shape.detection_threshold, { displayName: 'Detection Threshold', name: 'detectionThreshold', default: 0.5 }),
	{
		displayName: 'Files to Download',
		name: 'download',
		type: 'multiOptions',
		options: [
			{ name: 'GLB Models', value: 'glb', description: 'The scene\'s GLB and one per object (2–15 MB each)' },
			{ name: 'Gaussian Splats (.Ply)', value: 'splat', description: 'The scene\'s splat and one per object (5–50 MB each)' },
			{ name: 'Artifacts Zip', value: 'zip', description: 'All files and metadata in one zip' },
		],
		default: ['glb', 'splat'],
		description: 'Which result files to store as binary; every file\'s URL is in the JSON either way',
	},
	{
		displayName: 'Object Mask URLs',
		name: 'maskUrls',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.masks.map(m => m.url) }}',
		description:
			'One mask per object (white = object), e.g. the mask URLs of a Segment Image item: a list, or URLs separated by commas. When set, prompts are not used.',
	},
	{
		displayName: 'Point Prompts (JSON)',
		name: 'pointPrompts',
		type: 'json',
		default: '[]',
		description: 'Points in pixels: [{"x": 120, "y": 80, "label": 1}] (label 1 = object, 0 = background)',
	},
	schemaField(shape.pointmap_url, { displayName: 'Pointmap URL', name: 'pointmapUrl', placeholder: 'https://example.com/depth.npz' }),
	schemaField(shape.seed, { displayName: 'Seed', name: 'seed' }),
	schemaField(shape.export_textured_glb, { displayName: 'Textured GLB', name: 'texturedGlb' }),
];

/**
 * Reconstruct 3D Object's panel (operations/index.ts shows it only for this operation): the photo and the prompt,
 * then one Options collection (operations/README.md). On Runflow, only the notice: it cannot run there.
 */
export const reconstruct3dObjectProperties: INodeProperties[] = falOnlyPanel(
	{ displayName: 'Reconstruct 3D Object runs on fal.ai only (Runflow has no SAM 3D model): choose a fal.ai credential above.', name: 'objectRunflowNotice' },
	[...objectFields, currentOptionsField(objectOptions)],
);
