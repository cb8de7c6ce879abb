import { defineRule } from '../../define-rule.js';
import { droppedTables, qualified } from '../../ast-ddl.js';

export const tableDisallowDrop = defineRule({
  id: 'table.disallow-drop',
  severity: 'error',
  needs: 'text',
  summary: 'DROP TABLE is not allowed in a change',
  why: 'Dropping a table deletes its data and definition at once, with no undo short of a restore from backup; running code that still uses it starts failing.',
  fix: 'Rename the table first (RENAME TABLE t TO t_del), wait until nothing uses it, then ask a DBA to drop it.',
  check({ stmt }) {
    if (stmt.kind !== 'drop-table') return [];
    const names = droppedTables(stmt).map((t) => `\`${qualified(t)}\``);
    const what = names.length > 0 ? names.join(', ') : 'the table';
    return [
      {
        message: `DROP TABLE would delete ${what} with all ${names.length > 1 ? 'their' : 'its'} rows.`,
        fragment: stmt.stripped.slice(0, 80),
      },
    ];
  },
});
