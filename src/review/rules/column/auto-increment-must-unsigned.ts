import { defineRule } from '../../define-rule.js';
import { columnFragment, isIntegerType, tableDdl } from '../../ast-ddl.js';

export const columnAutoIncrementMustUnsigned = defineRule({
  id: 'column.auto-increment-must-unsigned',
  severity: 'warning',
  needs: 'text',
  summary: 'AUTO_INCREMENT columns should be UNSIGNED',
  why:
    'Generated ids are never negative, so a signed column wastes half its range: a signed ' +
    'INT runs out at 2,147,483,647 and inserts then fail with a duplicate-key error.',
  fix: 'Add UNSIGNED to the column (and prefer BIGINT for tables that may grow large).',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.columns
      .filter((col) => col.autoIncrement && isIntegerType(col.dataType) && !col.unsigned)
      .map((col) => ({
        message: `AUTO_INCREMENT column \`${col.name}\` is a signed ${col.dataType.toUpperCase()}.`,
        fragment: columnFragment(col),
      }));
  },
});
