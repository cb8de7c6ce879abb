import { defineRule } from '../../define-rule.js';
import { droppedDatabase } from '../../ast-ddl.js';

export const databaseDisallowDrop = defineRule({
  id: 'database.disallow-drop',
  severity: 'error',
  needs: 'text',
  summary: 'DROP DATABASE is not allowed',
  why:
    'DROP DATABASE deletes every table, view and routine in the schema at once; nothing ' +
    'but a restore from backup brings them back.',
  fix:
    'Do not drop databases in a change ticket. If a schema really is retired, ask a DBA: ' +
    'they take a final backup and drop it themselves.',
  check({ stmt }) {
    if (stmt.kind !== 'drop-database') return [];
    const name = droppedDatabase(stmt);
    return [
      {
        message: `DROP DATABASE would delete ${name ? `\`${name}\`` : 'the database'} with every table in it.`,
        fragment: stmt.stripped,
      },
    ];
  },
});
