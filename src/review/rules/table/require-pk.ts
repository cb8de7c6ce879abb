import { defineRule } from '../../define-rule.js';
import { tableDdl, tableLabel } from '../../ast-ddl.js';

export const tableRequirePk = defineRule({
  id: 'table.require-pk',
  severity: 'error',
  needs: 'text',
  summary: 'every table needs a primary key',
  why: 'InnoDB without a primary key uses a hidden one: row-based replication then scans the whole table for each changed row, and rows cannot be backed up or rolled back exactly.',
  fix: 'Add a primary key, e.g. `id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY`.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl || ddl.copy) return [];
    const addsPk = ddl.indexes.some((i) => i.kind === 'primary');
    if (ddl.statement === 'create-table' && !addsPk) {
      return [
        { message: `Table ${tableLabel(ddl)} is created without a primary key.`, fragment: stmt.stripped.slice(0, 80) },
      ];
    }
    if (ddl.statement === 'alter-table' && !addsPk && ddl.actions.some((a) => a.type === 'drop-primary-key')) {
      return [
        {
          message: `This ALTER drops the primary key of ${tableLabel(ddl)} without adding a new one.`,
          fragment: 'DROP PRIMARY KEY',
        },
      ];
    }
    return [];
  },
});
