/** The SAM 3 versions an operation may run. */
export type ModelVersion = 'sam-3' | 'sam-3-1';

/**
 * What a job runs: a model version and one of its endpoints (`image`, `image-rle`, `video` …), in fal's naming.
 * Each provider adapter maps it to its own path, or says why its provider does not offer it.
 */
export interface ModelTarget {
	model: ModelVersion;
	endpoint: string;
}
