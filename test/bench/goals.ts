/** The benchmark goals and which of them one run met. */
import type { BenchResults } from './report';
import type { TimeToResultRow } from './time-to-result';

/** The goals (issue 12 raised throughput, fal time to result and added CPU and status-request goals). */
export const GOALS = {
	/** Wall time per item, node / bare client, every cap. */
	overheadWall: 1.3,
	/** CPU per item, node / bare client, at cap 4. */
	cpuRatioCap4: 2.5,
	/** % of ideal at cap 8, 200 items x 300 ms jobs. */
	throughputQueue: 95,
	throughputSync: 94,
	/** Time to result / job time: fal (status stream) for 1 s and 5 s jobs; Runflow for 1 s and 5 s runs; both for 0.2 s. */
	falTimeToResult: 1.05,
	runflowTimeToResult: 1.15,
	shortTimeToResult: 1.15,
	/** Status requests for a 6 s job (the most any one job made): fal with the stream, fal polling, Runflow polls. */
	falStatusRequestsStream: 2,
	falStatusRequestsPolling: 16,
	runflowPolls: 12,
	memoryPeakGrowthMB: 256,
} as const;

export interface Goals {
	overhead: boolean;
	cpu: boolean;
	throughput: boolean;
	throughputSync: boolean;
	timeToResult: boolean;
	timeToResultShort: boolean;
	falStream: boolean;
	falPolling: boolean;
	runflowPolls: boolean;
	memory: boolean;
}

const isFal = (row: TimeToResultRow) => row.provider.startsWith('fal');

/** The node's rows of the status-requests benchmark: fal as it runs, fal with the stream not offered, Runflow. */
export function nodePolls(r: BenchResults) {
	const rows = r.pollsPerJob ?? [];
	return {
		fal: rows.find((row) => row.who === 'node' && row.provider === 'fal' && !row.streamNotOffered),
		falPolling: rows.find((row) => row.who === 'node' && row.provider === 'fal' && row.streamNotOffered),
		runflow: rows.find((row) => row.who === 'node' && row.provider === 'runflow'),
	};
}

export function goalsOf(r: BenchResults): Goals {
	const [queue, sync] = r.throughput.rows;
	const cap4 = r.overhead.find((row) => row.concurrency === 4);
	const long = r.timeToResult.filter((row) => row.jobMs >= 1000);
	const polls = nodePolls(r);
	return {
		overhead: r.overhead.every((row) => row.ratio <= GOALS.overheadWall),
		cpu: cap4 !== undefined && cap4.cpuRatio <= GOALS.cpuRatioCap4,
		throughput: queue.ofIdeal >= GOALS.throughputQueue,
		throughputSync: sync.ofIdeal >= GOALS.throughputSync,
		timeToResult: long.every((row) => row.ratio <= (isFal(row) ? GOALS.falTimeToResult : GOALS.runflowTimeToResult)),
		timeToResultShort: r.timeToResult.filter((row) => row.jobMs < 1000).every((row) => row.ratio <= GOALS.shortTimeToResult),
		falStream: !!polls.fal && polls.fal.streams > 0 && polls.fal.maxStatusRequests <= GOALS.falStatusRequestsStream,
		falPolling: !!polls.falPolling && polls.falPolling.maxStatusRequests <= GOALS.falStatusRequestsPolling,
		runflowPolls: !!polls.runflow && polls.runflow.maxStatusRequests <= GOALS.runflowPolls,
		memory: r.memory.memory.peakGrowthMB <= GOALS.memoryPeakGrowthMB,
	};
}

