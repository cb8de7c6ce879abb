import { defineRule } from '../../define-rule.js';
import { droppedTables, qualified, tableDdl, tableLabel } from '../../ast-ddl.js';
import { locate } from '../../ast-dml.js';
import { partitionWipes } from '../../ddl/partitions.js';
import type { FindingDraft, ReviewStatement } from '../../types.js';

export const tableDisallowDrop = defineRule({
  id: 'table.disallow-drop',
  severity: 'error',
  needs: 'text',
  summary: 'DROP TABLE (or DROP PARTITION) is not allowed in a change',
  why:
    'Dropping a table deletes its data and definition at once, with no undo short of a ' +
    'restore from backup; running code that still uses it starts failing.',
  fix: 'Rename the table first (RENAME TABLE t TO t_del), wait until nothing uses it, then ask a DBA to drop it.',
  check({ stmt }) {
    if (stmt.kind === 'alter-table') return droppedPartitions(stmt);
    if (stmt.kind !== 'drop-table') return [];
    const names = droppedTables(stmt).map((t) => `\`${qualified(t)}\``);
    const what = names.length > 0 ? names.join(', ') : 'the table';
    return [
      {
        message: `DROP TABLE would delete ${what} with all ${names.length > 1 ? 'their' : 'its'} rows.`,
        fragment: stmt.stripped,
      },
    ];
  },
});

/** ALTER TABLE … DROP PARTITION p0[, p1 …]: the partitions' rows go with them. */
function droppedPartitions(stmt: ReviewStatement): FindingDraft[] {
  const ddl = tableDdl(stmt);
  const table = ddl ? tableLabel(ddl) : 'the table';
  return partitionWipes(stmt)
    .filter((w) => w.verb === 'DROP')
    .map((w) => ({
      message: `\`${w.text}\` would delete ${w.partitions.length > 1 ? 'these partitions' : 'this partition'} of ${table} with all ${w.partitions.length > 1 ? 'their' : 'its'} rows.`,
      fragment: w.text,
      ...locate(stmt, ['DROP', 'PARTITION']),
    }));
}
