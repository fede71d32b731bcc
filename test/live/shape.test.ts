/** What the comparison calls a difference: the cases a maintainer reads in the list (shape.ts, rle-facts.ts). */
import { answerRleFacts, rleFacts, summarizeRle } from '../../tools/live/rle-facts';
import { compareShapes, formatShapeDifference, shapeOf } from '../../tools/live/shape';

const differences = (live: unknown, emulator: unknown) => compareShapes(shapeOf(live), shapeOf(emulator)).map((difference) => formatShapeDifference('result', difference));

test('a null where the emulator has a value, and a bare URL where it has a File object, are retyped fields', () => {
	expect(differences({ scores: [null], video: 'https://fal.media/x.mp4' }, { scores: [0.9], video: { url: 'https://x/y.mp4', file_size: 3 } })).toEqual([
		'result scores[]: live null, the emulator number',
		'result video: live string:url, the emulator object',
		'result video.file_size: missing live (the emulator answers number)',
		'result video.url: missing live (the emulator answers string:url)',
	]);
});

test('an empty list on either side is not a missing entry shape; the same shape passes', () => {
	expect(differences({ masks: [], boxes: [[0.1, 0.2, 0.3, 0.4]] }, { masks: [{ url: 'https://x/a.png' }], boxes: [] })).toEqual([]);
	expect(differences({ rle: ['1 2'], n: 1 }, { rle: ['5 6'], n: 2 })).toEqual([]);
});

test('a field moved to a new name with the same content is one rename; a different content is missing plus new', () => {
	expect(differences({ mask_metadata: [{ index: 0 }] }, { metadata: [{ index: 1 }] })).toEqual(['result metadata: renamed to "mask_metadata" live (same shape: array)']);
	expect(differences({ meta: 'x' }, { metadata: [{ index: 1 }] })).toEqual([
		'result meta: new live field (string), the emulator has none',
		'result metadata: missing live (the emulator answers array)',
	]);
});

test('RLE facts: base, order from the answer\'s own box, and runs past the input', () => {
	// A 4×2 block at x 2..5, y 1..2 of a 10×4 picture, 1-based row-major: starts 13 and 23.
	const box = [0.4, 0.5, 0.4, 0.5];
	expect(rleFacts('13 4 23 4', 10, 4, box)).toEqual({ format: 'start-length pairs', base: 1, ascending: true, fitsInput: true, order: 'row-major' });
	// Read column-major (4-pixel columns) the same runs cover x 3..6, y 0..3: an answer with that box is column-major.
	expect(rleFacts('13 4 23 4', 10, 4, [0.5, 0.5, 0.4, 1]).order).toBe('column-major');
	expect(rleFacts('0 3 38 5', 10, 4)).toMatchObject({ base: 0, fitsInput: false });
	expect(rleFacts('5 2 1 2', 10, 4)).toMatchObject({ ascending: false });
	expect(rleFacts('1 2 3', 10, 4).format).toBe('odd token count');
	expect(summarizeRle(answerRleFacts({ rle: ['13 4 23 4'], boxes: [box] }, 10, 4))).toEqual({ count: 1, formats: ['start-length pairs'], base: 1, ascending: true, fitsInput: true, order: 'row-major' });
});
