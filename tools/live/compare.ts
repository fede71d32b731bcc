/**
 * Live recording against the emulator's, for one endpoint: every difference a maintainer must act on (on the
 * emulator, the contract or the node), and notes that need no action (headers the node never reads, statuses only
 * one side happened to pass through, log lines).
 */
import type { Exchange } from './proxy';
import { type Recording, resultOf } from './recording';
import { answerRleFacts, summarizeRle } from './rle-facts';
import { compareShapes, formatShapeDifference, type Shape, shapeOf } from './shape';

export interface Comparison {
	differences: string[];
	notes: string[];
}

/** Headers the node reads: a difference in these is a contract difference. */
const READ_HEADERS = ['content-type', 'x-fal-request-id', 'x-fal-error-type', 'x-fal-retryable', 'x-fal-request-timeout-type', 'retry-after'];
/** Paths whose shape is informative only (fal's log lines, metrics beyond inference_time). */
const NOTE_ONLY = [/^logs\[\]\./, /^metrics\.(?!inference_time$)/];

interface AnswerGroup {
	statuses: Set<number>;
	bodies: unknown[];
	headers: Set<string>;
	contentTypes: Set<string>;
}

/** Answers grouped by what they are: route, and the job status they tell (fal IN_QUEUE … / Runflow queued …). */
function groupAnswers(exchanges: Exchange[]): Map<string, AnswerGroup> {
	const groups = new Map<string, AnswerGroup>();
	const add = (key: string, body: unknown, exchange?: Exchange) => {
		const group = groups.get(key) ?? { statuses: new Set(), bodies: [], headers: new Set(), contentTypes: new Set() };
		group.bodies.push(body);
		if (exchange) {
			group.statuses.add(exchange.status);
			for (const name of Object.keys(exchange.headers)) group.headers.add(name.toLowerCase());
			const type = exchange.headers['content-type'];
			if (type) group.contentTypes.add(type.split(';')[0].trim().toLowerCase());
		}
		groups.set(key, group);
	};
	const statusOf = (body: unknown) => {
		const record = (body ?? {}) as Record<string, unknown>;
		const status = record.status ?? record.status_code;
		return typeof status === 'string' ? ` [${status}]` : '';
	};
	for (const exchange of exchanges) {
		if (exchange.events) {
			add(exchange.route, undefined, exchange);
			for (const event of exchange.events) add(`${exchange.route} event${statusOf(event)}`, event);
		} else {
			const keyed = ['fal.status', 'runflow.get', 'runflow.create'].includes(exchange.route) ? statusOf(exchange.body) : '';
			add(`${exchange.route}${keyed}`, exchange.body, exchange);
		}
	}
	return groups;
}

function unionShape(bodies: unknown[]): Shape {
	const shape: Shape = new Map();
	for (const body of bodies) if (body !== undefined) shapeOf(body, shape);
	return shape;
}

const sorted = (set: Set<string | number>) => [...set].map(String).sort().join(', ');

function compareGroups(live: Recording, emulator: Recording, out: Comparison): void {
	const liveGroups = groupAnswers(live.exchanges);
	const emulatorGroups = groupAnswers(emulator.exchanges);
	for (const [key, liveGroup] of liveGroups) {
		const emulatorGroup = emulatorGroups.get(key);
		if (!emulatorGroup) {
			out.notes.push(`${key}: answered live, not by the emulator in this run`);
			continue;
		}
		if (liveGroup.statuses.size && sorted(liveGroup.statuses) !== sorted(emulatorGroup.statuses)) {
			out.differences.push(`${key}: HTTP ${sorted(liveGroup.statuses)} live, ${sorted(emulatorGroup.statuses)} from the emulator`);
		}
		if (liveGroup.contentTypes.size && sorted(liveGroup.contentTypes) !== sorted(emulatorGroup.contentTypes)) {
			out.differences.push(`${key}: content-type ${sorted(liveGroup.contentTypes)} live, ${sorted(emulatorGroup.contentTypes) || 'none'} from the emulator`);
		}
		for (const name of READ_HEADERS) {
			if (liveGroup.headers.has(name) !== emulatorGroup.headers.has(name)) {
				out.differences.push(`${key}: header ${name} ${liveGroup.headers.has(name) ? 'sent live, not by the emulator' : 'sent by the emulator, not live'}`);
			}
		}
		const extra = [...liveGroup.headers].filter((name) => !READ_HEADERS.includes(name) && !emulatorGroup.headers.has(name));
		if (extra.length) out.notes.push(`${key}: live also sends ${extra.sort().join(', ')}`);
		for (const difference of compareShapes(unionShape(liveGroup.bodies), unionShape(emulatorGroup.bodies))) {
			const line = formatShapeDifference(key, difference);
			if (NOTE_ONLY.some((pattern) => pattern.test(difference.path))) out.notes.push(line);
			else out.differences.push(line);
		}
	}
	for (const key of emulatorGroups.keys()) if (!liveGroups.has(key)) out.notes.push(`${key}: answered by the emulator, not live in this run`);
}

