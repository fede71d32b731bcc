/**
 * The bad rows a 500-photo sheet can hold. Each case runs as row 1 of three (rows 0 and 2 are good), with the
 * node parameters reading the row by expression, as a user maps a sheet. `name` is the row title in
 * RELIABILITY.md; `field` and `valid` are what the error must say besides "item 1".
 */
import type { RigInputItem } from '../../tools/rig';
import type { Provider } from './harness';

export type RigRow = RigInputItem;

export interface BadInputCase {
	name: string;
	/** Default: both providers. */
	providers?: Provider[];
	parameters: Record<string, unknown>;
	/** Row values; `image` is replaced by the test image (URL rows: a data URI). */
	good: RigRow;
	bad: RigRow;
	field: RegExp;
	valid: RegExp;
}

const MiB = 1024 * 1024;
export const IMAGE = Symbol('test image');

const byUrl = { imageUrl: '={{ $json.url }}', prompt: 'shoe' };
const url = (value: string): BadInputCase['bad'] => ({ json: { url: value } });
const imageUrlCase = (name: string, value: string, valid = /absolute http:\/\/ or https:\/\/ URLs/): BadInputCase => ({
	name,
	parameters: byUrl,
	good: { json: { url: IMAGE as never } },
	bad: url(value),
	field: /Image URL/,
	valid,
});

const byBinary = { imageSource: 'binary', binaryPropertyName: 'data', prompt: 'shoe' };
const binaryCase = (name: string, bad: RigRow, valid: RegExp): BadInputCase => ({
	name,
	parameters: byBinary,
	good: { binary: { data: IMAGE as never } },
	bad,
	field: /Input Binary Field "data"/,
	valid,
});

/** One point from fields; its x (or y) comes from the row. */
const pointFields = (x: string) => ({ prompt: '', pointPrompts: { points: [{ x, y: '={{ $json.y }}', label: 'foreground' }] } });
const pointCase = (name: string, bad: Record<string, unknown>, valid: RegExp, field = /Point 1: /): BadInputCase => ({
	name,
	parameters: { imageUrl: IMAGE as never, ...pointFields('={{ $json.x }}') },
	good: { json: { x: 10, y: 12 } },
	bad: { json: { x: 10, y: 12, ...bad } },
	field,
	valid,
});
const pointJsonCase = (name: string, points: unknown, valid: RegExp): BadInputCase => ({
	name,
	parameters: { imageUrl: IMAGE as never, prompt: '', pointPromptsInput: 'json', pointPromptsJson: '={{ $json.points }}' },
	good: { json: { points: [{ x: 10, y: 12, label: 1 }] } },
	bad: { json: { points: points as never } },
	field: /Point Prompts \(JSON\)/,
	valid,
});
const boxCase = (name: string, box: Record<string, number>, valid: RegExp): BadInputCase => ({
	name,
	parameters: {
		imageUrl: IMAGE as never,
		prompt: '',
		boxPrompts: { boxes: [{ xMin: '={{ $json.x0 }}', yMin: '={{ $json.y0 }}', xMax: '={{ $json.x1 }}', yMax: '={{ $json.y1 }}' }] },
	},
	good: { json: { x0: 5, y0: 5, x1: 40, y1: 30 } },
	bad: { json: { x0: 5, y0: 5, x1: 40, y1: 30, ...box } },
	field: /Box 1: /,
	valid,
});
const maxMasksCase = (value: number, valid: RegExp): BadInputCase => ({
	name: `Max Masks ${value}`,
	parameters: { imageUrl: IMAGE as never, prompt: 'shoe', modelOptions: { returnMultipleMasks: true, maxMasks: '={{ $json.n }}' } },
	good: { json: { n: 2 } },
	bad: { json: { n: value } },
	field: /Max Masks/,
	valid,
});
/** A number option set by expression, from the row: what a user gets typing "2s" into Max Wait. */
const numberOptionCase = (name: string, option: string, value: unknown, field: RegExp, valid: RegExp, providers?: Provider[]): BadInputCase => ({
	name,
	providers,
	parameters: { imageUrl: IMAGE as never, prompt: 'shoe', options: { [option]: '={{ $json.v }}' } },
	good: { json: { v: option === 'maxConcurrency' ? 2 : 60 } },
	bad: { json: { v: value as never } },
	field,
	valid,
});
const metadataCase = (name: string, meta: unknown): BadInputCase => ({
	name,
	providers: ['runflowApi'],
	parameters: { imageUrl: IMAGE as never, prompt: 'shoe', options: { runMetadata: '={{ $json.meta }}' } },
	good: { json: { meta: { sku: 'A-1' } } },
	bad: { json: { meta: meta as never } },
	field: /Run Metadata/,
	valid: /JSON object/,
});
const callbackCase = (name: string, value: string): BadInputCase => ({
	name,
	parameters: { imageUrl: IMAGE as never, prompt: 'shoe', options: { callbackUrl: '={{ $json.cb }}' } },
	good: { json: { cb: '' } },
	bad: { json: { cb: value } },
	field: /Callback URL/,
	valid: /absolute URL|http\(s\) URL/,
});

const textAsPng = Buffer.from('this is a text file, not a picture\n');

