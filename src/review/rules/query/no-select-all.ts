import { defineRule } from '../../define-rule.js';
import { isObject } from '../../ast.js';
import { locate, selectBlocks } from '../../ast-dml.js';

export const selectNoSelectAll = defineRule({
  id: 'statement.select.no-select-all',
  severity: 'warning',
  needs: 'text',
  summary: 'SELECT * should name its columns',
  why:
    'SELECT * reads and sends every column, breaks when columns are added or reordered, ' +
    'and stops covering indexes from being used.',
  fix: 'List the columns you need: SELECT id, name FROM …',
  check({ stmt }) {
    if (!isObject(stmt.ast)) return [];
    for (const block of selectBlocks(stmt.ast)) {
      if (!Array.isArray(block.columns)) continue;
      for (const col of block.columns) {
        const expr = isObject(col) ? col.expr : undefined;
        if (!isObject(expr) || expr.type !== 'column_ref' || expr.column !== '*') continue;
        const star = typeof expr.table === 'string' ? `${expr.table}.*` : '*';
        // A bare * comes right after SELECT; searching for `*` alone could land in a comment.
        const parts = typeof expr.table === 'string' ? [expr.table, '.', '*'] : ['SELECT', '*'];
        return [{ message: `SELECT ${star} reads every column.`, fragment: `SELECT ${star}`, ...locate(stmt, parts) }];
      }
    }
    return [];
  },
});
