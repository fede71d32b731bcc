import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';
import type { z } from 'zod';

import { VIDEO_OPTIONS, endpointOptions } from '../../contract/video-options';
import {
	VIDEO_MODELS,
	VIDEO_OUTPUTS,
	type VideoEndpoint,
	type VideoModel,
	type VideoOutputKind,
	videoEndpoint,
	videoInputSchema,
} from '../../contract/video.schema';
import { fromZod, inputError, keysOf } from '../../job/input-errors';
import { NUMERIC } from '../../job/job-settings';
import type { EndpointRequest } from '../../job/item-job';
import { type MediaParameters, readMediaSource } from '../../job/media-input';
import { optionGroup, optionLabel } from '../../job/panel-parameters';
import { refuseUnofferedTarget } from '../shared/fal-only';
import { promptFieldsName, promptListLabels, readPrompts } from '../shared/prompt-parameters';
import { ItemInputError } from '../../transport/errors';
import { VIDEO_KIND } from '../shared/video-bytes';

/** The endpoints' optional fields' parameter names, as Options holds them. */
const VIDEO_OPTION_NAMES = VIDEO_OPTIONS.map((option) => option.name);

/** Segment Video's media parameters (video.description.ts). */
const VIDEO_PARAMETERS: MediaParameters = { source: 'videoSource', url: 'videoUrl', urlLabel: 'Video URL', binaryProperty: 'videoBinaryPropertyName' };

/** The endpoint an item runs: Model × Output (fal-ai/sam-3/video … fal-ai/sam-3-1/video-rle). */
export function readVideoEndpoint(ctx: IExecuteSingleFunctions, itemIndex: number): VideoEndpoint {
	const model = ctx.getNodeParameter('model', 'sam-3') as VideoModel;
	const output = ctx.getNodeParameter('videoOutput', 'video') as VideoOutputKind;
	if (!VIDEO_MODELS.includes(model)) throw inputError(itemIndex, 'Model', `must be one of ${VIDEO_MODELS.join(', ')}`, model);
	if (!VIDEO_OUTPUTS.includes(output)) throw inputError(itemIndex, 'Output', `must be one of ${VIDEO_OUTPUTS.join(', ')}`, output);
	return videoEndpoint(model, output);
}

/**
 * Segment Video's parameters of one item, validated by its endpoint's own schema before anything is sent. Only
 * what the user set is sent (each endpoint has its own defaults, fal applies them).
 */
export function readVideoRequest(ctx: IExecuteSingleFunctions, itemIndex: number): EndpointRequest {
	const endpoint = readVideoEndpoint(ctx, itemIndex);
	// A provider without the endpoint is named first: its panel shows no video fields to fill in (video.description.ts).
	refuseUnofferedTarget(ctx, itemIndex, { model: endpoint.model, endpoint: endpoint.path });
	const framed = endpoint.output === 'rle';
	const options = optionGroup(ctx, 'videoOptions', VIDEO_OPTION_NAMES);

	const media = readMediaSource(ctx, itemIndex, VIDEO_KIND, VIDEO_PARAMETERS);
	// Checked before anything is sent: the frame size for the mask files comes from a binary video's header.
	if (framed && media.kind === 'url' && ctx.getNodeParameter('frameMaskFiles', false) === true) {
		throw inputError(
			itemIndex,
			'Mask Files per Frame',
			'needs the frame size, read from a binary video: download the video first (e.g. HTTP Request, response format File) and set Video Source to Binary File, or turn this off and decode frames[].rle downstream',
		);
	}
	const raw: IDataObject = { video_url: media.kind === 'url' ? media.url : 'https://binary.input/placeholder', ...readPrompts(ctx, itemIndex, framed) };

	const rows = endpointOptions(endpoint.id);
	for (const row of rows) {
		const value = options[row.name];
		const text = typeof value === 'string' ? value.trim() : value;
		// A number from an expression may arrive as text ("0.3"): read as a number, anything else left for zod to name.
		if (text !== undefined && text !== '' && text !== null) raw[row.field] = typeof text === 'string' && NUMERIC.test(text) && row.field !== 'mask_url' ? Number(text) : text;
	}
	if (!raw.prompt && !raw.point_prompts && !raw.box_prompts && !raw.mask_url) {
		throw new ItemInputError(
			`No prompt in item ${itemIndex}: set Text Prompt, ${promptFieldsName(ctx)}${framed ? ` (or ${optionLabel(ctx, 'Video Options', 'Mask URL')})` : ''}; without one fal tracks nothing`,
			'Text Prompt',
		);
	}

	const schema = videoInputSchema(endpoint);
	const parsed = schema.safeParse(raw);
	if (!parsed.success) {
		const labels: Record<string, string> = {
			video_url: media.kind === 'url' ? 'Video URL' : 'Input Binary Field',
			prompt: 'Text Prompt',
			...promptListLabels(ctx),
			...Object.fromEntries(rows.map((row) => [row.field, optionLabel(ctx, 'Video Options', row.displayName)])),
		};
		const prompts = (field: 'point_prompts' | 'box_prompts') => keysOf((schema.shape[field].unwrap() as z.ZodArray<z.ZodTypeAny>).element);
		throw fromZod(itemIndex, parsed.error, raw, labels, { point_prompts: prompts('point_prompts'), box_prompts: prompts('box_prompts') });
	}
	// Send only what the user set (the raw object, not the parsed one with the endpoint's defaults filled in).
	const input: IDataObject = { ...raw };
	delete input.video_url;
	return { target: { model: endpoint.model, endpoint: endpoint.path }, media, input };
}

