import type { Operation } from '../operation';
import { align3dProperties } from './align.description';
import { runAlign3d } from './run';

/**
 * Align 3D Body and Object (fal.ai only, fal-ai/sam-3/3d-align): a person's mesh from Reconstruct 3D Body placed in
 * the photo's scene, with an object's mesh from Reconstruct 3D Object when given — one scene GLB.
 */
export const align3d: Operation = {
	value: 'align3d',
	name: 'Align 3D Body and Object',
	action: 'Align a 3D body and object in one scene',
	description: 'Place a 3D body (and an object) in the photo\'s scene as one GLB (fal.ai only)',
	properties: align3dProperties,
	run: runAlign3d,
};