export const BAD_INPUTS: BadInputCase[] = [
	imageUrlCase('Image URL empty', '', /absolute http\(s\) URL/),
	imageUrlCase('Image URL relative (/images/a.png)', '/images/a.png'),
	imageUrlCase('Image URL file:///etc/passwd', 'file:///etc/passwd'),
	imageUrlCase('Image URL javascript:alert(1)', 'javascript:alert(1)'),
	imageUrlCase('Image URL ftp://example.com/a.png', 'ftp://example.com/a.png'),
	binaryCase('binary field missing (item has "photo", node reads "data")', { binary: { photo: IMAGE as never } }, /it has "photo"/),
	binaryCase('item without any binary', { json: {} }, /connect a node that outputs a file/),
	binaryCase('text file claiming image/png', { binary: { data: { data: textAsPng, mimeType: 'image/png', fileName: 'a.png' } } }, /PNG, JPEG, WebP/),
	binaryCase('zero-byte file', { binary: { data: { data: Buffer.alloc(0), mimeType: 'image/png', fileName: 'a.png' } } }, /give an image file \(PNG, JPEG/),
	binaryCase(
		'file over the 50 MiB upload limit',
		{ binary: { data: { data: Buffer.alloc(51 * MiB), mimeType: 'image/jpeg', fileName: 'huge.jpg' } } },
		/limit is 50 MiB/,
	),
	{
		name: 'no prompt of any kind',
		parameters: { imageUrl: IMAGE as never, prompt: '={{ $json.prompt }}' },
		good: { json: { prompt: 'shoe' } },
		bad: { json: { prompt: '' } },
		field: /Text Prompt/,
		valid: /set Text Prompt, Point Prompts or Box Prompts.*"wheel"/,
	},
	pointCase('point x not a number (fields)', { x: 'abc' }, /must be a number/),
	pointCase('point x negative (fields)', { x: -5 }, /0 or more/),
	pointCase('point y fractional (fields)', { y: 12.5 }, /whole number/),
	pointJsonCase('point x not a number (JSON)', [{ x: 'left', y: 12, label: 1 }], /must be a number/),
	pointJsonCase('point y negative (JSON)', [{ x: 10, y: -1, label: 1 }], /0 or more/),
	pointJsonCase('point x fractional (JSON)', [{ x: 10.5, y: 12, label: 1 }], /whole number/),
	pointJsonCase('point label "maybe" (JSON)', [{ x: 10, y: 12, label: 'maybe' }], /"foreground" \(1\) or "background" \(0\)/),
	boxCase('box x_min > x_max', { x0: 50, x1: 10 }, /X Min must be smaller than X Max \(got 50 and 10\)/),
	boxCase('box y_min > y_max', { y0: 40, y1: 10 }, /Y Min must be smaller than Y Max/),
	boxCase('box x_min = x_max', { x0: 20, x1: 20 }, /X Min must be smaller than X Max/),
	boxCase('box negative x_min', { x0: -3 }, /0 or more/),
	maxMasksCase(0, /between 1 and 32/),
	maxMasksCase(33, /between 1 and 32/),
	maxMasksCase(2.5, /whole number/),
	{ ...maxMasksCase(0, /must be a number/), name: 'Max Masks "lots" by expression', good: { json: { n: '2' } }, bad: { json: { n: 'lots' } } },
	numberOptionCase('Max Wait "2s" by expression', 'maxWaitSeconds', '2s', /Max Wait/, /must be a number \(1 or more\).*"2s"/),
	numberOptionCase('Max Wait 0', 'maxWaitSeconds', 0, /Max Wait/, /must be 1 or more/),
	numberOptionCase('Max Concurrent Jobs "four" by expression', 'maxConcurrency', 'four', /Max Concurrent Jobs/, /must be a number \(between 1 and 100\)/),
	numberOptionCase('Max Concurrent Jobs 2.5', 'maxConcurrency', 2.5, /Max Concurrent Jobs/, /whole number/),
	numberOptionCase('Start Timeout "soon" by expression', 'startTimeoutSeconds', 'soon', /Start Timeout/, /must be a number/, ['falApi']),
	pointCase('point x NaN by expression', { x: Number.NaN }, /must be a number/),
	pointJsonCase('JSON prompts that do not parse', '[{"x": 10, "y": ', /expected an array like/),
	pointJsonCase('JSON prompts an object, not an array', { x: 10, y: 12, label: 1 }, /must be an array like.*wrap a single prompt in \[ \]/),
	pointJsonCase('JSON prompts holding a non-object', [10, 12], /must be an object like/),
	pointJsonCase('JSON prompts with an unknown key', [{ x: 10, y: 12, label: 1, radius: 4 }], /unknown key\(s\) radius; allowed: x, y, label, object_id/),
	metadataCase('Run Metadata an array', [1, 2]),
	metadataCase('Run Metadata a JSON string', '"sku A-1"'),
	metadataCase('Run Metadata invalid JSON', '{"sku": A-1}'),
	callbackCase('Callback URL ftp://', 'ftp://example.com/hook'),
	callbackCase('Callback URL javascript:', 'javascript:alert(1)'),
	callbackCase('Callback URL relative', '/webhook/abc'),
	{
		name: 'Output Format "gif" by expression',
		parameters: { imageUrl: IMAGE as never, prompt: 'shoe', modelOptions: { outputFormat: '={{ $json.format }}' } },
		good: { json: { format: 'png' } },
		bad: { json: { format: 'gif' } },
		field: /Output Format/,
		valid: /png.*jpeg.*webp/,
	},
];
