/**
 * A provider's answer may be odd: keep what is valid, name what is not, and never act on a field that is missing
 * (no submit with "undefined", no poll of /runs/undefined, no result read from a submit answer).
 */
import type { IDataObject } from 'n8n-workflow';

import { solidImage } from '../support/images';
import { PROVIDERS, ROUTES, expectErrorItem, expectMasks, logOf, runSam3, segment, smallImage, useEmulator } from './harness';

const emulator = useEmulator();

type Body = Record<string, unknown> & { masks: IDataObject[]; metadata?: IDataObject[] };

const ODD_FIELDS: Record<string, { body: (body: Body) => unknown; check: (mask: IDataObject) => void }> = {
	'scores ["0.9"]': { body: (body) => ({ ...body, scores: ['0.9'] }), check: (mask) => expect(mask.score).toBe(0.9) },
	'scores [null]': { body: (body) => ({ ...body, scores: [null] }), check: (mask) => expect(mask.score).toBeUndefined() },
	'a 3-number box': { body: (body) => ({ ...body, boxes: [[0.5, 0.5, 0.2]] }), check: (mask) => expect(mask.box).toBeUndefined() },
	'metadata.index "0"': { body: (body) => ({ ...body, metadata: [{ index: '0', score: 0.8 }] }), check: (mask) => expect(mask.score).toBe(0.8) },
	'width "8"': {
		body: (body) => ({ ...body, masks: body.masks.map((mask) => ({ ...mask, width: '8' })) }),
		check: (mask) => expect(mask.width).toBe(8),
	},
};

describe('odd result fields', () => {
	it.each(['scores ["0.9"]', 'scores [null]', 'a 3-number box', 'metadata.index "0"', 'width "8"'])(
		'odd optional field %s in a result: coerced or dropped, the masks are kept',
		async (name) => {
			const odd = ODD_FIELDS[name];
			emulator().jobs.script({ resultBody: (body: unknown) => odd.body(body as Body) });
			const result = await segment(emulator(), 'falApi');
			expectMasks(result.items[0], 0);
			odd.check((result.items[0].json.masks as IDataObject[])[0]);
		},
	);

	it.each(PROVIDERS)('a result without masks: error item with provider, stage and request id (%s)', async (provider) => {
		emulator().jobs.script({ resultBody: provider === 'falApi' ? { image: null } : { model_data: {} } });
		const result = await segment(emulator(), provider);
		const error = expectErrorItem(result.items[0], 0, { stage: 'result', errorType: 'unexpected_output', requestId: emulator().jobs.list()[0].id });
		expect(error.provider).toBe(ROUTES[provider].label);
		expect(String(error.message)).toMatch(/masks is missing/);
	});

	it('a mask whose bytes are JPEG but served as image/png: stored as image/jpeg, .jpg', async () => {
		const jpegUrl = emulator().hostImage(await solidImage(16, 16, 'jpeg'), 'image/png', 'mask.png');
		emulator().jobs.script({ resultBody: (body: unknown) => ({ ...(body as Body), masks: [{ url: jpegUrl, content_type: 'image/png' }] }) });
		const result = await segment(emulator(), 'falApi');
		expectMasks(result.items[0], 0);
		const file = result.items[0].binary!.mask_0;
		expect(file.mimeType).toBe('image/jpeg');
		expect(file.fileName).toMatch(/\.jpg$/);
		expect((result.items[0].json.masks as IDataObject[])[0].mimeType).toBe('image/jpeg');
	});
});

