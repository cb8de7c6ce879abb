import { defineRule } from '../../define-rule.js';
import { isObject, walk } from '../../ast.js';

export const selectNoSelectAll = defineRule({
  id: 'statement.select.no-select-all',
  severity: 'warning',
  needs: 'text',
  summary: 'SELECT * should name its columns',
  why: 'SELECT * reads and sends every column, breaks when columns are added or reordered, and stops covering indexes from being used.',
  fix: 'List the columns you need: SELECT id, name FROM …',
  check({ stmt }) {
    if (!isObject(stmt.ast)) return [];
    let star: string | undefined;
    walk(stmt.ast, (node) => {
      if (star || node.type !== 'select' || !Array.isArray(node.columns)) return;
      for (const col of node.columns) {
        const expr = isObject(col) ? col.expr : undefined;
        if (isObject(expr) && expr.type === 'column_ref' && expr.column === '*') {
          star = typeof expr.table === 'string' ? `${expr.table}.*` : '*';
          return;
        }
      }
    });
    return star ? [{ message: `SELECT ${star} reads every column.`, fragment: `SELECT ${star}` }] : [];
  },
});
