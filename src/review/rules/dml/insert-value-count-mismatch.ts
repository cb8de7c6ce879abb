import { defineRule } from '../../define-rule.js';
import type { FindingDraft } from '../../types.js';
import { insertShape, type InsertShape } from './_insert-shape.js';
import { plural } from '../../../kernel/format.js';

export const insertValueCountMismatch = defineRule({
  id: 'statement.insert.value-count-mismatch',
  severity: 'error',
  needs: 'text',
  summary: 'each INSERT row must have one value per column, and no column may be listed twice',
  why:
    'A row with more or fewer values than columns, or a column named twice, makes the ' +
    'server reject the whole statement ("Column count doesn\'t match value count", "Column ' +
    'specified twice"); in a multi-statement change this fails half-way.',
  fix: 'Give every row exactly one value per listed column, in the same order, and list each column once.',
  check({ stmt }) {
    const shape = insertShape(stmt);
    if (!shape) return [];
    const findings: FindingDraft[] = [];
    const twice = duplicate(shape.source === 'set' ? shape.setColumns : (shape.columns ?? []));
    if (twice) findings.push({ message: `Column \`${twice}\` is listed twice.`, fragment: twice });
    const rowProblem = shape.source === 'values' ? rowMismatch(shape) : selectMismatch(shape);
    if (rowProblem) findings.push({ message: rowProblem, fragment: stmt.stripped });
    return findings;
  },
});

function duplicate(names: string[]): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    const key = name.toLowerCase();
    if (seen.has(key)) return name;
    seen.add(key);
  }
  return undefined;
}

function rowMismatch({ columns, rows }: InsertShape): string | undefined {
  const expected = columns ? columns.length : rows[0];
  const bad = rows.map((count, i) => ({ count, row: i + 1 })).filter((r) => r.count !== expected);
  if (bad.length === 0 || expected === undefined) return undefined;
  const first = bad[0];
  const others = bad.length > 1 ? ` (${plural(bad.length, 'row')} in all)` : '';
  const against = columns ? `${plural(expected, 'column')} are listed` : `row 1 has ${expected}`;
  return `Row ${first.row} has ${plural(first.count, 'value')} but ${against}${others}.`;
}

function selectMismatch({ columns, selected }: InsertShape): string | undefined {
  if (!columns || selected === undefined || selected === columns.length) return undefined;
  return `The SELECT gives ${plural(selected, 'value')} per row but ${plural(columns.length, 'column')} are listed.`;
}
