/** BENCHMARKS.md's background-removal section: written by `npm run bench:pipeline`, kept by `npm run bench`. */
import { existsSync, readFileSync } from 'node:fs';

export const PIPELINE_START = '<!-- bench:pipeline -->';
export const PIPELINE_END = '<!-- /bench:pipeline -->';

/** The section as it stands in `file` (empty when there is none). */
export function pipelineSection(file: string): string {
	if (!existsSync(file)) return '';
	const text = readFileSync(file, 'utf8');
	const start = text.indexOf(PIPELINE_START);
	const end = text.indexOf(PIPELINE_END);
	return start >= 0 && end > start ? text.slice(start, end + PIPELINE_END.length) : '';
}

/** `report` with the section put in (replacing an older one), at the end. */
export function withPipelineSection(report: string, section: string): string {
	const start = report.indexOf(PIPELINE_START);
	const end = report.indexOf(PIPELINE_END);
	const rest = start >= 0 && end > start ? report.slice(0, start) + report.slice(end + PIPELINE_END.length) : report;
	return section ? `${rest.trimEnd()}\n\n${section}\n` : rest;
}
