import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { locate, orderByRand, selectBlocks } from '../../ast-dml.js';

export const selectOrderByRand = defineRule({
  id: 'statement.select.order-by-rand',
  severity: 'warning',
  needs: 'text',
  summary: 'ORDER BY RAND() should not be used to pick random rows',
  why:
    'ORDER BY RAND() gives every matching row a random number and sorts them all, usually ' +
    'in a temporary table on disk, just to keep a few: the cost grows with the table, not ' +
    'with the rows you want.',
  fix:
    'Pick random keys in the application (e.g. a random id between MIN(id) and MAX(id), ' +
    'then `WHERE id >= ? ORDER BY id LIMIT 1`), or keep a precomputed random column with ' +
    'an index.',
  check({ stmt }) {
    if (stmt.kind !== 'select' || !isObject(stmt.ast)) return [];
    const found = selectBlocks(stmt.ast)
      .map(orderByRand)
      .find((call) => call !== undefined);
    if (found === undefined) return [];
    return [
      {
        message: `\`ORDER BY ${found}\` sorts every matching row to pick a random few.`,
        fragment: `ORDER BY ${found}`,
        ...locate(stmt, ['ORDER', 'BY', 'RAND', '(']),
      },
    ];
  },
});
