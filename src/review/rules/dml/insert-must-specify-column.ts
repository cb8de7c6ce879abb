import { defineRule } from '../../define-rule.js';
import { locate } from '../../ast-dml.js';
import { insertShape } from './_insert-shape.js';

export const insertMustSpecifyColumn = defineRule({
  id: 'statement.insert.must-specify-column',
  severity: 'warning',
  needs: 'text',
  summary: 'INSERT and REPLACE should list their columns',
  why:
    'Without a column list the values go to the columns by position: the statement ' +
    'breaks, or silently writes values into the wrong columns, as soon as a column is ' +
    'added, dropped or reordered, and a reader cannot tell which value is which.',
  fix: "Name the columns: `INSERT INTO t (id, name) VALUES (1, 'a')` (or `INSERT INTO t (id, name) SELECT …`).",
  check({ stmt }) {
    const shape = insertShape(stmt);
    if (!shape || shape.columns || (shape.source !== 'values' && shape.source !== 'select')) return [];
    const table = shape.table ? ` INTO \`${shape.table}\`` : '';
    const what = shape.source === 'values' ? 'values' : 'selected values';
    return [
      {
        message: `${shape.verb}${table} has no column list: the ${what} fill the table's columns by position.`,
        fragment: stmt.stripped,
        ...(shape.table ? locate(stmt, [shape.table]) : {}),
      },
    ];
  },
});
