/**
 * `npm run verify:live [-- --yes] [--only <id>[,<id>…]] [--budget <usd>] [--record-dir <dir>]`
 *
 * Keys come from the environment only (FAL_KEY, RUNFLOW_API_KEY) and stay in memory. FAL_RUN_URL, FAL_QUEUE_URL,
 * FAL_REST_URL and RUNFLOW_URL point the "live" side elsewhere (a gateway; or `npm run emulator` to try the tool
 * itself). Exit 0: same shape as the emulator (or no key: nothing to do); 1: differences; 2: refused (budget, no
 * confirmation). See docs/live-contract-check.md.
 */
import './user-folder';

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';

import { SAMPLES, type SampleName } from './endpoints';
import { DEFAULT_URLS, type VerifyOptions, verifyLive } from './verify';

const USAGE = `Usage: npm run verify:live -- [--yes] [--only <endpoint>[,…]] [--budget <usd>] [--record-dir <dir>]
  FAL_KEY / RUNFLOW_API_KEY   the keys (environment only; never written anywhere)
  --yes                       do not ask before spending (CI)
  --only fal-ai/sam-3/image   run these endpoints only (a part of the id is enough)
  --budget 0.25               refuse a plan estimated above this many USD (default 0.25)
  --record-dir <dir>          where recordings go (default test/live/recorded)
  --sample truck=<url>        another public photo for a sample (truck, person)`;

function argValue(args: string[], name: string): string | undefined {
	const index = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
	if (index < 0) return undefined;
	return args[index].includes('=') ? args[index].split('=').slice(1).join('=') : args[index + 1];
}

/** `--sample truck=https://…`: the named photo sample from another public URL. */
function sampleOverrides(args: string[]): VerifyOptions['samples'] {
	const samples: NonNullable<VerifyOptions['samples']> = {};
	args.forEach((arg, index) => {
		const value = arg === '--sample' ? args[index + 1] : arg.startsWith('--sample=') ? arg.slice('--sample='.length) : undefined;
		const match = value ? /^(\w+)=(https?:\/\/\S+)$/.exec(value) : null;
		if (value && !match) throw new Error(`--sample takes name=https://…, not "${value}"`);
		if (!match) return;
		const known = SAMPLES[match[1] as SampleName];
		if (known?.kind !== 'image') throw new Error(`--sample: no photo sample "${match[1]}" (${Object.keys(SAMPLES).filter((name) => SAMPLES[name as SampleName].kind === 'image').join(', ')})`);
		samples[match[1] as SampleName] = { ...known, url: match[2], source: '--sample' };
	});
	return samples;
}

async function main(): Promise<number> {
	const args = process.argv.slice(2);
	if (args.includes('--help') || args.includes('-h')) {
		console.log(USAGE);
		return 0;
	}
	// The built package, as npm would publish it (npm run verify:live builds first).
	const built = join(__dirname, '..', '..', 'dist', 'nodes', 'Sam3', 'Sam3.node.js');
	if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first (npm run verify:live does)`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Sam3 } = require(built) as typeof import('../../nodes/Sam3/Sam3.node');
	const env = process.env;
	const falKey = env.FAL_KEY?.trim();
	const runflowKey = env.RUNFLOW_API_KEY?.trim();
	const budget = argValue(args, '--budget');
	if (budget !== undefined && !(Number(budget) > 0)) {
		console.error(`--budget must be a positive number of USD, not "${budget}"`);
		return 2;
	}
	const interactive = process.stdin.isTTY && process.stdout.isTTY;
	return await verifyLive({
		node: Sam3,
		targets: {
			...(falKey ? { fal: { key: falKey, urls: { run: env.FAL_RUN_URL || DEFAULT_URLS.fal.run, queue: env.FAL_QUEUE_URL || DEFAULT_URLS.fal.queue, rest: env.FAL_REST_URL || DEFAULT_URLS.fal.rest } } } : {}),
			...(runflowKey ? { runflow: { key: runflowKey, urls: { api: env.RUNFLOW_URL || DEFAULT_URLS.runflow.api } } } : {}),
		},
		yes: args.includes('--yes') || args.includes('-y'),
		confirm: interactive
			? async (question) => {
					const rl = createInterface({ input: process.stdin, output: process.stdout });
					try {
						return /^y(es)?$/i.test((await rl.question(question)).trim());
					} finally {
						rl.close();
					}
				}
			: undefined,
		only: argValue(args, '--only')?.split(',').map((part) => part.trim()).filter(Boolean),
		budgetUsd: budget !== undefined ? Number(budget) : undefined,
		recordDir: argValue(args, '--record-dir') ?? join(__dirname, '..', '..', 'test', 'live', 'recorded'),
		samples: sampleOverrides(args),
		out: (line) => console.log(line),
	});
}

main().then(
	(code) => process.exit(code),
	(error: Error) => {
		console.error(`verify:live failed: ${error.message}`);
		process.exit(1);
	},
);
