/** What the numbers were measured on. */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

function versionOf(pkg: string): string {
	const manifest = join(__dirname, '..', '..', 'node_modules', pkg, 'package.json');
	return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export interface Machine {
	cpu: string;
	cores: number;
	memoryGB: number;
	node: string;
	n8nCore: string;
	n8nWorkflow: string;
	date: string;
}

export function describeMachine(): Machine {
	const list = cpus();
	return {
		cpu: list[0]?.model.trim() ?? 'unknown',
		cores: list.length,
		memoryGB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
		node: process.version,
		n8nCore: versionOf('n8n-core'),
		n8nWorkflow: versionOf('n8n-workflow'),
		date: new Date().toISOString(),
	};
}
