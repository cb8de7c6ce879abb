import { defineRule } from '../../define-rule.js';
import { columnFragment, isNoLiteralDefaultType, tableDdl } from '../../ast-ddl.js';

export const columnBlobNoDefault = defineRule({
  id: 'column.blob-no-default',
  severity: 'error',
  needs: 'text',
  summary: 'no DEFAULT on BLOB, TEXT, JSON or geometry columns',
  why:
    'MySQL rejects a literal DEFAULT on BLOB, TEXT, JSON and geometry columns (MariaDB ' +
    'accepts it), so the same DDL fails on one server and works on another; expression ' +
    'defaults need MySQL 8.0.13 or later.',
  fix:
    'Remove the DEFAULT (use DEFAULT NULL or nothing) and let the application write the ' +
    'value; or use VARCHAR if the value is short.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    return ddl.columns
      .filter((col) => isNoLiteralDefaultType(col.dataType) && col.default !== null && col.default.kind !== 'null')
      .map((col) => ({
        message: `${col.dataType.toUpperCase()} column \`${col.name}\` has a DEFAULT (${col.default?.kind === 'string' ? `'${col.default.value}'` : col.default?.value}).`,
        fragment: columnFragment(col),
      }));
  },
});
