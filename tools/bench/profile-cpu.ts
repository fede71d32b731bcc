/**
 * Where one contender's CPU goes at cap 4 (benchmark 1's setting): a warm run of `items` items under V8's sampling
 * profiler (node:inspector, started after the warm-up and stopped after the run, so start-up is not in it), summed
 * by who runs the code (profile-summary.ts). `npm run bench` runs it in a fresh process per contender (section 1c);
 * by hand:
 *   npx tsx tools/bench/profile-cpu.ts [node|sync|raw|http] [items] [cap] [file.cpuprofile]
 */
import './env';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

import { attachEmulator, type EmulatorProcess, startEmulator } from '../e2e/lib/emulator';
import { type Contender, runContender } from './contenders';
import { warmUp } from './jit-warm-up';
import { type ProfileSummary, summarize } from './profile-summary';
import { timed } from './sam3-runner';

export interface ProfileResult {
	contender: Contender;
	items: number;
	cap: number;
	cpuMsPerItem: number;
	wallMsPerItem: number;
	/** Profile buckets per item (ms). */
	summary: ProfileSummary;
}

export async function profileRun(emulator: EmulatorProcess, contender: Contender, items: number, cap = 4, saveTo?: string): Promise<ProfileResult> {
	// A fresh process: warmed up like the measuring one (jit-warm-up.ts), so the profile is of optimized code.
	await warmUp(emulator, [[contender, cap]]);
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.setSamplingInterval', { interval: 200 });
	await session.post('Profiler.start');
	const run = await timed(async () => await runContender(emulator, contender, items, cap));
	const { profile } = await session.post('Profiler.stop');
	session.disconnect();
	if (saveTo) writeFileSync(saveTo, JSON.stringify(profile));
	const perItem = (ms: number) => Math.round((ms / items) * 100) / 100;
	return { contender, items, cap, cpuMsPerItem: perItem(run.cpuMs), wallMsPerItem: perItem(run.wallMs), summary: summarize(profile as never, items) };
}

async function main(): Promise<void> {
	const contender = (process.argv[2] ?? 'node') as Contender;
	const items = Number(process.argv[3] ?? 400);
	const cap = Number(process.argv[4] ?? 4);
	const saveTo = process.argv[5];
	const attached = process.env.SAM3_BENCH_EMULATOR_URL;
	const emulator = attached ? await attachEmulator(attached) : await startEmulator({}, { concurrency: { fal: 8 } });
	try {
		process.stdout.write(`RESULT ${JSON.stringify(await profileRun(emulator, contender, items, cap, saveTo))}\n`);
	} finally {
		if (!attached) await emulator.stop();
	}
}

if (require.main === module) {
	main().then(
		() => process.exit(0),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
