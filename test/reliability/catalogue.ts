/**
 * The list of cases the reliability suite runs, read from the test files themselves (TypeScript's parser): the
 * `it(...)` titles, `it.each([...literals])` expanded, provider-parameterised titles without their "(%s)", and
 * the bad-input table. RELIABILITY.md must list exactly these (doc-sync.test.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

import { BAD_INPUTS } from './bad-input-cases';

const HERE = __dirname;

function literalValues(node: ts.Expression): string[] | undefined {
	if (!ts.isArrayLiteralExpression(node)) return undefined;
	const values = node.elements.map((element) =>
		ts.isStringLiteral(element) || ts.isNoSubstitutionTemplateLiteral(element) || ts.isNumericLiteral(element) ? element.text : undefined,
	);
	return values.every((value) => value !== undefined) ? (values as string[]) : undefined;
}

function titlesOf(file: string): string[] {
	const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
	const titles: string[] = [];
	const visit = (node: ts.Node): void => {
		if (ts.isCallExpression(node) && node.arguments.length > 0) {
			const [first] = node.arguments;
			const title = ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first) ? first.text : undefined;
			const callee = node.expression;
			if (title !== undefined && ts.isIdentifier(callee) && (callee.text === 'it' || callee.text === 'test')) titles.push(title);
			if (title !== undefined && ts.isCallExpression(callee) && callee.expression.getText(source) === 'it.each') {
				const table = callee.arguments[0];
				const values = literalValues(table);
				if (values) titles.push(...values.map((value) => title.replace(/%[sid]/, value)));
				else if (table.getText(source) === 'PROVIDERS') titles.push(title.replace(/\s*\(%s\)$/, ''));
				// Any other table (the bad-input runs) is listed from its data below.
			}
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return titles;
}

export function testFiles(): string[] {
	return readdirSync(HERE)
		.filter((name) => name.endsWith('.test.ts') && name !== 'doc-sync.test.ts')
		.sort()
		.map((name) => join(HERE, name));
}

/** Every case title, once. */
export function catalogue(): string[] {
	const titles = testFiles().flatMap(titlesOf);
	return [...new Set([...titles, ...BAD_INPUTS.map((badCase) => badCase.name)])];
}

/** First-column entries of the markdown tables whose first header cell is "Case" (other tables are prose). */
export function tableTitles(markdown: string): string[] {
	const titles: string[] = [];
	let inCaseTable = false;
	for (const line of markdown.split('\n')) {
		if (!line.startsWith('|')) {
			inCaseTable = false;
			continue;
		}
		const first = line.split('|')[1]?.trim() ?? '';
		if (/^:?-+:?$/.test(first)) continue;
		if (first === 'Case') inCaseTable = true;
		else if (inCaseTable) titles.push(first);
	}
	return titles;
}
