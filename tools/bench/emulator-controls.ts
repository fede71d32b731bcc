/**
 * Emulator controls the benchmarks use besides the launcher (tools/e2e/lib/emulator.ts), spoken over `/__emulator` (tools/emulator/
 * control.ts) so they work with any launcher: status requests per job, and faults.
 */
import { request } from 'undici';

import type { FaultRule, Provider, StatusRequestCount } from '../emulator';

export type StatusRequests = Record<Provider, StatusRequestCount>;

/** fal status polls + status streams, Runflow run GETs, per job (`GET /__emulator/stats` -> statusRequests). */
export async function statusRequests(controlUrl: string): Promise<StatusRequests> {
	const response = await request(`${controlUrl}/stats`);
	const stats = (await response.body.json()) as { statusRequests?: StatusRequests };
	if (response.statusCode !== 200 || !stats.statusRequests) throw new Error(`GET ${controlUrl}/stats: HTTP ${response.statusCode}, no statusRequests`);
	return stats.statusRequests;
}

/** Polls + streams of one provider. */
export const totalOf = (count: StatusRequestCount) => count.polls + count.streams;

/** Arms a fault (`POST /__emulator/faults`); a reset clears it. */
export async function addFault(controlUrl: string, rule: FaultRule): Promise<void> {
	const response = await request(`${controlUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
	const text = await response.body.text();
	if (response.statusCode !== 201) throw new Error(`POST ${controlUrl}/faults: HTTP ${response.statusCode} ${text}`);
}
