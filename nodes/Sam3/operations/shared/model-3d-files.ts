import type { IBinaryData, IDataObject } from 'n8n-workflow';

import type { ResultFile } from '../../contract/result-file';
import type { ItemJob } from '../../job/item-job';
import type { MediaKind } from '../../job/media-input';
import { compact, fileSizeOf, providerFileJson } from '../../job/output-item';
import { storeProviderFiles } from '../../job/provider-files';
import {
	ARTIFACTS_ZIP_LIMIT_BYTES,
	GLB_DOWNLOAD_LIMIT_BYTES,
	MODEL_3D_DOWNLOAD_TIMEOUT_MS,
	SPLAT_DOWNLOAD_LIMIT_BYTES,
} from '../../limits';

/**
 * The files SAM 3D answers, recognised by their first bytes (never by a name or a claimed type), each with its
 * own size cap (limits.ts): GLB (binary glTF, magic `glTF`), PLY (meshes and Gaussian splats, header `ply`), the
 * artifacts ZIP. They stream into n8n's binary storage through the job's bounded download path.
 */
export const GLB_KIND: MediaKind = {
	noun: 'glb',
	aNoun: 'a GLB model',
	formats: 'GLB',
	typeOf: (bytes) => (bytes.length >= 4 && bytes.toString('latin1', 0, 4) === 'glTF' ? 'model/gltf-binary' : undefined),
	extensions: { 'model/gltf-binary': 'glb' },
	downloadLimitBytes: GLB_DOWNLOAD_LIMIT_BYTES,
	downloadTimeoutMs: MODEL_3D_DOWNLOAD_TIMEOUT_MS,
};

export const PLY_KIND: MediaKind = {
	noun: 'ply',
	aNoun: 'a PLY file',
	formats: 'PLY',
	typeOf: (bytes) => (bytes.length >= 4 && /^ply[\r\n]/.test(bytes.toString('latin1', 0, 4)) ? 'application/x-ply' : undefined),
	extensions: { 'application/x-ply': 'ply' },
	downloadLimitBytes: SPLAT_DOWNLOAD_LIMIT_BYTES,
	downloadTimeoutMs: MODEL_3D_DOWNLOAD_TIMEOUT_MS,
};

export const MODEL_ZIP_KIND: MediaKind = {
	noun: 'zip',
	aNoun: 'a zip',
	formats: 'ZIP',
	typeOf: (bytes) => (bytes.length >= 4 && bytes.readUInt32BE(0) === (bytes[2] === 5 ? 0x504b0506 : 0x504b0304) ? 'application/zip' : undefined),
	extensions: { 'application/zip': 'zip' },
	downloadLimitBytes: ARTIFACTS_ZIP_LIMIT_BYTES,
	downloadTimeoutMs: MODEL_3D_DOWNLOAD_TIMEOUT_MS,
};

/** One file of a 3D answer the item may store: the binary field it goes to, its name (after the input) and kind. */
export interface WantedFile {
	field: string;
	file: ResultFile;
	baseName: string;
	kind: MediaKind;
	/** Whether the user asked for it as binary (its URL is in the JSON either way). */
	download: boolean;
}

/**
 * Stores the wanted files as n8n binaries (bounded by the run's download slots, the job's signal and Max Wait) and
 * describes every file, stored or not, for the JSON: binary field, URL, type, name, size.
 */
export async function store3dFiles(job: ItemJob, wanted: WantedFile[]): Promise<{ binary: Record<string, IBinaryData>; json: Map<string, IDataObject> }> {
	const { ctx, http, settings, batch, signal, deadline } = job;
	const toStore = settings.output.download ? wanted.filter((entry) => entry.download) : [];
	const stored = await storeProviderFiles(ctx, http, toStore, { slots: batch.downloads(settings.maxConcurrency), signal, deadline });
	const storedOf = new Map(toStore.map((entry, index) => [entry.field, stored[index]]));
	const json = new Map(
		wanted.map((entry) => {
			const file = storedOf.get(entry.field);
			return [entry.field, compact({ ...providerFileJson(entry.file, entry.field, file?.binary), fileSize: fileSizeOf(entry.file, file) })];
		}),
	);
	return { binary: Object.fromEntries([...storedOf].map(([field, file]) => [field, file.binary])), json };
}
