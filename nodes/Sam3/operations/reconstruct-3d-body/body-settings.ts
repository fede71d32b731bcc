import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import type { ModelTarget } from '../../contract/model-target';
import { BODY_3D_ENDPOINT, Body3dInputSchema } from '../../contract/reconstruct-3d.schema';
import { fromZod } from '../../job/input-errors';
import type { EndpointRequest } from '../../job/item-job';
import { readMediaSource } from '../../job/media-input';
import { refuseUnofferedTarget } from '../shared/fal-only';
import { IMAGE_KIND } from '../shared/image-bytes';
import { IMAGE_SOURCE_PARAMETERS } from '../shared/image-source.description';

const LABELS: Record<string, string> = {
	image_url: 'Image URL',
	mask_url: 'Options > Person Mask URL',
	export_meshes: 'Options > Export Meshes per Person',
	include_3d_keypoints: 'Options > Include 3D Keypoints',
};

const TARGET: ModelTarget = { model: 'sam-3', endpoint: BODY_3D_ENDPOINT.path };

export type BodyDownloads = Array<'glb' | 'meshes' | 'visualization'>;

/** Reconstruct 3D Body's parameters of one item, checked by the endpoint's contract; only what the user set is sent. */
export function readBodyRequest(ctx: IExecuteSingleFunctions, itemIndex: number): EndpointRequest & { downloads: BodyDownloads } {
	// Runflow's panel shows only the notice (body.description.ts): the provider is named first.
	refuseUnofferedTarget(ctx, itemIndex, TARGET);
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const media = readMediaSource(ctx, itemIndex, IMAGE_KIND, IMAGE_SOURCE_PARAMETERS);
	const raw: IDataObject = { image_url: media.kind === 'url' ? media.url : 'https://binary.input/placeholder' };
	const mask = typeof options.maskUrl === 'string' ? options.maskUrl.trim() : options.maskUrl;
	if (mask !== undefined && mask !== '') raw.mask_url = mask;
	if (options.exportMeshes !== undefined) raw.export_meshes = options.exportMeshes;
	if (options.include3dKeypoints !== undefined) raw.include_3d_keypoints = options.include3dKeypoints;
	const parsed = Body3dInputSchema.safeParse(raw);
	if (!parsed.success) throw fromZod(itemIndex, parsed.error, raw, { ...LABELS, image_url: media.kind === 'url' ? 'Image URL' : 'Input Binary Field' });
	const input: IDataObject = { ...raw };
	delete input.image_url;
	const downloads = (Array.isArray(options.download) ? options.download : ['glb', 'meshes', 'visualization']) as BodyDownloads;
	return { target: TARGET, media, input, downloads };
}
