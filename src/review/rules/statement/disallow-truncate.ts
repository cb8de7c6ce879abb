import { defineRule } from '../../define-rule.js';

export const disallowTruncate = defineRule({
  id: 'statement.disallow-truncate',
  severity: 'error',
  needs: 'text',
  summary: 'TRUNCATE is not allowed in a change',
  why: 'TRUNCATE deletes every row at once, cannot be rolled back and leaves no backup of what was there.',
  fix: 'Delete the rows you mean with DELETE … WHERE (dbops backs them up first), or ask a DBA for an exception if the table really must be emptied.',
  check({ stmt }) {
    if (stmt.kind !== 'truncate') return [];
    return [
      { message: 'TRUNCATE empties the whole table and cannot be undone.', fragment: stmt.stripped.slice(0, 80) },
    ];
  },
});
