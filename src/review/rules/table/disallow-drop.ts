import { defineRule } from '../../define-rule.js';
import { statementTables, tableName } from '../../ast.js';

export const tableDisallowDrop = defineRule({
  id: 'table.disallow-drop',
  severity: 'error',
  needs: 'text',
  summary: 'DROP TABLE is not allowed in a change',
  why: 'Dropping a table deletes its data and definition at once; running code that still uses it starts failing.',
  fix: 'Rename the table first (RENAME TABLE t TO t_del), wait until nothing uses it, then ask a DBA to drop it.',
  check({ stmt }) {
    if (stmt.kind !== 'drop-table') return [];
    const names = statementTables(stmt.ast).map(tableName);
    const what = names.length > 0 ? names.map((n) => `\`${n}\``).join(', ') : 'the table';
    return [{ message: `DROP TABLE would delete ${what} with all its rows.`, fragment: stmt.stripped.slice(0, 80) }];
  },
});
