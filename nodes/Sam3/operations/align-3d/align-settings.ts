import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import type { ModelTarget } from '../../contract/model-target';
import { ALIGN_3D_ENDPOINT, Align3dInputSchema } from '../../contract/reconstruct-3d.schema';
import { fromZod } from '../../job/input-errors';
import type { EndpointRequest } from '../../job/item-job';
import { NUMERIC } from '../../job/job-settings';
import { readMediaSource } from '../../job/media-input';
import { refuseUnofferedTarget } from '../shared/fal-only';
import { IMAGE_KIND } from '../shared/image-bytes';
import { IMAGE_SOURCE_PARAMETERS } from '../shared/image-source.description';

const LABELS: Record<string, string> = {
	body_mesh_url: 'Body Mesh URL',
	body_mask_url: 'Options > Body Mask URL',
	object_mesh_url: 'Options > Object Mesh URL',
	focal_length: 'Options > Focal Length',
};

const TARGET: ModelTarget = { model: 'sam-3', endpoint: ALIGN_3D_ENDPOINT.path };

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : value);

/** Align 3D Body and Object's parameters of one item, checked by the endpoint's contract; only what was set is sent. */
export function readAlignRequest(ctx: IExecuteSingleFunctions, itemIndex: number): EndpointRequest {
	// Runflow's panel shows only the notice (align.description.ts): the provider is named first.
	refuseUnofferedTarget(ctx, itemIndex, TARGET);
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const media = readMediaSource(ctx, itemIndex, IMAGE_KIND, IMAGE_SOURCE_PARAMETERS);
	const raw: IDataObject = {
		image_url: media.kind === 'url' ? media.url : 'https://binary.input/placeholder',
		body_mesh_url: text(ctx.getNodeParameter('bodyMeshUrl', '')) as string,
	};
	for (const [name, field] of [['bodyMaskUrl', 'body_mask_url'], ['objectMeshUrl', 'object_mesh_url']] as const) {
		const value = text(options[name]);
		if (value !== undefined && value !== '') raw[field] = value as string;
	}
	const focal = text(options.focalLength);
	if (focal !== undefined && focal !== '' && focal !== null) raw.focal_length = (typeof focal === 'string' && NUMERIC.test(focal) ? Number(focal) : focal) as number;
	const parsed = Align3dInputSchema.safeParse(raw);
	if (!parsed.success) throw fromZod(itemIndex, parsed.error, raw, { ...LABELS, image_url: media.kind === 'url' ? 'Image URL' : 'Input Binary Field' });
	const input: IDataObject = { ...raw };
	delete input.image_url;
	return { target: TARGET, media, input };
}
