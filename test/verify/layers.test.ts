/**
 * The node's source imports run one way (issue 28): operations → job → providers → transport / contract → codecs,
 * limits. A lower layer never imports an upper one, an operation never imports another, and no file reaches
 * itself through its imports (type-only imports included: a cycle of types is still a knot for a reader).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..', 'nodes', 'Sam3');

/** Each layer by the files it holds, lowest first; a file may import its own layer or a lower one. */
const LAYERS: Array<[string, RegExp]> = [
	['limits', /^limits\.ts$/],
	['codecs', /^codecs\//],
	['contract', /^contract\//],
	['transport', /^transport\//],
	['providers', /^providers\//],
	['job', /^job\//],
	['descriptions', /^descriptions\//],
	['operations/shared', /^operations\/(shared\/|operation\.ts$)/],
	['operation', /^operations\/[^/]+\//],
	['router', /^operations\/index\.ts$/],
	['node', /^Sam3\.node\.ts$/],
];
/** Which layers each layer may import besides its own (the order above is not total: transport knows no contract). */
const MAY_IMPORT: Record<string, string[]> = {
	limits: [],
	codecs: [],
	contract: ['limits'],
	transport: ['limits'],
	providers: ['limits', 'contract', 'transport'],
	job: ['limits', 'codecs', 'contract', 'transport', 'providers'],
	descriptions: ['limits', 'contract'],
	'operations/shared': ['limits', 'codecs', 'contract', 'transport', 'providers', 'job', 'descriptions'],
	operation: ['limits', 'codecs', 'contract', 'transport', 'providers', 'job', 'descriptions', 'operations/shared'],
	router: ['operations/shared', 'operation'],
	node: ['descriptions', 'router'],
};

function layerOf(file: string): string {
	const layer = LAYERS.find(([, pattern]) => pattern.test(file));
	if (!layer) throw new Error(`${file} is in no layer: add it to LAYERS in ${relative(process.cwd(), __filename)}`);
	return layer[0];
}

function sources(dir = ROOT): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return sources(path);
		return entry.name.endsWith('.ts') ? [relative(ROOT, path)] : [];
	});
}

/** The node's own files a file imports (import and export … from, type-only included). */
function importsOf(file: string): string[] {
	const text = readFileSync(join(ROOT, file), 'utf8');
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
	const targets: string[] = [];
	for (const statement of source.statements) {
		const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
		if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
		const base = relative(ROOT, resolve(ROOT, dirname(file), specifier.text));
		targets.push(files.has(`${base}.ts`) ? `${base}.ts` : `${base}/index.ts`);
	}
	return targets;
}

const files = new Set(sources());
const graph = new Map([...files].map((file) => [file, importsOf(file)]));

it('imports run one way: no layer imports an upper one, no operation another', () => {
	const wrong: string[] = [];
	for (const [file, targets] of graph) {
		const from = layerOf(file);
		for (const target of targets) {
			const to = layerOf(target);
			const ownFolder = from === 'operation' ? file.split('/')[1] === target.split('/')[1] : true;
			if ((to === from && ownFolder) || MAY_IMPORT[from].includes(to)) continue;
			wrong.push(`${file} (${from}) imports ${target} (${to})`);
		}
	}
	expect(wrong).toEqual([]);
});

it('no file reaches itself through its imports', () => {
	const cycles: string[] = [];
	const state = new Map<string, 'open' | 'done'>();
	const visit = (file: string, path: string[]): void => {
		if (state.get(file) === 'done') return;
		if (state.get(file) === 'open') {
			cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
			return;
		}
		state.set(file, 'open');
		for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
		state.set(file, 'done');
	};
	for (const file of graph.keys()) visit(file, []);
	expect(cycles).toEqual([]);
});

it('sees every import: the graph is the node as built, not an empty list', () => {
	expect(graph.size).toBeGreaterThan(50);
	expect(graph.get('Sam3.node.ts')).toContain('operations/index.ts');
	for (const target of graph.values()) for (const file of target) expect(files).toContain(file);
});
