/**
 * Outgoing notifications: fal webhooks and Runflow callbacks. POSTed with undici, never with a provider
 * key; retried on 5xx and network errors (3 attempts, waits configurable, 1 s and 2 s by default).
 */
import { request } from 'undici';
import type { DeliveryRecord } from './types';

export class DeliveryLog {
	readonly records: DeliveryRecord[] = [];
	private pending = new Set<Promise<void>>();

	constructor(public backoffMs: number[] = [1000, 2000]) {}

	/** Sends in the background; `settled()` waits for every delivery in progress. */
	send(kind: DeliveryRecord['kind'], url: string, jobId: string, headers: Record<string, string>, body: string): void {
		const record: DeliveryRecord = { kind, url, jobId, headers, body, attempts: [], delivered: false };
		this.records.push(record);
		const run = this.attempt(record).finally(() => this.pending.delete(run));
		this.pending.add(run);
	}

	async settled(): Promise<void> {
		while (this.pending.size) await Promise.all([...this.pending]);
	}

	clear(): void {
		this.records.length = 0;
	}

	private async attempt(record: DeliveryRecord): Promise<void> {
		const maxAttempts = this.backoffMs.length + 1;
		for (let attempt = 0; attempt < maxAttempts; attempt++) {
			if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, this.backoffMs[attempt - 1]).unref());
			const time = Date.now();
			try {
				const response = await request(record.url, {
					method: 'POST',
					headers: { 'content-type': 'application/json', ...record.headers },
					body: record.body,
					headersTimeout: 10_000,
					bodyTimeout: 10_000,
				});
				await response.body.dump();
				record.attempts.push({ time, status: response.statusCode });
				if (response.statusCode < 500) {
					record.delivered = response.statusCode < 400;
					return;
				}
			} catch (error) {
				record.attempts.push({ time, error: (error as Error).message });
			}
		}
	}
}
