/**
 * fal's queue status stream in the emulator: the protocol as fal's official client reads it (see
 * ../fal-status-stream.ts for what was verified in fal-js), and each stream fault as a client meets it.
 */
import { ApiError, createFalClient } from '@fal-ai/client';
import { createParser } from 'eventsource-parser';
import sharp from 'sharp';
import { request } from 'undici';

import { type Emulator, startEmulator } from '../../tools/emulator/index';

let emu: Emulator;
let imageUrl: string;

// One job at a time at the emulated account, so later jobs wait in its queue with a position.
beforeAll(async () => {
	emu = await startEmulator({ defaults: { latencyMs: 60, queueMs: 20, dispatchMs: 10 }, concurrency: { fal: 1 } });
	const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#808080' } }).png().toBuffer();
	imageUrl = emu.hostImage(png, 'image/png');
});
afterEach(() => emu.reset());
afterAll(() => emu.close());

const auth = () => ({ authorization: `Key ${emu.keys.fal}` });
const streamUrl = (id: string, logs = 1) => `${emu.falQueueUrl}/fal-ai/sam-3/requests/${id}/status/stream?logs=${logs}`;

async function submit(prompt = 'cat'): Promise<string> {
	const response = await request(`${emu.falQueueUrl}/fal-ai/sam-3/image`, {
		method: 'POST',
		headers: { ...auth(), 'content-type': 'application/json' },
		body: JSON.stringify({ image_url: imageUrl, prompt }),
	});
	return ((await response.body.json()) as { request_id: string }).request_id;
}

type Status = { status: string; queue_position?: number; logs: Array<{ message: string }> | null; metrics?: unknown; request_id: string };

/** Opens a stream and reads it the way fal-js does (eventsource-parser), keeping unparsable data lines apart. */
async function openStream(url: string, headers: Record<string, string> = auth()) {
	const response = await request(url, { headers });
	const events: Status[] = [];
	const unparsable: string[] = [];
	const parser = createParser((event) => {
		if (event.type !== 'event') return;
		try {
			events.push(JSON.parse(event.data) as Status);
		} catch {
			unparsable.push(event.data);
		}
	});
	// 'end' when the server ends the response, the error when the connection breaks.
	const outcome = (async () => {
		for await (const chunk of response.body) parser.feed((chunk as Buffer).toString('utf8'));
		return 'end' as const;
	})().catch((error: Error) => error);
	return { response, events, unparsable, outcome, close: () => response.body.destroy() };
}

