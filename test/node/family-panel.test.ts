/**
 * Every input field fal's client types declare for the new endpoints is a parameter of its operation, shown only
 * for that operation (an optional one under the operation's Options): a field added to a contract without a
 * parameter fails here.
 */
import type { INodeProperties } from 'n8n-workflow';

import { Sam3 } from '../../nodes/Sam3/Sam3.node';
import { Align3dInputSchema, Body3dInputSchema, Objects3dInputSchema } from '../../nodes/Sam3/contract/reconstruct-3d.schema';
import { TracksInputSchema } from '../../nodes/Sam3/contract/tracks.schema';

const properties = new Sam3().description.properties;

/** contract field → the parameter that sets it ("collection.option" for an option of a collection). */
const PARAMETERS: Array<[string, string[], Record<string, string>]> = [
	['reconstruct3dObject', Object.keys(Objects3dInputSchema.shape), {
		image_url: 'imageUrl',
		prompt: 'prompt',
		mask_urls: 'options.maskUrls',
		point_prompts: 'options.pointPrompts',
		box_prompts: 'options.boxPrompts',
		seed: 'options.seed',
		pointmap_url: 'options.pointmapUrl',
		detection_threshold: 'options.detectionThreshold',
		export_textured_glb: 'options.texturedGlb',
	}],
	['reconstruct3dBody', Object.keys(Body3dInputSchema.shape), {
		image_url: 'imageUrl',
		mask_url: 'options.maskUrl',
		export_meshes: 'options.exportMeshes',
		include_3d_keypoints: 'options.include3dKeypoints',
	}],
	['align3d', Object.keys(Align3dInputSchema.shape), {
		image_url: 'imageUrl',
		body_mesh_url: 'bodyMeshUrl',
		body_mask_url: 'options.bodyMaskUrl',
		object_mesh_url: 'options.objectMeshUrl',
		focal_length: 'options.focalLength',
	}],
	['trackObjects', Object.keys(TracksInputSchema.shape), {
		video_url: 'videoUrl',
		prompt: 'prompt',
		detection_threshold: 'options.detectionThreshold',
	}],
];

function parameterOf(operation: string, path: string): INodeProperties | undefined {
	const [name, option] = path.split('.');
	const top = properties.find((property) => property.name === name && property.displayOptions?.show?.operation?.includes(operation));
	if (!option) return top;
	return (top?.options as INodeProperties[] | undefined)?.find((entry) => entry.name === option);
}

describe.each(PARAMETERS)('%s: every contract field is a parameter', (operation, fields, table) => {
	it('has a row for each field of the contract, and only those', () => {
		expect(Object.keys(table).sort()).toEqual([...fields].sort());
	});

	it.each(Object.entries(table))('%s → %s', (_field, path) => {
		expect(parameterOf(operation, path)).toBeDefined();
	});
});

it('the 3D Object panel takes fal\'s detection threshold range (0.1–1)', () => {
	expect(parameterOf('reconstruct3dObject', 'options.detectionThreshold')?.typeOptions).toMatchObject({ minValue: 0.1, maxValue: 1 });
	expect(parameterOf('trackObjects', 'options.detectionThreshold')).toMatchObject({ default: 0.5, typeOptions: { minValue: 0.01, maxValue: 1 } });
});