function compareRle(live: Recording, emulator: Recording, out: Comparison): void {
	const facts = (recording: Recording) => summarizeRle(answerRleFacts(resultOf(recording), recording.sample.width, recording.sample.height));
	const [liveRle, emulatorRle] = [facts(live), facts(emulator)];
	if (!liveRle && !emulatorRle) return;
	if (!liveRle || !emulatorRle) {
		out.differences.push(`RLE: ${liveRle ? 'live answers RLE masks, the emulator none' : 'the emulator answers RLE masks, live none'}`);
		return;
	}
	for (const field of ['formats', 'base', 'ascending', 'fitsInput'] as const) {
		if (String(liveRle[field]) !== String(emulatorRle[field])) out.differences.push(`RLE ${field}: live ${String(liveRle[field])}, the emulator ${String(emulatorRle[field])}`);
	}
	if (liveRle.order !== 'unknown' && emulatorRle.order !== 'unknown' && liveRle.order !== emulatorRle.order) {
		out.differences.push(`RLE pixel order: live ${liveRle.order}, the emulator ${emulatorRle.order}`);
	}
	out.notes.push(`RLE live: ${liveRle.count} string(s), ${liveRle.formats.join('/')}, base ${liveRle.base}, order ${liveRle.order}`);
}

/** mask_0, mask_1 -> mask_*: the node numbers its files, how many came back is the model's business. */
const fileGroup = (name: string) => name.replace(/\d+$/, '*');

function filesOf(recording: Recording): Map<string, { types: Set<string>; sizes: Set<string> }> {
	const files = new Map<string, { types: Set<string>; sizes: Set<string> }>();
	for (const item of recording.node.items) {
		for (const [name, facts] of Object.entries(item.binary)) {
			const entry = files.get(fileGroup(name)) ?? { types: new Set(), sizes: new Set() };
			entry.types.add(facts.mimeType);
			if (facts.width && facts.height) {
				const sameAsInput = facts.width === recording.sample.width && facts.height === recording.sample.height;
				entry.sizes.add(sameAsInput ? 'the input size' : `${facts.width}×${facts.height} (input ${recording.sample.width}×${recording.sample.height})`);
			}
			files.set(fileGroup(name), entry);
		}
	}
	return files;
}

export function compareNodeOutput(live: Recording, emulator: Recording, out: Comparison): void {
	if (live.node.error) out.differences.push(`the node failed on the live answer: ${live.node.error}`);
	if (emulator.node.error) out.differences.push(`the node failed against the emulator: ${emulator.node.error}`);
	if (live.node.error || emulator.node.error) return;
	if (live.node.items.length !== emulator.node.items.length) {
		out.differences.push(`node output: ${live.node.items.length} item(s) live, ${emulator.node.items.length} from the emulator`);
	}
	const liveFiles = filesOf(live);
	const emulatorFiles = filesOf(emulator);
	for (const [name, file] of liveFiles) {
		const other = emulatorFiles.get(name);
		if (!other) {
			out.differences.push(`node output file ${name}: made live, not from the emulator's answer`);
			continue;
		}
		if (sorted(file.types) !== sorted(other.types)) out.differences.push(`node output file ${name}: ${sorted(file.types)} live, ${sorted(other.types)} from the emulator`);
		if (file.sizes.size && sorted(file.sizes) !== sorted(other.sizes)) {
			out.differences.push(`node output file ${name}: ${sorted(file.sizes)} live, ${sorted(other.sizes) || 'no picture'} from the emulator`);
		}
	}
	for (const name of emulatorFiles.keys()) if (!liveFiles.has(name)) out.differences.push(`node output file ${name}: made from the emulator's answer, not live`);
	const jsonShape = (recording: Recording) => unionShape(recording.node.items.map((item) => item.json));
	for (const difference of compareShapes(jsonShape(live), jsonShape(emulator))) out.differences.push(formatShapeDifference('node output json', difference));
}

export function compareRecordings(live: Recording, emulator: Recording): Comparison {
	const out: Comparison = { differences: [], notes: [] };
	compareNodeOutput(live, emulator, out);
	compareGroups(live, emulator, out);
	compareRle(live, emulator, out);
	return out;
}
