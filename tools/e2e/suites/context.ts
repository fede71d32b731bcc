/** What every suite of one n8n line shares. */
import type { EmulatorProcess } from '../lib/emulator';
import type { ImageServer } from '../lib/image-server';
import type { N8nLine } from '../lib/lines';
import type { N8nHome } from '../lib/n8n-home';

export interface LineContext {
	line: N8nLine;
	/** Home with the package tarball installed and the emulator credentials imported. */
	home: N8nHome;
	tarball: string;
	emulator?: EmulatorProcess;
	images: ImageServer;
	/** Records a timing worth reporting (ms). */
	record: (label: string, ms: number) => void;
}
