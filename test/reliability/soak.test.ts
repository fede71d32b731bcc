/**
 * Soak: 1,000 rows through the real engine with continue on fail, Max Concurrent Jobs 8, short jobs, mask
 * downloads on (masks only, no preview), ~10 % trouble from a seeded plan (soak-plan.ts). Every row must come out
 * exactly once, in order; transient faults must leave no trace; every other row ends as an error item with its reason.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { dataImageUrl, runSam3, useEmulator, withoutStatusStream } from './harness';
import { type RowKind, planSoak } from './soak-plan';

const ROWS = 1_000;
const CAP = 8;
const SEED = 20_260_704;

const emulator = useEmulator({ defaults: { latencyMs: 5, queueMs: 0, dispatchMs: 0 } });

type Outcome = 'masks' | 'routeFault' | 'modelFails' | 'expired' | 'noPrompt' | 'unexplained';

/** Why a row ended the way it did, read from what the user gets. */
function outcomeOf(item: INodeExecutionData): Outcome {
	const error = item.json.error as Record<string, unknown> | undefined;
	if (!error) return item.binary?.mask_0 && item.json.maskCount === 1 ? 'masks' : 'unexplained';
	if (error.errorType === 'invalid_parameter' && /No prompt/.test(String(error.message))) return 'noPrompt';
	if (error.stage === 'submit' && [500, 502, 504].includes(error.httpCode as number)) return 'routeFault';
	if (error.stage === 'status' && error.httpCode === 503) return 'routeFault';
	if (/soak model failure/.test(String(error.message)) && error.requestId) return 'modelFails';
	if (error.stage === 'result' && error.httpCode === 404 && error.requestId) return 'expired';
	return 'unexplained';
}

/** The outcomes a row of each kind may have: its own end, or a terminal route fault that hit it first. */
const ALLOWED: Record<RowKind, Outcome[]> = {
	normal: ['masks', 'routeFault'],
	modelFails: ['modelFails', 'routeFault'],
	expired: ['expired', 'routeFault'],
	noPrompt: ['noPrompt'],
};

it('1,000 rows with ~10 % faults: each row once, in order; retried faults succeed; the rest are error items with their reason; at most 8 jobs at once', async () => {
	const plan = planSoak(SEED, ROWS);
	// The plan's status faults hit polls: fal polls here (stream not offered; its faults are in stream.test.ts).
	withoutStatusStream(emulator());
	for (const rule of plan.rules) emulator().faults.add(rule);
	emulator().jobs.script({ match: { prompt: /^fail / }, outcome: { type: 'fail', message: 'soak model failure' } });
	emulator().jobs.script({ match: { prompt: /^expire / }, outcome: { type: 'expired' } });
	const imageUrl = await dataImageUrl();

	const result = await runSam3(emulator(), {
		parameters: {
			imageUrl,
			prompt: '={{ $json.prompt }}',
			modelOptions: { applyMask: false },
			options: { maxConcurrency: CAP, keepInputData: true },
		},
		items: plan.rows.map((row, index) => ({ json: { row: index, prompt: row.prompt } })),
		continueOnFail: true,
	});

	expect(result.error).toBeUndefined();
	// Each row exactly once, in input order, paired with its own input.
	expect(result.items).toHaveLength(ROWS);
	expect(result.items.map((item) => (item.pairedItem as { item: number }).item)).toEqual(plan.rows.map((_, index) => index));
	const outcomes = result.items.map(outcomeOf);
	const misfits = outcomes
		.map((outcome, index) => ({ index, kind: plan.rows[index].kind, outcome }))
		.filter(({ kind, outcome }) => !ALLOWED[kind].includes(outcome));
	expect(misfits).toEqual([]);
	// Successful rows carry their own input (the prompt they asked for).
	result.items.forEach((item, index) => {
		if (outcomes[index] === 'masks') expect(item.json.row).toBe(index);
	});

	// Every planned fault fired once; each terminal one ended exactly one row, the transient ones none.
	const [noStream, ...planned] = emulator().faults.list();
	expect(planned.filter((rule) => rule.hits !== 1)).toEqual([]);
	// Once the stream was not offered, the run's later items poll at once: only the first 8 (one per slot) asked.
	expect(noStream.hits).toBeLessThanOrEqual(8);
	const terminal = plan.faults.filter((fault) => fault.terminal).length;
	expect(outcomes.filter((outcome) => outcome === 'routeFault')).toHaveLength(terminal);
	const transient = plan.faults.length - terminal;
	expect(transient).toBeGreaterThanOrEqual(30);
	expect(plan.rows.filter((row) => row.kind !== 'normal').length + plan.faults.length).toBeGreaterThanOrEqual(80);

	const expectedMasks = plan.rows.filter((row) => row.kind === 'normal').length - outcomes.filter((outcome, index) => outcome === 'routeFault' && plan.rows[index].kind === 'normal').length;
	expect(outcomes.filter((outcome) => outcome === 'masks')).toHaveLength(expectedMasks);
	expect(emulator().stats().peakInFlight.fal).toBeLessThanOrEqual(CAP);
	expect(emulator().stats().peakInFlight.fal).toBeGreaterThan(1);
}, 180_000);
