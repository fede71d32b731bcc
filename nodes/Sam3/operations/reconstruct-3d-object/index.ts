import type { Operation } from '../operation';
import { reconstruct3dObjectProperties } from './object.description';
import { runReconstruct3dObject } from './run';

/**
 * Reconstruct 3D Object (fal.ai only, fal-ai/sam-3/3d-objects): a photo in, each object in it as a 3D model out —
 * a GLB for a store's 3D viewer, a Gaussian splat, per-object files and their poses.
 */
export const reconstruct3dObject: Operation = {
	value: 'reconstruct3dObject',
	name: 'Reconstruct 3D Object',
	action: 'Reconstruct 3D objects from a photo',
	description: 'Turn the objects in a photo into 3D models: GLB, Gaussian splat and poses (fal.ai only)',
	properties: reconstruct3dObjectProperties,
	run: runReconstruct3dObject,
};
