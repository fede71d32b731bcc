import type { INodeProperties } from 'n8n-workflow';

import { MiB, VIDEO_UPLOAD_LIMIT_BYTES } from '../../limits';

/**
 * Where a video comes from, for every operation that takes one: the same parameter names everywhere, so switching
 * the operation keeps the video.
 */
export function videoSourceFields(what: string): INodeProperties[] {
	return [
		{
			displayName: 'Video Source',
			name: 'videoSource',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Video URL', value: 'url', description: 'A public http(s) URL (or a data: URI)' },
				{ name: 'Binary File', value: 'binary', description: 'A video file from a previous node' },
			],
			default: 'url',
		},
		{
			displayName: 'Video URL',
			name: 'videoUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/clip.mp4',
			description: `Publicly reachable http(s) URL of ${what} (MP4, MOV or WebM); fal downloads it`,
			displayOptions: { show: { videoSource: ['url'] } },
		},
		{
			displayName: 'Input Binary Field',
			name: 'videoBinaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the input binary field containing the video (MP4, MOV or WebM)',
			description: `Files up to ${VIDEO_UPLOAD_LIMIT_BYTES / MiB} MiB; small ones are sent inline, larger ones uploaded to fal storage first (see Options > Upload)`,
			displayOptions: { show: { videoSource: ['binary'] } },
		},
	];
}
