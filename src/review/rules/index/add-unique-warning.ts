import { defineRule } from '../../define-rule.js';
import {
  createdEarlierInBatch,
  indexFragment,
  tableDdl,
  tableLabel,
  type ColumnDef,
  type IndexDef,
} from '../../ast-ddl.js';

/** A UNIQUE key on columns added by the same statement that cannot hold duplicates yet. */
function onFreshColumns(index: IndexDef, added: Map<string, ColumnDef>): boolean {
  return index.columns.every((part) => {
    const col = added.get(part.name.toLowerCase());
    return (
      col !== undefined &&
      (col.autoIncrement || (col.nullable && (col.default === null || col.default.kind === 'null')))
    );
  });
}

export const indexAddUniqueWarning = defineRule({
  id: 'index.add-unique-warning',
  severity: 'warning',
  needs: 'text',
  summary: 'adding a UNIQUE key to a table that has data',
  why:
    'If the existing rows hold duplicate values the ALTER fails after copying the table, ' +
    'and online schema-change tools (gh-ost, pt-online-schema-change) copy rows with ' +
    'INSERT IGNORE, silently dropping every duplicate row.',
  fix:
    'Check first: SELECT cols, COUNT(*) FROM t GROUP BY cols HAVING COUNT(*) > 1. Clean ' +
    'up duplicates, then add the key; tell the DBA which tool will run the change.',
  check({ stmt, batch, schema }) {
    const ddl = tableDdl(stmt);
    if (!ddl || ddl.statement === 'create-table' || !ddl.table) return [];
    if (createdEarlierInBatch(batch, stmt, ddl.table, schema)) return [];
    const added = new Map(
      ddl.actions.flatMap((a) => (a.type === 'add-column' ? [[a.column.name.toLowerCase(), a.column] as const] : [])),
    );
    return ddl.indexes
      .filter((index) => index.kind === 'unique' && !onFreshColumns(index, added))
      .map((index) => ({
        message: `Adds ${index.name ? `UNIQUE key \`${index.name}\`` : 'a UNIQUE key'} on (${index.columns.map((c) => c.name || '…').join(', ')}) to existing table ${tableLabel(ddl)}: duplicates make it fail, or get dropped by online schema-change tools.`,
        fragment: indexFragment(index),
      }));
  },
});
