import { locate } from '../../ast-dml.js';
import { defineRule } from '../../define-rule.js';
import { partitionWipes } from '../../ddl/partitions.js';
import type { FindingDraft, ReviewStatement } from '../../types.js';

export const disallowTruncate = defineRule({
  id: 'statement.disallow-truncate',
  severity: 'error',
  needs: 'text',
  summary: 'TRUNCATE (of a table or of partitions) is not allowed in a change',
  why: 'TRUNCATE deletes every row at once, cannot be rolled back and leaves no backup of what was there.',
  fix:
    'Delete the rows you mean with DELETE … WHERE (dbops backs them up first), or ask a ' +
    'DBA for an exception if the table really must be emptied.',
  check({ stmt }) {
    if (stmt.kind === 'alter-table') return truncatedPartitions(stmt);
    if (stmt.kind !== 'truncate') return [];
    return [{ message: 'TRUNCATE empties the whole table and cannot be undone.', fragment: stmt.stripped }];
  },
});

/** ALTER TABLE … TRUNCATE PARTITION p0[, p1 …| ALL]: the same loss, one partition at a time. */
function truncatedPartitions(stmt: ReviewStatement): FindingDraft[] {
  return partitionWipes(stmt)
    .filter((w) => w.verb === 'TRUNCATE')
    .map((w) => ({
      message:
        w.partitions[0] === 'ALL'
          ? '`TRUNCATE PARTITION ALL` empties every partition of the table and cannot be undone.'
          : `\`${w.text}\` empties ${w.partitions.length > 1 ? 'these partitions' : 'this partition'} and cannot be undone.`,
      fragment: w.text,
      ...locate(stmt, ['TRUNCATE', 'PARTITION']),
    }));
}
