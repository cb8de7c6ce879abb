import { formatColumnType, tableDdl, type ColumnDef } from '../../ast-ddl.js';
import { findColumn } from '../../catalog/memory-catalog.js';
import { lookupTable } from '../../catalog/resolve.js';
import { defineRule } from '../../define-rule.js';
import type { FindingDraft } from '../../types.js';

const INTEGER_WIDTH = /^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/;

export const disallowChangeType = defineRule({
  id: 'column.disallow-change-type',
  severity: 'warning',
  needs: 'catalog',
  summary: "MODIFY/CHANGE COLUMN must not change the column's type",
  why:
    "Changing a column's type rewrites the whole table (locking it or making replicas " +
    'lag), can truncate or reject existing values, and breaks application code that reads ' +
    'the old type.',
  fix:
    'Add a new column of the new type, backfill it, switch the application over, then ' +
    'drop the old column in a later change; or ask a DBA to plan the conversion.',
  check({ stmt, catalog, schema }) {
    if (stmt.kind !== 'alter-table' || !catalog) return [];
    const ddl = tableDdl(stmt);
    const table = ddl?.table ? lookupTable(catalog, ddl.table, schema) : undefined;
    if (!ddl || !table || table.partial) return [];
    const findings: FindingDraft[] = [];
    for (const action of ddl.actions) {
      if (action.type !== 'modify-column' && action.type !== 'change-column') continue;
      const name = action.type === 'change-column' ? action.from : action.column.name;
      const old = findColumn(table, name);
      if (!old) continue;
      const next = newType(action.column);
      if (normalise(old.columnType) === normalise(next)) continue;
      findings.push({
        message: `${action.type === 'change-column' ? 'CHANGE' : 'MODIFY'} changes the type of \`${old.name}\` in \`${table.name}\` from \`${old.columnType}\` to \`${next}\`.`,
        fragment: `${old.name} ${next}`,
      });
    }
    return findings;
  },
});

function newType(def: ColumnDef): string {
  return formatColumnType(def);
}

/** Types compared as the server stores them: lower-case, integer display widths ignored, no spaces after commas. */
function normalise(type: string): string {
  return type
    .toLowerCase()
    .replace(INTEGER_WIDTH, '$1')
    .replace(/^integer/, 'int')
    .replace(/,\s+/g, ',')
    .replace(/\s+/g, ' ')
    .trim();
}
