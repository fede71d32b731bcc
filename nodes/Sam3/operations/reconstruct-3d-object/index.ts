import type { Operation } from '../operation';
import { objectFields } from './object.description';
import { runReconstruct3dObject } from './run';
import { currentOptionsField } from '../../descriptions/job-options.description';

/**
 * Reconstruct 3D Object (fal.ai only, fal-ai/sam-3/3d-objects): a photo in, each object in it as a 3D model out —
 * a GLB for a store's 3D viewer, a Gaussian splat, per-object files and their poses.
 */
export const reconstruct3dObject: Operation = {
	value: 'reconstruct3dObject',
	name: 'Reconstruct 3D Object',
	action: 'Reconstruct 3D objects from a photo',
	description: 'Turn the objects in a photo into 3D models: GLB, Gaussian splat and poses (fal.ai only)',
	// The current panel's (node version 2) Options: the job's options and waiting switches (operations/README.md).
	properties: [...objectFields, currentOptionsField([])],
	run: runReconstruct3dObject,
};
