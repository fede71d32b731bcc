import type { Operation } from '../operation';
import { reconstruct3dBodyProperties } from './body.description';
import { runReconstruct3dBody } from './run';

/**
 * Reconstruct 3D Body (fal.ai only, fal-ai/sam-3/3d-body): a photo in, its people as 3D body meshes out — one GLB,
 * a mesh per person, a visualization image, and each person's box and keypoints.
 */
export const reconstruct3dBody: Operation = {
	value: 'reconstruct3dBody',
	name: 'Reconstruct 3D Body',
	action: 'Reconstruct 3D bodies from a photo',
	description: 'Turn the people in a photo into 3D body meshes with keypoints (fal.ai only)',
	properties: reconstruct3dBodyProperties,
	run: runReconstruct3dBody,
};
