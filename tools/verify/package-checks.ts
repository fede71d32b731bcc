/**
 * What the scanner's lint does not see in the unpacked tarball but n8n's loader and its verification review need:
 * no runtime dependencies, every n8n.nodes / n8n.credentials path shipped, icons next to the compiled classes
 * (light and dark really different), the codex file that n8n reads from `<node>.node.json` (with its docs links).
 */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface Finding {
	check: string;
	message: string;
}

interface PackageJson {
	name: string;
	dependencies?: Record<string, string>;
	repository?: { url?: string } | string;
	n8n?: { n8nNodesApiVersion?: number; nodes?: string[]; credentials?: string[] };
}

type Icon = string | { light: string; dark: string } | undefined;

/** Same pattern the scanner uses to find the GitHub repository an npm provenance attestation names. */
const GITHUB_REPOSITORY = /^git\+https:\/\/github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?$/;

/** `repoNodeModules` stands in for what n8n provides at runtime (n8n-workflow and the allowed shared modules). */
export function checkPackage(packageDir: string, repoNodeModules: string): Finding[] {
	const findings: Finding[] = [];
	const fail = (check: string, message: string): void => void findings.push({ check, message });
	const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as PackageJson;

	if (Object.keys(pkg.dependencies ?? {}).length > 0) {
		fail('no-runtime-dependencies', `package.json has runtime dependencies: ${Object.keys(pkg.dependencies!).join(', ')}`);
	}
	const repositoryUrl = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
	if (!repositoryUrl || !GITHUB_REPOSITORY.test(repositoryUrl)) {
		fail('repository', `repository.url must be git+https://github.com/OWNER/REPO(.git) for npm provenance (got ${repositoryUrl ?? 'nothing'})`);
	}
	if (!existsSync(join(packageDir, 'README.md'))) fail('readme', 'README.md is not in the tarball');

	const n8n = pkg.n8n;
	if (n8n?.n8nNodesApiVersion !== 1) fail('n8n-section', 'package.json n8n.n8nNodesApiVersion must be 1');
	const nodes = n8n?.nodes ?? [];
	const credentials = n8n?.credentials ?? [];
	if (nodes.length === 0) fail('n8n-section', 'package.json n8n.nodes is empty');
	for (const path of [...nodes, ...credentials]) {
		if (!existsSync(join(packageDir, path))) fail('n8n-section', `${path} is listed in package.json "n8n" but not in the tarball`);
	}

	// The compiled classes require n8n-workflow, which n8n supplies; point the unpacked package at the repo's copy.
	if (!existsSync(join(packageDir, 'node_modules'))) symlinkSync(repoNodeModules, join(packageDir, 'node_modules'), 'dir');
	const requireFromPackage = createRequire(join(packageDir, 'package.json'));
	const load = (path: string): Record<string, unknown> | undefined => {
		const file = join(packageDir, path);
		if (!existsSync(file)) return undefined;
		for (const exported of Object.values(requireFromPackage(file) as Record<string, unknown>)) {
			if (typeof exported === 'function') return new (exported as new () => Record<string, unknown>)();
		}
		fail('n8n-section', `${path} exports no class`);
		return undefined;
	};

	for (const path of nodes) {
		const node = load(path);
		const description = node?.description as { name?: string; icon?: Icon } | undefined;
		if (!node) continue;
		if (!description?.name) {
			fail('node', `${path}: the class has no description.name`);
			continue;
		}
		checkIcon(packageDir, path, description.icon, true, fail);
		checkCodex(packageDir, path, `${pkg.name}.${description.name}`, fail);
	}
	for (const path of credentials) {
		const credential = load(path);
		if (credential) checkIcon(packageDir, path, credential.icon as Icon, false, fail);
	}
	return findings;
}

function checkIcon(packageDir: string, classPath: string, icon: Icon, themedRequired: boolean, fail: (check: string, message: string) => void): void {
	if (!icon) return fail('icon', `${classPath}: no icon`);
	if (typeof icon === 'string') {
		if (themedRequired) fail('icon', `${classPath}: icon is a single file; give {light, dark} so the dark theme has its own`);
		readIcon(packageDir, classPath, icon, fail);
		return;
	}
	const light = readIcon(packageDir, classPath, icon.light, fail);
	const dark = readIcon(packageDir, classPath, icon.dark, fail);
	if (light && dark && light.equals(dark)) fail('icon', `${classPath}: light and dark icons are the same image (${icon.light}, ${icon.dark})`);
}

/** `file:` icons are resolved next to the compiled class file, as n8n's loader does. */
function readIcon(packageDir: string, classPath: string, icon: string, fail: (check: string, message: string) => void): Buffer | undefined {
	if (!icon.startsWith('file:')) {
		fail('icon', `${classPath}: icon "${icon}" is not a file: icon`);
		return undefined;
	}
	const file = join(packageDir, dirname(classPath), icon.slice('file:'.length));
	if (!existsSync(file)) {
		fail('icon', `${classPath}: icon ${icon} is not in the tarball (expected ${file.slice(packageDir.length + 1)})`);
		return undefined;
	}
	const bytes = readFileSync(file);
	const isSvg = file.endsWith('.svg') && /<svg[\s>]/.test(bytes.toString('utf8'));
	const isPng = file.endsWith('.png') && bytes.subarray(1, 4).toString('latin1') === 'PNG';
	if (!isSvg && !isPng) fail('icon', `${classPath}: ${icon} is neither an SVG nor a PNG image`);
	return bytes;
}

/** n8n reads a node's codex from the compiled file's path + "on" (Foo.node.js → Foo.node.json). */
function checkCodex(packageDir: string, nodePath: string, nodeId: string, fail: (check: string, message: string) => void): void {
	const codexPath = `${nodePath}on`;
	const file = join(packageDir, codexPath);
	if (!existsSync(file)) return fail('codex', `${codexPath} (the node's codex) is not in the tarball`);
	let codex: { node?: string; nodeVersion?: string; codexVersion?: string; categories?: string[]; resources?: Record<string, Array<{ url?: string }>> };
	try {
		codex = JSON.parse(readFileSync(file, 'utf8'));
	} catch (error) {
		return fail('codex', `${codexPath} is not valid JSON: ${(error as Error).message}`);
	}
	if (codex.node !== nodeId) fail('codex', `${codexPath}: "node" is ${JSON.stringify(codex.node)}, expected "${nodeId}"`);
	if (!codex.nodeVersion || !codex.codexVersion) fail('codex', `${codexPath}: nodeVersion and codexVersion are required`);
	if (!codex.categories?.length) fail('codex', `${codexPath}: no categories`);
	// n8n's verification asks for docs links; the node panel's "Docs" link is primaryDocumentation's first url.
	for (const kind of ['primaryDocumentation', 'credentialDocumentation']) {
		const urls = (codex.resources?.[kind] ?? []).map((resource) => resource.url ?? '');
		if (!urls.length || !urls.every((url) => /^https:\/\/\S+$/.test(url))) fail('codex', `${codexPath}: resources.${kind} needs https urls (got ${JSON.stringify(urls)})`);
	}
}