describe('answers missing what the next request needs', () => {
	it('fal queue submit without request_id: the x-fal-request-id header is used, the job completes', async () => {
		emulator().faults.add({ route: 'fal.submit', fault: { kind: 'rewrite', omit: ['request_id'] } });
		const result = await segment(emulator(), 'falApi');
		expectMasks(result.items[0], 0);
		expect(result.items[0].json.requestId).toBe(emulator().jobs.list()[0].id);
	});

	it('fal queue submit without request_id or header: a clear error, never read as a result', async () => {
		emulator().faults.add({ route: 'fal.submit', fault: { kind: 'rewrite', omit: ['request_id'], omitHeaders: ['x-fal-request-id'] } });
		const result = await segment(emulator(), 'falApi');
		expectErrorItem(result.items[0], 0, { stage: 'submit', errorType: 'malformed_response', message: /has no request_id/ });
		expect(logOf(emulator(), 'fal.submit')).toHaveLength(1);
		expect(logOf(emulator(), 'fal.status')).toHaveLength(0);
	});

	it('Runflow create answer without id: a clear error, no poll of /v1/runs/undefined', async () => {
		emulator().faults.add({ route: 'runflow.create', fault: { kind: 'rewrite', omit: ['id'] } });
		const result = await segment(emulator(), 'runflowApi');
		expectErrorItem(result.items[0], 0, { stage: 'submit', errorType: 'malformed_response', message: /has no run id/ });
		expect(logOf(emulator(), 'runflow.create')).toHaveLength(1);
		expect(emulator().requests.filter((entry) => entry.url.includes('undefined'))).toHaveLength(0);
	});

	it.each(['.', '..', '../../fal-ai/other', 'a/b', 'id?x=1', 'id#frag', 'id%2F..', 'two words', ' lead'])(
		'a submit answer whose job id is "%s": refused before any URL is built from it, the error says the job may exist',
		async (badId) => {
			for (const provider of PROVIDERS) {
				emulator().reset();
				const field = provider === 'falApi' ? 'request_id' : 'id';
				emulator().faults.add({ route: ROUTES[provider].submit, fault: { kind: 'rewrite', set: { [field]: badId } } });
				const result = await segment(emulator(), provider);
				const error = expectErrorItem(result.items[0], 0, { stage: 'submit', errorType: 'malformed_response', message: /is not a plain id; it was not used/ });
				expect(String(error.description)).toMatch(/may have started the job.*neither follow nor cancel/);
				expect(error.requestId).toBeUndefined();
				// One submit, and nothing after it: no status, result or cancel request under any path.
				expect(emulator().requests.filter((entry) => entry.vhost !== 'files').map((entry) => entry.route)).toEqual([ROUTES[provider].submit]);
			}
		},
	);

	it('a fal sync answer whose x-fal-request-id is not an id: the masks kept, the id left out', async () => {
		emulator().faults.add({ route: 'fal.sync', fault: { kind: 'rewrite', setHeaders: { 'x-fal-request-id': '../../other' } } });
		const result = await segment(emulator(), 'falApi', { parameters: { falMode: 'sync' } });
		expectMasks(result.items[0], 0);
		// As when fal.run sends no id at all: empty.
		expect(result.items[0].json.requestId).toBe('');
		expect(logOf(emulator(), 'fal.sync')).toHaveLength(1);
	});

	it.each(['', 'warming_up'])('Runflow status "%s": keeps waiting, the run completes', async (status) => {
		emulator().faults.add({ route: 'runflow.get', times: 2, fault: { kind: 'rewrite', set: { status_code: status } } });
		const result = await segment(emulator(), 'runflowApi');
		expectMasks(result.items[0], 0);
		expect(logOf(emulator(), 'runflow.get').length).toBeGreaterThanOrEqual(3);
	});

	it('Runflow run succeeded with output null: a clear error, not 0 masks', async () => {
		emulator().jobs.script({ resultBody: null });
		const result = await segment(emulator(), 'runflowApi');
		expectErrorItem(result.items[0], 0, { errorType: 'missing_output', message: /succeeded without an output/, requestId: emulator().jobs.list()[0].id });
	});

	it('fal upload initiate answering {}: a clear error naming the upload, no submit, not retried', async () => {
		emulator().faults.add({ route: 'fal.upload.initiate', fault: { kind: 'rewrite', body: {} } });
		const result = await runSam3(emulator(), {
			continueOnFail: true,
			parameters: { imageSource: 'binary', prompt: 'shoe', options: { uploadMode: 'upload' } },
			items: [{ binary: { data: { data: await smallImage(), mimeType: 'image/jpeg', fileName: 'photo.jpg' } } }],
		});
		expectErrorItem(result.items[0], 0, { stage: 'upload', errorType: 'malformed_response', message: /upload answer has no upload_url for "photo\.jpg"/ });
		expect(logOf(emulator(), 'fal.upload.initiate')).toHaveLength(1);
		expect(logOf(emulator(), 'fal.submit')).toHaveLength(0);
	});

	it('fal 422 names the rejected field: error.field is the last element of detail[].loc', async () => {
		const detail = [{ loc: ['body', 'image_url'], msg: 'Could not load the image', type: 'image_load_error' }];
		emulator().faults.add({ route: 'fal.submit', fault: { kind: 'status', status: 422, body: { detail } } });
		const result = await segment(emulator(), 'falApi');
		const error = expectErrorItem(result.items[0], 0, { httpCode: 422, stage: 'submit', message: /image_url: Could not load the image/ });
		expect(error.field).toBe('image_url');
	});
});
