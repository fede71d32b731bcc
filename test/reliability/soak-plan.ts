/**
 * A reproducible night of trouble for the soak test: which rows are bad or doomed, and which faults the
 * provider throws in, drawn from a seeded generator (same seed, same plan).
 *
 * Row-keyed troubles (known per row): a job the model fails, a result that expired, a row without a prompt.
 * Route faults (known per route, not per row): they hit whichever request comes at their position, so the test
 * checks them by count — every fault fires once; transient ones leave no trace, terminal ones one error each.
 */
import prand from 'pure-rand';

import type { Fault, FaultRule, RouteName } from '../emulator';

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

/**
 * How many requests of a route a 1,000-row run surely makes: faults are placed before that. Status: one poll per
 * submitted job for sure; a second one depends on how fast the machine is (a loaded one makes ~1,080, not 1,200).
 */
const ROUTE_SPAN: Partial<Record<RouteName, number>> = { 'fal.submit': 850, 'fal.status': 850, 'fal.result': 800, 'files.get': 800 };

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
	return { rows, faults, rules: placeFaults(faults, roll) };
}

/**
 * Spreads each route's faults over its requests: the emulator's `after` skips that many matching requests
 * (rules kept in position order), so faults land on different rows instead of one row's retries.
 */
function placeFaults(faults: PlannedFault[], roll: (max: number) => number): FaultRule[] {
	const rules: FaultRule[] = [];
	for (const route of new Set(faults.map((planned) => planned.route))) {
		const own = faults.filter((planned) => planned.route === route);
		const positions = own.map(() => roll(ROUTE_SPAN[route] ?? 500)).sort((a, b) => a - b);
		own.forEach((planned, index) => rules.push({ route, fault: planned.fault, times: 1, after: Math.max(0, positions[index] - index) }));
	}
	return rules;
}
