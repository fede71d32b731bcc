/** What the route modules share: addresses, valid keys, jobs, files and outgoing deliveries. */
import type { DeliveryLog } from './deliveries';
import type { FileStore } from './files';
import type { RenderOptions } from './inference';
import type { JobManager } from './jobs';

export interface EmulatorUrls {
	/** http://127.0.0.1:PORT */
	base: string;
	falRun: string;
	falQueue: string;
	falRest: string;
	runflow: string;
	/** http://localhost:PORT/files (deliberately the other hostname) */
	files: string;
	control: string;
}

export interface EmulatorContext {
	urls: EmulatorUrls;
	keys: { fal: string[]; runflow: string[] };
	runflowSigningSecret?: string;
	jobs: JobManager;
	files: FileStore;
	deliveries: DeliveryLog;
	/** How masks are drawn (mutable: the mask size can be switched at run time). */
	render: RenderOptions;
}

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}
