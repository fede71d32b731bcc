/**
 * A reproducible night of trouble for the soak test: which rows are bad or doomed, and which faults the
 * provider throws in, drawn from a seeded generator (same seed, same plan).
 *
 * Row-keyed troubles (known per row): a job the model fails, a result that expired, a row without a prompt.
 * Route faults (known per route, not per row): they hit whichever request comes at their position, so the test
 * checks them by count — every fault fires once; transient ones leave no trace, terminal ones one error each.
 * Positions are drawn below the number of requests the run makes whatever the machine's speed (routeSpans), so a
 * slow or busy machine (fewer polls per job) still reaches every planned fault.
 */
import prand from 'pure-rand';

import type { Fault, FaultRule, RouteName } from '../../tools/emulator';

export type RowKind = 'normal' | 'modelFails' | 'expired' | 'noPrompt';

export interface PlannedFault {
	route: RouteName;
	fault: Fault;
	terminal: boolean;
}

export interface SoakPlan {
	rows: Array<{ kind: RowKind; prompt: string }>;
	faults: PlannedFault[];
	rules: FaultRule[];
}

const TRANSIENT: Array<Omit<PlannedFault, 'terminal'>> = [
	{ route: 'fal.submit', fault: { kind: 'status', status: 503 } },
	{ route: 'fal.submit', fault: { kind: 'status', status: 429, retryAfter: 1 } },
	{ route: 'fal.status', fault: { kind: 'status', status: 500 } },
	{ route: 'fal.status', fault: { kind: 'status', status: 502 } },
	{ route: 'fal.status', fault: { kind: 'status', status: 503 } },
	{ route: 'fal.status', fault: { kind: 'status', status: 504 } },
	{ route: 'fal.status', fault: { kind: 'status', status: 429 } },
	{ route: 'fal.status', fault: { kind: 'reset' } },
	{ route: 'fal.status', fault: { kind: 'malformedJson' } },
	{ route: 'fal.result', fault: { kind: 'status', status: 502 } },
	{ route: 'files.get', fault: { kind: 'status', status: 503 } },
	{ route: 'files.get', fault: { kind: 'reset' } },
];

const TERMINAL: Array<Omit<PlannedFault, 'terminal'>> = [
	{ route: 'fal.submit', fault: { kind: 'status', status: 500 } },
	{ route: 'fal.submit', fault: { kind: 'status', status: 502 } },
	{ route: 'fal.submit', fault: { kind: 'status', status: 504 } },
	{ route: 'fal.status', fault: { kind: 'status', status: 503, retryable: false } },
];

export function planSoak(seed: number, rowCount: number): SoakPlan {
	const rng = prand.xoroshiro128plus(seed);
	const roll = (max: number) => prand.unsafeUniformIntDistribution(0, max - 1, rng);
	const rows: SoakPlan['rows'] = [];
	const faults: PlannedFault[] = [];
	for (let index = 0; index < rowCount; index++) {
		const dice = roll(100);
		let kind: RowKind = 'normal';
		if (dice < 5) faults.push({ ...TRANSIENT[roll(TRANSIENT.length)], terminal: false });
		else if (dice < 7) faults.push({ ...TERMINAL[roll(TERMINAL.length)], terminal: true });
		else if (dice < 8) kind = 'modelFails';
		else if (dice < 9) kind = 'expired';
		else if (dice < 10) kind = 'noPrompt';
		const prompt = { normal: `object ${index}`, modelFails: `fail ${index}`, expired: `expire ${index}`, noPrompt: '' }[kind];
		rows.push({ kind, prompt });
	}
	return { rows, faults, rules: placeFaults(faults, routeSpans(rows, faults), roll) };
}

/**
 * Spreads each route's faults over its requests: the emulator's `after` skips that many matching requests
 * (rules kept in position order), so faults land on different rows instead of one row's retries.
 */
/**
 * How many requests each route surely gets, however fast the machine: a row with a prompt submits at least once; an
 * accepted job is polled at least once (queue mode, no webhook) — however quickly it finished; a job not ended at its
 * status (a model failure is reported there) fetches its result at least once; a row that gets masks downloads one mask (preview off). Each terminal
 * fault can take one row out before the next route; the span leaves room for the route's own faults too.
 */
function routeSpans(rows: SoakPlan['rows'], faults: PlannedFault[]): Partial<Record<RouteName, number>> {
	const terminalAt = (route: RouteName) => faults.filter((planned) => planned.terminal && planned.route === route).length;
	const ownFaults = (route: RouteName) => faults.filter((planned) => planned.route === route).length;
	const prompted = rows.filter((row) => row.kind !== 'noPrompt').length;
	const accepted = prompted - terminalAt('fal.submit');
	const sure: Partial<Record<RouteName, number>> = {
		'fal.submit': prompted,
		'fal.status': accepted,
		'fal.result': accepted - terminalAt('fal.status') - rows.filter((row) => row.kind === 'modelFails').length,
		'files.get': rows.filter((row) => row.kind === 'normal').length - faults.filter((planned) => planned.terminal).length,
	};
	return Object.fromEntries(Object.entries(sure).map(([route, count]) => [route, count! - ownFaults(route as RouteName)]));
}

function placeFaults(faults: PlannedFault[], spans: Partial<Record<RouteName, number>>, roll: (max: number) => number): FaultRule[] {
	const rules: FaultRule[] = [];
	for (const route of new Set(faults.map((planned) => planned.route))) {
		const own = faults.filter((planned) => planned.route === route);
		const positions = own.map(() => roll(spans[route] ?? 1)).sort((a, b) => a - b);
		own.forEach((planned, index) => rules.push({ route, fault: planned.fault, times: 1, after: Math.max(0, positions[index] - index) }));
	}
	return rules;
}
