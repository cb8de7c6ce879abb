import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { locate, orderByRand, selectBlocks } from '../../ast-dml.js';

export const insertDisallowOrderByRand = defineRule({
  id: 'statement.insert.disallow-order-by-rand',
  severity: 'warning',
  needs: 'text',
  summary: 'INSERT … SELECT must not use ORDER BY RAND()',
  why:
    'ORDER BY RAND() picks different rows each time it runs: a replica using ' +
    'statement-based replication, a re-run or a review of the change will not see the ' +
    'rows that were actually copied. It also sorts every candidate row in a temporary ' +
    'table.',
  fix:
    'Choose the rows to copy by a deterministic condition (e.g. a key range or `ORDER BY ' +
    'id`), or pick random ids in the application and insert those.',
  check({ stmt }) {
    if ((stmt.kind !== 'insert' && stmt.kind !== 'replace') || !isObject(stmt.ast) || !isObject(stmt.ast.values))
      return [];
    const found = selectBlocks(stmt.ast.values)
      .map(orderByRand)
      .find((call) => call !== undefined);
    if (found === undefined) return [];
    return [
      {
        message: `\`${stmt.kind.toUpperCase()} … SELECT … ORDER BY ${found}\` copies a different set of rows each time it runs.`,
        fragment: `ORDER BY ${found}`,
        ...locate(stmt, ['ORDER', 'BY', 'RAND', '(']),
      },
    ];
  },
});
