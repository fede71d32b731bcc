/** The importable example workflows in examples/, and how a run points them at local stand-ins. */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repoRoot } from './lines';

export const examplesDir = join(repoRoot, 'examples');
/** Where the examples write files; a run swaps it for its own folder. */
export const EXAMPLE_OUTPUT_DIR = '/tmp/n8n-sam3-examples';
/** Public image and video URLs in the examples (real providers download these). */
const PUBLIC_IMAGE_URL = /https:\/\/[^"'\s\\]+\.(?:jpe?g|png|webp|mp4)/g;

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, any>;
	credentials?: Record<string, { id: string; name: string }>;
	[key: string]: unknown;
}

export interface Workflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, any>;
	[key: string]: unknown;
}

export const EXAMPLES = {
	ecommerce: '01-ecommerce-product-masks.json',
	binaryRunflow: '02-binary-image-runflow.json',
	scheduledBoxes: '03-scheduled-box-prompts.json',
	asyncCallback: '04-async-callback-wait.json',
	ecommerceCutouts: '05-ecommerce-cutouts.json',
	removeBackground: '05-remove-background-subworkflow.json',
	agentFindProducts: '06-agent-find-products.json',
	videoUnzip: '07-video-segment-and-unzip.json',
	sam31Rle: '08-sam31-rle-masks.json',
	productsTo3d: '09-product-photos-to-3d-models.json',
	clipTracks: '10-clip-track-objects.json',
	removeBackgroundBatches: '11-remove-background-in-batches.json',
} as const;

/** The suite that runs each example (examples 1–3 and 7–10 in `examples`). */
export const EXAMPLE_SUITES: Record<keyof typeof EXAMPLES, string> = {
	ecommerce: 'examples',
	binaryRunflow: 'examples',
	scheduledBoxes: 'examples',
	asyncCallback: 'async',
	ecommerceCutouts: 'ecommerce',
	removeBackground: 'ecommerce',
	agentFindProducts: 'agent',
	videoUnzip: 'examples',
	sam31Rle: 'examples',
	productsTo3d: 'examples',
	clipTracks: 'examples',
	removeBackgroundBatches: 'ecommerce',
};

export function loadExample(file: string): Workflow {
	return JSON.parse(readFileSync(join(examplesDir, file), 'utf8')) as Workflow;
}

export function allExampleFiles(): string[] {
	return readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort();
}

/** The public image URLs a workflow mentions, in order of first mention. */
export function publicImageUrls(workflow: Workflow): string[] {
	return [...new Set(JSON.stringify(workflow).match(PUBLIC_IMAGE_URL) ?? [])];
}

/** File name a public image is hosted under locally (its last path segment). */
export function localImageName(publicUrl: string): string {
	return basename(new URL(publicUrl).pathname);
}

/**
 * A copy of the workflow with public image URLs swapped for local ones (`imageUrl(name)`) and the example
 * output folder swapped for `outputDir`. Both are plain string swaps, so every node and code snippet follows.
 */
export function localizeWorkflow(
	workflow: Workflow,
	opts: { imageUrl?: (name: string) => string; outputDir?: string },
): Workflow {
	let text = JSON.stringify(workflow);
	if (opts.imageUrl) text = text.replace(PUBLIC_IMAGE_URL, (url) => opts.imageUrl!(localImageName(url)));
	if (opts.outputDir) text = text.split(EXAMPLE_OUTPUT_DIR).join(opts.outputDir);
	return JSON.parse(text) as Workflow;
}

export function findNode(workflow: Workflow, predicate: (node: WorkflowNode) => boolean): WorkflowNode {
	const node = workflow.nodes.find(predicate);
	if (!node) throw new Error(`workflow ${workflow.id} has no such node`);
	return node;
}

export const isSam3Node = (node: WorkflowNode) => node.type === 'n8n-nodes-sam3.sam3';

/** A copy whose SAM 3 nodes use the other provider (and its credential). */
export function switchProvider(
	workflow: Workflow,
	provider: 'falApi' | 'runflowApi',
	credential: { id: string; name: string },
): Workflow {
	const copy = JSON.parse(JSON.stringify(workflow)) as Workflow;
	copy.name = copy.name.replace(/\((fal\.ai|Runflow)/, provider === 'falApi' ? '(fal.ai' : '(Runflow');
	for (const node of copy.nodes.filter(isSam3Node)) {
		node.parameters.authentication = provider;
		node.credentials = { [provider]: credential };
	}
	return copy;
}
