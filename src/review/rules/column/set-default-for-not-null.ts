import { defineRule } from '../../define-rule.js';
import { columnFragment, isNoLiteralDefaultType, tableDdl } from '../../ast-ddl.js';
import { primaryColumns } from './_columns.js';

export const columnSetDefaultForNotNull = defineRule({
  id: 'column.set-default-for-not-null',
  severity: 'warning',
  needs: 'text',
  summary: 'NOT NULL columns need a DEFAULT',
  why:
    'An INSERT that does not name a NOT NULL column without a default fails in strict ' +
    "mode (or silently stores 0 or '' otherwise) — including every INSERT in code written " +
    'before the column existed.',
  fix:
    'Add a DEFAULT that fits the column, e.g. `NOT NULL DEFAULT 0` or `NOT NULL DEFAULT ' +
    "''`. Primary-key, AUTO_INCREMENT and BLOB/TEXT/JSON columns are exempt.",
  check(ctx) {
    const ddl = tableDdl(ctx.stmt);
    if (!ddl) return [];
    const primary = primaryColumns(ddl, ctx);
    return ddl.columns
      .filter((col) => !col.nullable && col.default === null && !col.autoIncrement && !col.generated)
      .filter((col) => !primary.has(col.name.toLowerCase()) && !isNoLiteralDefaultType(col.dataType))
      .map((col) => ({
        message: `Column \`${col.name}\` is NOT NULL but has no DEFAULT.`,
        fragment: columnFragment(col),
      }));
  },
});
