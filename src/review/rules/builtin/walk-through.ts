import { checkDdl, checkDml } from '../../catalog/existence.js';
import { defineRule } from '../../define-rule.js';
import type { StatementKind } from '../../types.js';

const DML: ReadonlySet<StatementKind> = new Set(['select', 'insert', 'replace', 'update', 'delete']);

export const walkThrough = defineRule({
  id: 'builtin.walk-through',
  severity: 'error',
  needs: 'catalog',
  summary:
    'every schema, table, column and index the SQL names must exist (and what it creates ' +
    'must not), statement after statement',
  why:
    'A statement that names something missing, or creates something that already exists, ' +
    'fails when the change runs, and the statements before it in the ticket have already ' +
    'been applied. The check replays the batch in order, so a table created earlier in ' +
    'the same ticket counts as existing.',
  fix:
    'Check the names against the target (SHOW CREATE TABLE), correct typos, put ' +
    'statements in the order they depend on each other, and use IF EXISTS / IF NOT EXISTS ' +
    'only where re-running is intended.',
  check({ stmt, catalog, schema }) {
    if (!catalog) return [];
    if (DML.has(stmt.kind)) return stmt.ast ? checkDml({ stmt, catalog, schema }) : [];
    return checkDdl({ stmt, catalog, schema });
  },
});
