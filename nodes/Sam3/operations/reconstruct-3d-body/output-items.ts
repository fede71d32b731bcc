import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { BODY_3D_ENDPOINT, type Body3dOutput } from '../../contract/reconstruct-3d.schema';
import type { ResultFile } from '../../contract/result-file';
import { itemCost } from '../../job/cost';
import type { ItemJob } from '../../job/item-job';
import { type JobTiming, type OwnOutput, compact, keptInput, mediaStem } from '../../job/output-item';
import type { ProviderResult, Submission } from '../../providers/provider';
import { IMAGE_KIND } from '../shared/image-bytes';
import { GLB_KIND, PLY_KIND, type WantedFile, store3dFiles } from '../shared/model-3d-files';
import type { BodyDownloads } from './body-settings';

const FIELD = { model: 'model', visualization: 'visualization' } as const;
const personField = (index: number) => `person_${index}`;

/** What Reconstruct 3D Body writes on an item; an earlier run's fields and files are dropped from a kept input. */
export const BODY_OUTPUT: OwnOutput = {
	jsonFields: ['provider', 'requestId', 'status', 'model', 'peopleCount', 'glb', 'visualization', 'people', 'timing', 'cost', 'raw'],
	isEarlierResult: (json) => json.model === BODY_3D_ENDPOINT.id && typeof json.requestId === 'string',
	isOwnBinary(name, { settings }, earlier) {
		const source = settings.media.kind === 'binary' ? settings.media.property : undefined;
		return earlier && name !== source && ((Object.values(FIELD) as string[]).includes(name) || /^person_\d+$/.test(name));
	},
};

/** [x_min, y_min, x_max, y_max] as the node's other operations write a pixel box. */
function pixelBox(bbox: unknown): IDataObject | undefined {
	if (!Array.isArray(bbox) || bbox.length !== 4 || bbox.some((value) => typeof value !== 'number')) return undefined;
	const [xMin, yMin, xMax, yMax] = bbox as number[];
	return { xMin, yMin, xMax, yMax };
}

/**
 * Reconstruct 3D Body's item: all people as one GLB (`model`), the visualization image, one mesh (.ply) per person
 * (`person_<i>`), named after the input; the JSON lists each person with box, focal length, camera translation and
 * keypoints (70 per person, 2D in pixels and 3D in camera space), and the job's estimated cost.
 */
export async function bodyResultItems(
	job: ItemJob,
	submission: Submission,
	result: Omit<ProviderResult, 'output'> & { output: Body3dOutput },
	downloads: BodyDownloads,
	timing: JobTiming,
): Promise<INodeExecutionData[]> {
	const { ctx, settings, adapter } = job;
	const { output } = result;
	const stem = mediaStem(ctx, settings, 'image');
	const wanted: WantedFile[] = [];
	const add = (field: string, file: ResultFile | undefined, suffix: string, kind: WantedFile['kind'], download: boolean) => {
		if (file) wanted.push({ field, file, baseName: `${stem}-${suffix}`, kind, download });
	};
	add(FIELD.model, output.model_glb, 'body', GLB_KIND, downloads.includes('glb'));
	add(FIELD.visualization, output.visualization, 'visualization', IMAGE_KIND, downloads.includes('visualization'));
	output.meshes?.forEach((file, index) => add(personField(index), file, `person-${index}`, PLY_KIND, downloads.includes('meshes')));
	const files = await store3dFiles(job, wanted);

	const people = (output.metadata?.people ?? []).filter((person): person is NonNullable<typeof person> => !!person);
	const { json, binary } = keptInput(job);
	const item = compact({
		...json,
		provider: adapter.label,
		requestId: submission.requestId,
		status: 'COMPLETED',
		model: BODY_3D_ENDPOINT.id,
		peopleCount: output.metadata?.num_people ?? people.length,
		glb: files.json.get(FIELD.model),
		visualization: files.json.get(FIELD.visualization),
		people: people.map((person, index) =>
			compact({
				personId: person.person_id ?? index,
				box: pixelBox(person.bbox),
				focalLength: person.focal_length,
				cameraTranslation: person.pred_cam_t as IDataObject[string],
				mesh: files.json.get(personField(index)),
				keypoints2d: person.keypoints_2d as IDataObject[string],
				keypoints3d: person.keypoints_3d as IDataObject[string],
			}),
		),
		timing: { ...timing, ...(result.timing ?? {}) },
		cost: itemCost(job, { reportedUsd: result.cost }),
		raw: settings.output.includeRaw ? (result.raw as IDataObject) : undefined,
	});
	const allBinary = { ...binary, ...files.binary };
	return [{ json: item, binary: Object.keys(allBinary).length ? allBinary : undefined, pairedItem: { item: ctx.getItemIndex() } }];
}
