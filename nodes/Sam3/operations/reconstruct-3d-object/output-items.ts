import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { OBJECTS_3D_ENDPOINT, type Objects3dOutput } from '../../contract/reconstruct-3d.schema';
import type { ResultFile } from '../../contract/result-file';
import { itemCost } from '../../job/cost';
import type { ItemJob } from '../../job/item-job';
import { type JobTiming, type OwnOutput, compact, keptInput, mediaStem } from '../../job/output-item';
import { chargeDifference } from '../../job/spend';
import type { ProviderResult, Submission } from '../../providers/provider';
import { GLB_KIND, MODEL_ZIP_KIND, PLY_KIND, type WantedFile, store3dFiles } from '../shared/model-3d-files';
import type { ObjectDownloads } from './object-settings';

/** Binary fields: the scene's GLB and splat, the zip, and per object `object_<i>` (GLB) and `object_<i>_splat`. */
const FIELD = { model: 'model', splat: 'splat', artifacts: 'artifacts' } as const;
const objectField = (index: number, splat = false) => `object_${index}${splat ? '_splat' : ''}`;

/** What Reconstruct 3D Object writes on an item; an earlier run's fields and files are dropped from a kept input. */
export const OBJECT_OUTPUT: OwnOutput = {
	jsonFields: ['provider', 'requestId', 'status', 'model', 'objectCount', 'glb', 'splat', 'artifacts', 'objects', 'timing', 'cost', 'raw'],
	isEarlierResult: (json) => json.model === OBJECTS_3D_ENDPOINT.id && typeof json.requestId === 'string',
	isOwnBinary(name, { settings }, earlier) {
		const source = settings.media.kind === 'binary' ? settings.media.property : undefined;
		return earlier && name !== source && ((Object.values(FIELD) as string[]).includes(name) || /^object_\d+(_splat)?$/.test(name));
	},
};

/** A pose vector as fal sends it (number[][] in its types, often one row): one row unwrapped, otherwise as sent. */
function pose(value: unknown): unknown {
	return Array.isArray(value) && value.length === 1 && Array.isArray(value[0]) ? value[0] : value;
}

/**
 * Reconstruct 3D Object's item: the scene's GLB (`model`, for a store's 3D viewer) and Gaussian splat (`splat`),
 * one GLB and splat per object when there are several, and the artifacts zip, as n8n binaries named after the
 * input (`sneaker-101-model.glb`); the JSON lists each object with its files and pose (scale, rotation quaternion,
 * translation, camera pose) and the job's estimated cost.
 */
export async function objectResultItems(
	job: ItemJob,
	submission: Submission,
	result: Omit<ProviderResult, 'output'> & { output: Objects3dOutput },
	downloads: ObjectDownloads,
	timing: JobTiming,
): Promise<INodeExecutionData[]> {
	const { ctx, settings, adapter } = job;
	const { output } = result;
	const stem = mediaStem(ctx, settings, 'image');
	const wants = (what: ObjectDownloads[number]) => downloads.includes(what);
	const wanted: WantedFile[] = [];
	const add = (field: string, file: ResultFile | undefined, suffix: string, kind: WantedFile['kind'], download: boolean) => {
		if (file) wanted.push({ field, file, baseName: `${stem}-${suffix}`, kind, download });
	};
	add(FIELD.model, output.model_glb, 'model', GLB_KIND, wants('glb'));
	add(FIELD.splat, output.gaussian_splat, 'splat', PLY_KIND, wants('splat'));
	output.individual_glbs?.forEach((file, index) => add(objectField(index), file, `object-${index}`, GLB_KIND, wants('glb')));
	output.individual_splats?.forEach((file, index) => add(objectField(index, true), file, `object-${index}`, PLY_KIND, wants('splat')));
	add(FIELD.artifacts, output.artifacts_zip, 'artifacts', MODEL_ZIP_KIND, wants('zip'));
	const files = await store3dFiles(job, wanted);

	const metadata = (output.metadata ?? []).filter((entry): entry is NonNullable<typeof entry> => !!entry);
	const objectCount = Math.max(metadata.length, output.individual_glbs?.length ?? 0, output.individual_splats?.length ?? 0, 1);
	const objects = Array.from({ length: objectCount }, (_, index) => {
		const meta = metadata.find((entry) => entry.object_index === index) ?? metadata[index];
		return compact({
			index,
			glb: files.json.get(objectField(index)),
			splat: files.json.get(objectField(index, true)),
			scale: pose(meta?.scale) as IDataObject[string],
			rotation: pose(meta?.rotation) as IDataObject[string],
			translation: pose(meta?.translation) as IDataObject[string],
			cameraPose: meta?.camera_pose as IDataObject[string],
		});
	});
	const { json, binary } = keptInput(job);
	const cost = itemCost(job, { reportedUsd: result.cost, learned: { units: objectCount } });
	chargeDifference(job, cost.estimatedUsd);
	const item = compact({
		...json,
		provider: adapter.label,
		requestId: submission.requestId,
		status: 'COMPLETED',
		model: OBJECTS_3D_ENDPOINT.id,
		objectCount,
		glb: files.json.get(FIELD.model),
		splat: files.json.get(FIELD.splat),
		artifacts: files.json.get(FIELD.artifacts),
		objects,
		timing: { ...timing, ...(result.timing ?? {}) },
		cost,
		raw: settings.output.includeRaw ? (result.raw as IDataObject) : undefined,
	});
	const allBinary = { ...binary, ...files.binary };
	return [{ json: item, binary: Object.keys(allBinary).length ? allBinary : undefined, pairedItem: { item: ctx.getItemIndex() } }];
}
