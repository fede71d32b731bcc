/** Scripted job behaviour: timing and outcome rules matched by provider, prompt or a predicate. */
import { randomUUID } from 'node:crypto';
import type { JobMatchContext, JobOutcome, ScriptRule, Timing } from './types';

interface ActiveRule extends ScriptRule {
	id: string;
	used: number;
}

export interface JobPlan {
	timing: Timing;
	outcome: JobOutcome;
	/** Present only when the rule scripts one (undefined and null are bodies too). */
	result?: { body: unknown };
	ruleId?: string;
}

function matches(rule: ScriptRule, ctx: JobMatchContext): boolean {
	const match = rule.match;
	if (!match) return true;
	if (match.provider && match.provider !== ctx.provider) return false;
	if (match.prompt !== undefined) {
		if (ctx.prompt === undefined) return false;
		if (typeof match.prompt === 'string' ? match.prompt !== ctx.prompt : !match.prompt.test(ctx.prompt)) return false;
	}
	return !match.predicate || match.predicate(ctx);
}

export class ScriptBook {
	private rules: ActiveRule[] = [];

	add(rule: ScriptRule): string {
		const id = randomUUID();
		this.rules.push({ ...rule, id, used: 0 });
		return id;
	}

	clear(): void {
		this.rules = [];
	}

	list(): Array<ScriptRule & { id: string; used: number }> {
		return this.rules.map((r) => ({ ...r }));
	}

	/** The first matching rule still in force (insertion order) shapes the job; defaults fill the rest. */
	plan(ctx: JobMatchContext, defaults: Timing): JobPlan {
		const rule = this.rules.find((r) => (r.times === undefined || r.used < r.times) && matches(r, ctx));
		if (rule) rule.used++;
		return {
			timing: {
				latencyMs: rule?.latencyMs ?? defaults.latencyMs,
				queueMs: rule?.queueMs ?? defaults.queueMs,
				dispatchMs: rule?.dispatchMs ?? defaults.dispatchMs,
			},
			outcome: rule?.outcome ?? { type: 'success' },
			...(rule && 'resultBody' in rule ? { result: { body: rule.resultBody } } : {}),
			ruleId: rule?.id,
		};
	}
}
