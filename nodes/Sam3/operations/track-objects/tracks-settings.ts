import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import type { ModelTarget } from '../../contract/model-target';
import { TRACKS_ENDPOINT, TracksInputSchema } from '../../contract/tracks.schema';
import { fromZod } from '../../job/input-errors';
import type { EndpointRequest } from '../../job/item-job';
import { NUMERIC } from '../../job/job-settings';
import { readMediaSource } from '../../job/media-input';
import { refuseUnofferedTarget } from '../shared/fal-only';
import { VIDEO_KIND } from '../shared/video-bytes';

const PARAMETERS = { source: 'videoSource', url: 'videoUrl', urlLabel: 'Video URL', binaryProperty: 'videoBinaryPropertyName' };

const TARGET: ModelTarget = { model: 'sam-3', endpoint: TRACKS_ENDPOINT.path };

/** Track Objects' parameters of one item, checked by the endpoint's contract; only what the user set is sent. */
export function readTracksRequest(ctx: IExecuteSingleFunctions, itemIndex: number): EndpointRequest & { frameMaskFiles: boolean } {
	// Runflow's panel shows only the notice (tracks.description.ts): the provider is named first.
	refuseUnofferedTarget(ctx, itemIndex, TARGET);
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const media = readMediaSource(ctx, itemIndex, VIDEO_KIND, PARAMETERS);
	const raw: IDataObject = { video_url: media.kind === 'url' ? media.url : 'https://binary.input/placeholder', prompt: String(ctx.getNodeParameter('prompt', '') ?? '').trim() };
	const threshold = options.detectionThreshold;
	if (threshold !== undefined && threshold !== '' && threshold !== null) raw.detection_threshold = typeof threshold === 'string' && NUMERIC.test(threshold) ? Number(threshold) : threshold;
	const parsed = TracksInputSchema.safeParse(raw);
	if (!parsed.success) {
		throw fromZod(itemIndex, parsed.error, raw, {
			video_url: media.kind === 'url' ? 'Video URL' : 'Input Binary Field',
			prompt: 'Text Prompt',
			detection_threshold: 'Options > Detection Threshold',
		});
	}
	const input: IDataObject = { ...raw };
	delete input.video_url;
	return { target: TARGET, media, input, frameMaskFiles: options.frameMaskFiles === true };
}
