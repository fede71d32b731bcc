/** RELIABILITY.md lists exactly the cases this suite runs: no test without its row, no row without its test. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { catalogue, tableTitles } from './catalogue';

const doc = readFileSync(join(__dirname, '..', '..', 'RELIABILITY.md'), 'utf8');

it('RELIABILITY.md has a row for every reliability test and no row without one', () => {
	const tests = catalogue();
	const rows = tableTitles(doc);
	expect(tests.length).toBeGreaterThanOrEqual(80);
	expect({ missingFromDoc: tests.filter((title) => !rows.includes(title)), rowsWithoutTest: rows.filter((row) => !tests.includes(row)) }).toEqual({
		missingFromDoc: [],
		rowsWithoutTest: [],
	});
	expect(new Set(rows).size).toBe(rows.length);
});
