import { cpSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { checkPackage } from '../../tools/verify/package-checks';

const repoNodeModules = resolve(__dirname, '..', '..', 'node_modules');
const LIGHT_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="#000"/></svg>';
const DARK_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="#fff"/></svg>';

/** An unpacked tarball of a one-node, one-credential package that n8n would load. */
function validPackage(): Record<string, string> {
	return {
		'package.json': JSON.stringify({
			name: 'n8n-nodes-demo',
			repository: { type: 'git', url: 'git+https://github.com/acme/n8n-nodes-demo.git' },
			peerDependencies: { 'n8n-workflow': '*' },
			n8n: { n8nNodesApiVersion: 1, nodes: ['dist/nodes/Demo/Demo.node.js'], credentials: ['dist/credentials/DemoApi.credentials.js'] },
		}),
		'README.md': '# demo',
		'dist/nodes/Demo/Demo.node.js':
			"exports.Demo = class Demo { constructor() { this.description = { name: 'demo', icon: { light: 'file:demo.svg', dark: 'file:demo.dark.svg' } }; } };",
		'dist/nodes/Demo/demo.svg': LIGHT_SVG,
		'dist/nodes/Demo/demo.dark.svg': DARK_SVG,
		'dist/nodes/Demo/Demo.node.json': JSON.stringify(codex('n8n-nodes-demo.demo')),
		'dist/credentials/DemoApi.credentials.js': "exports.DemoApi = class DemoApi { constructor() { this.name = 'demoApi'; this.icon = 'file:demo.svg'; } };",
		'dist/credentials/demo.svg': LIGHT_SVG,
	};
}

function codex(node: string): Record<string, unknown> {
	return {
		node,
		nodeVersion: '1.0',
		codexVersion: '1.0',
		categories: ['AI'],
		resources: {
			primaryDocumentation: [{ url: 'https://github.com/acme/n8n-nodes-demo#operations' }],
			credentialDocumentation: [{ url: 'https://github.com/acme/n8n-nodes-demo#credentials' }],
		},
	};
}

let root: string;
beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), 'package-checks-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function checksOf(files: Record<string, string>, alter: (dir: string) => void = () => undefined): string[] {
	const dir = join(root, 'package');
	for (const [path, content] of Object.entries(files)) {
		mkdirSync(dirname(join(dir, path)), { recursive: true });
		writeFileSync(join(dir, path), content);
	}
	alter(dir);
	return checkPackage(dir, repoNodeModules).map((finding) => `${finding.check}: ${finding.message}`);
}

function withPackageJson(change: (pkg: Record<string, unknown>) => void): Record<string, string> {
	const files = validPackage();
	const pkg = JSON.parse(files['package.json']) as Record<string, unknown>;
	change(pkg);
	return { ...files, 'package.json': JSON.stringify(pkg) };
}

test('a package n8n can load passes', () => {
	expect(checksOf(validPackage())).toEqual([]);
});

test('runtime dependencies are reported by name', () => {
	const findings = checksOf(withPackageJson((pkg) => (pkg.dependencies = { axios: '1.7.0' })));
	expect(findings).toEqual(['no-runtime-dependencies: package.json has runtime dependencies: axios']);
});

test('a node listed in the n8n section but missing from the tarball is reported', () => {
	const findings = checksOf(validPackage(), (dir) => unlinkSync(join(dir, 'dist/nodes/Demo/Demo.node.js')));
	expect(findings).toEqual(['n8n-section: dist/nodes/Demo/Demo.node.js is listed in package.json "n8n" but not in the tarball']);
});

test('a dark icon that is a copy of the light one is reported', () => {
	const findings = checksOf(validPackage(), (dir) => cpSync(join(dir, 'dist/nodes/Demo/demo.svg'), join(dir, 'dist/nodes/Demo/demo.dark.svg')));
	expect(findings).toEqual([expect.stringMatching(/^icon: .*light and dark icons are the same image/)]);
});

test('a missing credential icon is reported with the path n8n would look in', () => {
	const findings = checksOf(validPackage(), (dir) => unlinkSync(join(dir, 'dist/credentials/demo.svg')));
	expect(findings).toEqual([expect.stringContaining('icon file:demo.svg is not in the tarball (expected dist/credentials/demo.svg)')]);
});

test('a node without its codex file next to it is reported', () => {
	const findings = checksOf(validPackage(), (dir) => unlinkSync(join(dir, 'dist/nodes/Demo/Demo.node.json')));
	expect(findings).toEqual(["codex: dist/nodes/Demo/Demo.node.json (the node's codex) is not in the tarball"]);
});

test('a codex naming another node is reported', () => {
	const files = { ...validPackage(), 'dist/nodes/Demo/Demo.node.json': JSON.stringify(codex('n8n-nodes-demo.other')) };
	expect(checksOf(files)).toEqual([expect.stringContaining('"node" is "n8n-nodes-demo.other", expected "n8n-nodes-demo.demo"')]);
});

test('a repository outside GitHub is reported, since npm provenance then names no source the scanner can fetch', () => {
	const findings = checksOf(withPackageJson((pkg) => (pkg.repository = { type: 'git', url: 'https://gitlab.com/acme/n8n-nodes-demo' })));
	expect(findings).toEqual([expect.stringMatching(/^repository: /)]);
});

test('a codex without credential docs links is reported', () => {
	const { resources } = codex('n8n-nodes-demo.demo') as { resources: Record<string, unknown> };
	const files = { ...validPackage(), 'dist/nodes/Demo/Demo.node.json': JSON.stringify({ ...codex('n8n-nodes-demo.demo'), resources: { primaryDocumentation: resources.primaryDocumentation } }) };
	expect(checksOf(files)).toEqual(['codex: dist/nodes/Demo/Demo.node.json: resources.credentialDocumentation needs https urls (got [])']);
});
