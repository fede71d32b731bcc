/**
 * The shape of a JSON answer: every path it has (`masks[].url`, `metadata[].box[]`) with the kinds of value found
 * there (`number`, `string:url`, `null`, `array:empty` …). Values never matter, only what a client must be ready
 * for: a field renamed, missing, added, retyped, or null where the other side has a value.
 */

export type Shape = Map<string, Set<string>>;

function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return value.length ? 'array' : 'array:empty';
	if (typeof value === 'string') {
		if (/^data:/i.test(value)) return 'string:data-uri';
		if (/^https?:\/\//i.test(value)) return 'string:url';
		return 'string';
	}
	return typeof value;
}

export function shapeOf(value: unknown, shape: Shape = new Map(), path = ''): Shape {
	const add = (kind: string) => {
		const kinds = shape.get(path) ?? new Set<string>();
		kinds.add(kind);
		shape.set(path, kinds);
	};
	add(kindOf(value));
	if (Array.isArray(value)) for (const entry of value) shapeOf(entry, shape, `${path}[]`);
	else if (value && typeof value === 'object') {
		for (const [key, entry] of Object.entries(value as Record<string, unknown>)) shapeOf(entry, shape, path ? `${path}.${key}` : key);
	}
	return shape;
}

export interface ShapeDifference {
	kind: 'missing' | 'unexpected' | 'retyped' | 'renamed';
	/** The path in the emulator's answer (missing, retyped, renamed) or the live one (unexpected). */
	path: string;
	live?: string;
	emulator?: string;
	/** renamed: the live name. */
	to?: string;
}

/** `masks[].url` -> `masks[]`, `masks[]` -> `masks`, `masks` -> '' (the answer itself). */
const parentOf = (path: string) => (/(\.[^.[\]]+|\[\])$/.test(path) ? path.replace(/(\.[^.[\]]+|\[\])$/, '') : '');
const fieldName = (path: string) => /([^.[\]]+)$/.exec(path)?.[1] ?? path;
const describe = (kinds: Set<string> | undefined) => [...(kinds ?? [])].sort().join(' | ');

/** Whether a path lies under one of the paths given (a missing object's fields are not listed again). */
const under = (path: string, roots: Set<string>) => [...roots].some((root) => path.startsWith(`${root}.`) || path.startsWith(`${root}[]`));

/**
 * What differs between the live answer's shape and the emulator's. Below an empty array on either side nothing is
 * compared (no entry came to look at). A field missing on one side and a field of the same shape added beside it on
 * the other is reported once, as a rename.
 */
export function compareShapes(live: Shape, emulator: Shape): ShapeDifference[] {
	const emptyHere = (shape: Shape) => new Set([...shape.entries()].filter(([, kinds]) => kinds.has('array:empty') && !kinds.has('array')).map(([path]) => path));
	const unseen = new Set([...emptyHere(live), ...emptyHere(emulator)]);
	const missing = [...emulator.keys()].filter((path) => !live.has(path) && !under(path, unseen));
	const unexpected = [...live.keys()].filter((path) => !emulator.has(path) && !under(path, unseen));
	const missingRoots = new Set(missing.filter((path) => !missing.includes(parentOf(path))));
	const unexpectedRoots = new Set(unexpected.filter((path) => !unexpected.includes(parentOf(path))));
	const differences: ShapeDifference[] = [];
	for (const path of [...missingRoots]) {
		const twin = [...unexpectedRoots].find((candidate) => parentOf(candidate) === parentOf(path) && relative(live, candidate) === relative(emulator, path));
		if (twin) {
			differences.push({ kind: 'renamed', path, to: fieldName(twin), emulator: describe(emulator.get(path)) });
			missingRoots.delete(path);
			unexpectedRoots.delete(twin);
		}
	}
	for (const path of missingRoots) differences.push({ kind: 'missing', path, emulator: describe(emulator.get(path)) });
	for (const path of unexpectedRoots) differences.push({ kind: 'unexpected', path, live: describe(live.get(path)) });
	for (const [path, kinds] of emulator) {
		const liveKinds = live.get(path);
		if (!liveKinds || under(path, unseen)) continue;
		// An empty list against a filled one is not a type change (how many came back is the model's business).
		const normalize = (set: Set<string>) => describe(new Set([...set].map((kind) => (kind === 'array:empty' ? 'array' : kind))));
		if (normalize(liveKinds) !== normalize(kinds)) differences.push({ kind: 'retyped', path, live: describe(liveKinds), emulator: describe(kinds) });
	}
	return differences.sort((a, b) => a.path.localeCompare(b.path));
}

/** The sub-shape below a path with the path itself cut off: equal for a renamed field and its new name. */
function relative(shape: Shape, path: string): string {
	return [...shape.entries()]
		.filter(([key]) => key === path || key.startsWith(`${path}.`) || key.startsWith(`${path}[]`))
		.map(([key, kinds]) => `${key.slice(path.length)}=${describe(kinds)}`)
		.sort()
		.join(';');
}

export function formatShapeDifference(where: string, difference: ShapeDifference): string {
	const at = `${where} ${difference.path || '(the whole answer)'}`;
	switch (difference.kind) {
		case 'renamed':
			return `${at}: renamed to "${difference.to}" live (same shape: ${difference.emulator})`;
		case 'missing':
			return `${at}: missing live (the emulator answers ${difference.emulator})`;
		case 'unexpected':
			return `${where} ${difference.path}: new live field (${difference.live}), the emulator has none`;
		case 'retyped':
			return `${at}: live ${difference.live}, the emulator ${difference.emulator}`;
	}
}
