import type { INodeProperties } from 'n8n-workflow';

import { schemaField } from './fields';
import {
	VIDEO_INPUT_SCHEMAS,
	VIDEO_MODELS,
	VIDEO_OUTPUTS,
	type VideoEndpointId,
	type VideoModel,
	type VideoOutputKind,
	videoEndpoint,
} from './video.schema';

/**
 * The fields a user sets under Segment Video's "Video Options", one row per field *and* set of endpoints sharing
 * its definition: apply_mask and detection_threshold differ between /video and /video-rle (default, range), so
 * each gets a row per output, shown only for that output; no default is shared across endpoints. The panel's type,
 * default, range and description come from that endpoint's schema (contract/video.schema.ts); a test fails when a
 * schema field has no row. Listed in display-name order, as n8n's lint wants panel options.
 */
export interface VideoOption {
	field: string;
	/** The parameter's name: several rows of one field need names of their own. */
	name: string;
	displayName: string;
	/** Which models and outputs have this field with this definition (default: all). */
	models?: VideoModel[];
	outputs?: VideoOutputKind[];
	/** Panel names of an enum's values. */
	optionNames?: Record<string, string>;
}

export const VIDEO_OPTIONS: VideoOption[] = [
	{ field: 'apply_mask', name: 'applyMask', displayName: 'Apply Mask (Draw on the Video)', outputs: ['video'] },
	{ field: 'apply_mask', name: 'applyMaskToVideo', displayName: 'Apply Mask (Also Return a Video)', outputs: ['rle'] },
	{ field: 'boundingbox_zip', name: 'boundingBoxZip', displayName: 'Bounding Box Zip', outputs: ['rle'] },
	{ field: 'detection_threshold', name: 'detectionThreshold', displayName: 'Detection Threshold', outputs: ['video'] },
	{ field: 'detection_threshold', name: 'rleDetectionThreshold', displayName: 'Detection Threshold (RLE)', outputs: ['rle'] },
	{ field: 'frame_index', name: 'maskFrameIndex', displayName: 'Mask Frame Index', outputs: ['rle'] },
	{ field: 'mask_url', name: 'maskUrl', displayName: 'Mask URL', outputs: ['rle'] },
	{ field: 'max_num_objects', name: 'maxNumObjects', displayName: 'Max Objects', models: ['sam-3-1'] },
	{
		field: 'video_output_type',
		name: 'videoOutputType',
		displayName: 'Video Output Type',
		outputs: ['video'],
		optionNames: { 'X264 (.mp4)': 'MP4 (H.264)', 'VP9 (.webm)': 'WebM (VP9)' },
	},
];

/** The endpoints a row applies to. */
export function optionEndpoints(option: VideoOption): VideoEndpointId[] {
	return (option.models ?? [...VIDEO_MODELS]).flatMap((model) =>
		(option.outputs ?? [...VIDEO_OUTPUTS]).map((output) => videoEndpoint(model, output).id),
	);
}

/** The rows of one endpoint (each of its fields has exactly one). */
export function endpointOptions(endpoint: VideoEndpointId): VideoOption[] {
	return VIDEO_OPTIONS.filter((option) => optionEndpoints(option).includes(endpoint));
}

/** The panel parameter of a row, shown for its models and outputs only. */
export function videoOptionField(option: VideoOption): INodeProperties {
	const [first] = optionEndpoints(option);
	const schema = VIDEO_INPUT_SCHEMAS[first].shape as Record<string, Parameters<typeof schemaField>[0]>;
	const show: Record<string, string[]> = {};
	if (option.models) show['/model'] = option.models;
	if (option.outputs) show['/videoOutput'] = option.outputs;
	return schemaField(
		schema[option.field],
		{ displayName: option.displayName, name: option.name, ...(Object.keys(show).length ? { displayOptions: { show } } : {}) },
		option.optionNames,
	);
}