async function until<T>(check: () => T | undefined | false, what: string): Promise<T> {
	for (let i = 0; i < 1000; i++) {
		const value = check();
		if (value) return value;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error(`timed out waiting for ${what}`);
}

const finished = (id: string) => emu.jobs.get(id)!.finished;

function falClient() {
	return createFalClient({
		credentials: emu.keys.fal,
		requestMiddleware: async (req) => ({ ...req, url: req.url.replace('https://queue.fal.run', emu.falQueueUrl) }),
	});
}

describe('the status stream', () => {
	it('sends IN_QUEUE with the queue position, IN_PROGRESS with new log lines, COMPLETED with metrics, then ends', async () => {
		await submit();
		await submit();
		const id = await submit(); // two jobs ahead of it
		const stream = await openStream(streamUrl(id));
		expect(stream.response.statusCode).toBe(200);
		expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
		expect(stream.response.headers['x-fal-request-id']).toBe(id);
		expect(await stream.outcome).toBe('end');

		const statuses = stream.events.map((e) => e.status);
		expect(statuses[statuses.length - 1]).toBe('COMPLETED');
		expect(statuses.filter((s) => s === 'COMPLETED')).toHaveLength(1);
		expect(statuses).toContain('IN_PROGRESS');
		const positions = stream.events.filter((e) => e.status === 'IN_QUEUE').map((e) => e.queue_position);
		expect(positions[0]).toBeGreaterThanOrEqual(1);
		expect(positions).toContain(0);
		expect(positions).toEqual([...positions].sort((a, b) => b! - a!));
		expect(stream.events.every((e) => e.request_id === id)).toBe(true);
		expect(stream.events[stream.events.length - 1]).toMatchObject({ metrics: { inference_time: expect.any(Number) } });
		// Each event carries the lines new since the previous one: together, the job's log, each line once.
		const lines = stream.events.flatMap((e) => e.logs ?? []).map((l) => l.message);
		expect(lines).toEqual(emu.jobs.get(id)!.logs.map((l) => l.message));
		expect(lines).toContain('Running SAM 3 segmentation');
	});

	it('carries no logs with logs=0, and a failed job ends on COMPLETED with error and error_type', async () => {
		emu.jobs.script({ match: { prompt: 'boom' }, outcome: { type: 'fail', message: 'GPU fell over' } });
		const id = await submit('boom');
		const stream = await openStream(streamUrl(id, 0));
		expect(await stream.outcome).toBe('end');
		expect(stream.events.every((e) => e.logs === null)).toBe(true);
		expect(stream.events[stream.events.length - 1]).toMatchObject({ status: 'COMPLETED', error: 'GPU fell over', error_type: 'internal_error' });
	});

	it('for a job already done: one COMPLETED event, then the end', async () => {
		const id = await submit();
		await finished(id);
		const stream = await openStream(streamUrl(id));
		expect(await stream.outcome).toBe('end');
		expect(stream.events.map((e) => e.status)).toEqual(['COMPLETED']);
	});

	it('checks the key like status and knows only the app-id path', async () => {
		const id = await submit();
		const noKey = await request(streamUrl(id));
		expect(noKey.statusCode).toBe(401);
		expect(await noKey.body.json()).toEqual({ detail: expect.stringMatching(/Authorization/) });
		const badKey = await request(streamUrl(id), { headers: { authorization: 'Key nope:nope' } });
		expect(badKey.statusCode).toBe(401);
		await badKey.body.dump();
		const unknown = await request(streamUrl('no-such-request'), { headers: auth() });
		expect([unknown.statusCode, await unknown.body.json()]).toEqual([404, { detail: 'Request not found' }]);
		const subpath = await request(`${emu.falQueueUrl}/fal-ai/sam-3/image/requests/${id}/status/stream`, { headers: auth() });
		expect(subpath.statusCode).toBe(404);
		await subpath.body.dump();
	});

	it('counts one status request for the job, and logs how many events went out', async () => {
		const id = await submit();
		const stream = await openStream(streamUrl(id));
		await stream.outcome;
		expect(emu.statusRequests().fal).toEqual({ jobs: 1, polls: 0, streams: 1, perJob: 1, maxPerJob: 1 });
		const entry = emu.requests.find((r) => r.route === 'fal.status.stream');
		expect(entry).toMatchObject({ status: 200, events: stream.events.length });
		expect(emu.stats().statusRequests.fal.streams).toBe(1);
	});

	it('ends open streams when the emulator is reset', async () => {
		emu.jobs.script({ latencyMs: 60_000 });
		const id = await submit();
		const stream = await openStream(streamUrl(id));
		await until(() => stream.events.length > 0, 'the first event');
		emu.reset();
		expect(await stream.outcome).toBe('end');
	});
});

describe("fal's official client (@fal-ai/client) against the stream", () => {
	it('queue.streamStatus resolves with COMPLETED; the request is the one fal-js builds', async () => {
		const id = await submit();
		const stream = await falClient().queue.streamStatus('fal-ai/sam-3/image', { requestId: id, logs: true });
		const seen: string[] = [];
		stream.on('data', (status: Status) => seen.push(status.status));
		await expect(stream.done()).resolves.toMatchObject({ status: 'COMPLETED', request_id: id });
		expect(seen[seen.length - 1]).toBe('COMPLETED');
		const entry = emu.requests.find((r) => r.route === 'fal.status.stream')!;
		expect(entry.url).toBe(`/fal-queue/fal-ai/sam-3/requests/${id}/status/stream?logs=1`);
		expect(entry.method).toBe('GET');
		expect(entry.headers.accept).toMatch(/text\/event-stream/);
		expect(entry.headers.authorization).toBe(`Key ${emu.keys.fal}`);
	});

	it('subscribe in streaming mode: submit, one stream, one result', async () => {
		const updates: string[] = [];
		const result = await falClient().subscribe('fal-ai/sam-3/image', {
			input: { image_url: imageUrl, prompt: 'bird' },
			mode: 'streaming',
			logs: true,
			onQueueUpdate: (update) => updates.push(update.status),
		});
		expect((result.data as { masks: unknown[] }).masks.length).toBeGreaterThanOrEqual(1);
		expect(updates[updates.length - 1]).toBe('COMPLETED');
		// (The file host also logs the model reading image_url.)
		expect(emu.requests.filter((r) => r.vhost === 'fal-queue').map((r) => r.route)).toEqual(['fal.submit', 'fal.status.stream', 'fal.result']);
		expect(emu.statusRequests().fal.perJob).toBe(1);
	});
});

describe('stream faults', () => {
	it.each([404, 405] as const)('streamNotOffered %i: the JSON error, the client fails, the job runs on (status still answers)', async (status) => {
		emu.faults.add({ route: 'fal.status.stream', fault: { kind: 'streamNotOffered', status } });
		const id = await submit();
		const raw = await request(streamUrl(id), { headers: auth() });
		expect(raw.statusCode).toBe(status);
		expect(raw.headers['content-type']).toMatch(/application\/json/);
		expect(await raw.body.json()).toEqual({ detail: status === 404 ? 'Not Found' : 'Method Not Allowed' });

		emu.faults.add({ route: 'fal.status.stream', fault: { kind: 'streamNotOffered', status } });
		const stream = await falClient().queue.streamStatus('fal-ai/sam-3/image', { requestId: id });
		const failure = await stream.done().catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(ApiError);
		expect((failure as ApiError<unknown>).status).toBe(status);

		await finished(id);
		const poll = await request(`${emu.falQueueUrl}/fal-ai/sam-3/requests/${id}/status`, { headers: auth() });
		expect([poll.statusCode, ((await poll.body.json()) as Status).status]).toEqual([200, 'COMPLETED']);
	});

	it('streamDrop: exactly afterEvents events, then the connection breaks (the client fails)', async () => {
		emu.faults.add({ route: 'fal.status.stream', times: 2, fault: { kind: 'streamDrop', afterEvents: 1 } });
		const id = await submit();
		const stream = await openStream(streamUrl(id));
		expect(stream.response.statusCode).toBe(200);
		expect(await stream.outcome).toBeInstanceOf(Error);
		expect(stream.events).toHaveLength(1);
		expect(stream.events[0].status).not.toBe('COMPLETED');

		const official = await falClient().queue.streamStatus('fal-ai/sam-3/image', { requestId: id });
		await expect(official.done()).rejects.toBeInstanceOf(ApiError);
		await finished(id);
	});

	it('streamDrop after 0 events: headers, then the break', async () => {
		emu.faults.add({ route: 'fal.status.stream', fault: { kind: 'streamDrop', afterEvents: 0 } });
		const id = await submit();
		const stream = await openStream(streamUrl(id));
		expect(stream.response.statusCode).toBe(200);
		expect(await stream.outcome).toBeInstanceOf(Error);
		expect(stream.events).toHaveLength(0);
	});

	it.each([0, 1])('streamStall after %i events: the headers, then nothing, not even after the job is done', async (afterEvents) => {
		emu.faults.add({ route: 'fal.status.stream', fault: { kind: 'streamStall', afterEvents } });
		const id = await submit();
		const stream = await openStream(streamUrl(id));
		expect(stream.response.statusCode).toBe(200);
		expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
		await finished(id);
		// The emulator writes an event the moment the job changes: by now every event it would send is out.
		const entry = emu.requests.find((r) => r.route === 'fal.status.stream')!;
		expect(entry.events ?? 0).toBe(afterEvents);
		// A client that gives up is let go: the connection closes.
		stream.close();
		await stream.outcome;
		expect(stream.events).toHaveLength(afterEvents);
		// The next stream is served normally.
		const next = await openStream(streamUrl(id));
		expect(await next.outcome).toBe('end');
		expect(next.events.map((e) => e.status)).toEqual(['COMPLETED']);
	});

	it('streamMalformed: one data line of invalid JSON, then the stream goes on to COMPLETED; the client fails on it', async () => {
		emu.faults.add({ route: 'fal.status.stream', fault: { kind: 'streamMalformed', afterEvents: 1 } });
		const id = await submit();
		const stream = await openStream(streamUrl(id));
		expect(await stream.outcome).toBe('end');
		expect(stream.unparsable).toHaveLength(1);
		expect(() => JSON.parse(stream.unparsable[0])).toThrow(SyntaxError);
		expect(stream.events[stream.events.length - 1].status).toBe('COMPLETED');
		expect(stream.events.length).toBeGreaterThanOrEqual(2);

		emu.faults.add({ route: 'fal.status.stream', fault: { kind: 'streamMalformed' } });
		const official = await falClient().queue.streamStatus('fal-ai/sam-3/image', { requestId: await submit() });
		await expect(official.done()).rejects.toBeInstanceOf(SyntaxError);
	});

	it('the generic faults apply too: a 503 in fal error shape', async () => {
		emu.faults.add({ route: 'fal.status.stream', fault: { kind: 'status', status: 503 } });
		const raw = await request(streamUrl(await submit()), { headers: auth() });
		expect(raw.statusCode).toBe(503);
		expect(raw.headers['x-fal-error-type']).toBe('runner_scheduling_failure');
		await raw.body.dump();
	});

	it('stream faults are refused on other routes, body faults on the stream', () => {
		expect(() => emu.faults.add({ route: 'fal.status', fault: { kind: 'streamStall' } })).toThrow(/only to the route fal.status.stream/);
		expect(() => emu.faults.add({ route: 'fal.status.stream', fault: { kind: 'malformedJson' } })).toThrow(/streamMalformed/);
		expect(() => emu.faults.add({ route: 'fal.status.stream', fault: { kind: 'streamNotOffered', status: 500 as 404 } })).toThrow(/404 or 405/);
		expect(() => emu.faults.add({ route: 'fal.status.stream', fault: { kind: 'streamDrop' } as never })).toThrow(/afterEvents/);
	});

	it('can be armed over the HTTP controls (for out-of-process users)', async () => {
		const added = await request(`${emu.controlUrl}/faults`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ route: 'fal.status.stream', fault: { kind: 'streamNotOffered', status: 405 } }),
		});
		expect(added.statusCode).toBe(201);
		await added.body.dump();
		const raw = await request(streamUrl(await submit()), { headers: auth() });
		expect(raw.statusCode).toBe(405);
		await raw.body.dump();
		const stats = (await (await request(`${emu.controlUrl}/stats`)).body.json()) as { statusRequests: { fal: { streams: number } } };
		expect(stats.statusRequests.fal.streams).toBe(1);
	});
});
