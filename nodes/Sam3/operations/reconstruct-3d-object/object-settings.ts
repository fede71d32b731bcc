import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import type { ModelTarget } from '../../contract/model-target';
import { OBJECTS_3D_ENDPOINT, Objects3dInputSchema } from '../../contract/reconstruct-3d.schema';
import { fromZod } from '../../job/input-errors';
import type { EndpointRequest } from '../../job/item-job';
import { NUMERIC } from '../../job/job-settings';
import { readMediaSource } from '../../job/media-input';
import { ItemInputError } from '../../transport/errors';
import { refuseUnofferedTarget } from '../shared/fal-only';
import { IMAGE_KIND } from '../shared/image-bytes';
import { IMAGE_SOURCE_PARAMETERS } from '../shared/image-source.description';
import { jsonBoxPrompts, jsonPointPrompts, urlList } from '../shared/json-prompts';

/** How errors name the contract's fields: as the panel shows them. */
const LABELS: Record<string, string> = {
	image_url: 'Image URL',
	prompt: 'Text Prompt',
	mask_urls: 'Options > Object Mask URLs',
	point_prompts: 'Options > Point Prompts (JSON)',
	box_prompts: 'Options > Box Prompts (JSON)',
	seed: 'Options > Seed',
	pointmap_url: 'Options > Pointmap URL',
	detection_threshold: 'Options > Detection Threshold',
	export_textured_glb: 'Options > Textured GLB',
};

const TARGET: ModelTarget = { model: 'sam-3', endpoint: OBJECTS_3D_ENDPOINT.path };

/** Which of the result's files the item stores as binary (Options > Files to Download). */
export type ObjectDownloads = Array<'glb' | 'splat' | 'zip'>;

const number = (value: unknown) => (typeof value === 'string' && NUMERIC.test(value) ? Number(value) : value);

/**
 * Reconstruct 3D Object's parameters of one item, checked by the endpoint's contract before anything is sent. Only
 * what the user set is sent: fal applies its own defaults (and its default prompt, "car", when none is given —
 * so the node asks for one).
 */
export function readObjectRequest(ctx: IExecuteSingleFunctions, itemIndex: number): EndpointRequest & { downloads: ObjectDownloads; units: number } {
	// Runflow's panel shows only the notice (object.description.ts): the provider is named first.
	refuseUnofferedTarget(ctx, itemIndex, TARGET);
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const media = readMediaSource(ctx, itemIndex, IMAGE_KIND, IMAGE_SOURCE_PARAMETERS);
	const raw: IDataObject = { image_url: media.kind === 'url' ? media.url : 'https://binary.input/placeholder' };
	const prompt = String(ctx.getNodeParameter('prompt', '') ?? '').trim();
	if (prompt) raw.prompt = prompt;
	const masks = urlList(options.maskUrls, itemIndex, LABELS.mask_urls);
	if (masks.length) raw.mask_urls = masks;
	const points = jsonPointPrompts(options.pointPrompts, itemIndex, LABELS.point_prompts);
	if (points.length) raw.point_prompts = points;
	const boxes = jsonBoxPrompts(options.boxPrompts, itemIndex, LABELS.box_prompts);
	if (boxes.length) raw.box_prompts = boxes;
	for (const [name, field] of [['seed', 'seed'], ['detectionThreshold', 'detection_threshold'], ['pointmapUrl', 'pointmap_url']] as const) {
		const value = typeof options[name] === 'string' ? (options[name] as string).trim() : options[name];
		if (value !== undefined && value !== '' && value !== null) raw[field] = (field === 'pointmap_url' ? value : number(value)) as IDataObject[string];
	}
	if (options.texturedGlb !== undefined) raw.export_textured_glb = options.texturedGlb;

	if (!raw.prompt && !raw.mask_urls && !raw.point_prompts && !raw.box_prompts) {
		throw new ItemInputError(
			`No object to reconstruct in item ${itemIndex}: set Text Prompt (e.g. "sneaker"), or Options > Object Mask URLs, Box Prompts (JSON) or Point Prompts (JSON); without one fal looks for a car`,
			'Text Prompt',
		);
	}
	const parsed = Objects3dInputSchema.safeParse(raw);
	if (!parsed.success) {
		throw fromZod(itemIndex, parsed.error, raw, { ...LABELS, image_url: media.kind === 'url' ? 'Image URL' : 'Input Binary Field' }, {
			point_prompts: ['x', 'y', 'label', 'object_id'],
			box_prompts: ['x_min', 'y_min', 'x_max', 'y_max', 'object_id'],
		});
	}
	const input: IDataObject = { ...raw };
	delete input.image_url;
	const downloads = (Array.isArray(options.download) ? options.download : ['glb', 'splat']) as ObjectDownloads;
	// fal bills 3D per "unit" (undefined; one single-object run was 1 unit): one per object asked for, at least one.
	const units = Math.max(1, masks.length || boxes.length);
	return { target: TARGET, media, input, downloads, units };
}
