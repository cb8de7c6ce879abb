import { defineRule } from '../../define-rule.js';
import { columnFragment, tableDdl } from '../../ast-ddl.js';

export const columnNoNull = defineRule({
  id: 'column.no-null',
  severity: 'notice',
  needs: 'text',
  summary: 'columns should be NOT NULL',
  why:
    'NULL means "unknown": `col = x` and `col != x` are both false for it, COUNT(col) ' +
    'skips it, and code must handle it everywhere. Most columns have a natural empty ' +
    "value (0, '') that is simpler to work with.",
  fix:
    "Declare the column NOT NULL with a DEFAULT (e.g. `NOT NULL DEFAULT ''`), unless " +
    '"unknown" really is a different thing from empty.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.columns
      .filter((col) => col.nullable && !col.generated)
      .map((col) => ({ message: `Column \`${col.name}\` allows NULL.`, fragment: columnFragment(col) }));
  },
});
