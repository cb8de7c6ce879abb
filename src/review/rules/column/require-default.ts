import { defineRule } from '../../define-rule.js';
import { columnFragment, isNoLiteralDefaultType, tableDdl } from '../../ast-ddl.js';
import { primaryColumns } from './_columns.js';

export const columnRequireDefault = defineRule({
  id: 'column.require-default',
  severity: 'notice',
  needs: 'text',
  summary: 'columns should declare a DEFAULT',
  why:
    'A written DEFAULT says what a row gets when an INSERT leaves the column out, instead ' +
    "of leaving it to NULL or to the server's implicit 0/'' depending on SQL mode.",
  fix:
    'Add an explicit DEFAULT (DEFAULT NULL for nullable columns, e.g. DEFAULT 0 or ' +
    "DEFAULT '' otherwise). Primary-key, AUTO_INCREMENT, generated and BLOB/TEXT/JSON " +
    'columns are exempt.',
  check(ctx) {
    const ddl = tableDdl(ctx.stmt);
    if (!ddl) return [];
    const primary = primaryColumns(ddl, ctx);
    return ddl.columns
      .filter((col) => col.default === null && !col.autoIncrement && !col.generated)
      .filter((col) => !primary.has(col.name.toLowerCase()) && !isNoLiteralDefaultType(col.dataType))
      .map((col) => ({ message: `Column \`${col.name}\` has no DEFAULT.`, fragment: columnFragment(col) }));
  },
});
