import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { ALIGN_3D_ENDPOINT, type Align3dOutput } from '../../contract/reconstruct-3d.schema';
import type { ResultFile } from '../../contract/result-file';
import { itemCost } from '../../job/cost';
import type { ItemJob } from '../../job/item-job';
import { type JobTiming, type OwnOutput, compact, keptInput, mediaStem } from '../../job/output-item';
import type { ProviderResult, Submission } from '../../providers/provider';
import { IMAGE_KIND } from '../shared/image-bytes';
import { GLB_KIND, PLY_KIND, type WantedFile, store3dFiles } from '../shared/model-3d-files';

const FIELD = { model: 'model', bodyMesh: 'bodyMesh', scene: 'scene', visualization: 'visualization' } as const;

/** What Align 3D Body and Object writes on an item; an earlier run's fields and files are dropped from a kept input. */
export const ALIGN_OUTPUT: OwnOutput = {
	jsonFields: ['provider', 'requestId', 'status', 'model', 'glb', 'bodyMesh', 'scene', 'visualization', 'alignment', 'timing', 'cost', 'raw'],
	isEarlierResult: (json) => json.model === ALIGN_3D_ENDPOINT.id && typeof json.requestId === 'string',
	isOwnBinary(name, { settings }, earlier) {
		const source = settings.media.kind === 'binary' ? settings.media.property : undefined;
		return earlier && name !== source && (Object.values(FIELD) as string[]).includes(name);
	},
};

/**
 * Align 3D Body and Object's item: the aligned body as GLB (`model`) and PLY (`bodyMesh`), the combined scene GLB
 * (`scene`, with an object mesh) and the visualization, named after the photo; the alignment (scale, translation,
 * focal length) and the job's estimated cost in the JSON.
 */
export async function alignResultItems(
	job: ItemJob,
	submission: Submission,
	result: Omit<ProviderResult, 'output'> & { output: Align3dOutput },
	timing: JobTiming,
): Promise<INodeExecutionData[]> {
	const { ctx, settings, adapter } = job;
	const { output } = result;
	const stem = mediaStem(ctx, settings, 'image');
	const wanted: WantedFile[] = [];
	const add = (field: string, file: ResultFile | undefined, suffix: string, kind: WantedFile['kind']) => {
		if (file) wanted.push({ field, file, baseName: `${stem}-${suffix}`, kind, download: true });
	};
	add(FIELD.model, output.model_glb, 'aligned-body', GLB_KIND);
	add(FIELD.bodyMesh, output.body_mesh_ply, 'aligned-body', PLY_KIND);
	add(FIELD.scene, output.scene_glb, 'scene', GLB_KIND);
	add(FIELD.visualization, output.visualization, 'alignment', IMAGE_KIND);
	const files = await store3dFiles(job, wanted);
	const meta = output.metadata;
	const { json, binary } = keptInput(job);
	const item = compact({
		...json,
		provider: adapter.label,
		requestId: submission.requestId,
		status: 'COMPLETED',
		model: ALIGN_3D_ENDPOINT.id,
		glb: files.json.get(FIELD.model),
		bodyMesh: files.json.get(FIELD.bodyMesh),
		scene: files.json.get(FIELD.scene),
		visualization: files.json.get(FIELD.visualization),
		alignment: meta
			? compact({
					personId: meta.person_id,
					scaleFactor: meta.scale_factor,
					translation: meta.translation as IDataObject[string],
					focalLength: meta.focal_length,
					targetPointsCount: meta.target_points_count,
					croppedVerticesCount: meta.cropped_vertices_count,
				})
			: undefined,
		timing: { ...timing, ...(result.timing ?? {}) },
		cost: itemCost(job, { reportedUsd: result.cost }),
		raw: settings.output.includeRaw ? (result.raw as IDataObject) : undefined,
	});
	const allBinary = { ...binary, ...files.binary };
	return [{ json: item, binary: Object.keys(allBinary).length ? allBinary : undefined, pairedItem: { item: ctx.getItemIndex() } }];
}
