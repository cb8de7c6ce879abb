import { tableDdl } from '../../ast-ddl.js';
import { indexesWithColumn, sameName } from '../../catalog/memory-catalog.js';
import { lookupTable } from '../../catalog/resolve.js';
import { defineRule } from '../../define-rule.js';
import type { FindingDraft } from '../../types.js';

export const disallowDropInIndex = defineRule({
  id: 'column.disallow-drop-in-index',
  severity: 'warning',
  needs: 'catalog',
  summary: 'do not drop a column that an index uses',
  why:
    'Dropping a column silently changes every index that uses it: a single-column index ' +
    'disappears, and a composite one loses the column, which can change what a UNIQUE key ' +
    'allows (or make the ALTER fail on duplicates) and slow down the queries that relied ' +
    'on it.',
  fix:
    'Drop or rebuild the affected indexes explicitly in the same ALTER (so the change is ' +
    'visible in review), after checking which queries use them.',
  check({ stmt, catalog, schema }) {
    if (stmt.kind !== 'alter-table' || !catalog) return [];
    const ddl = tableDdl(stmt);
    const table = ddl?.table ? lookupTable(catalog, ddl.table, schema) : undefined;
    if (!ddl || !table || table.partial) return [];
    const droppedIndexes = ddl.actions.flatMap((a) =>
      a.type === 'drop-index' ? [a.name] : a.type === 'drop-primary-key' ? ['PRIMARY'] : [],
    );
    const findings: FindingDraft[] = [];
    for (const action of ddl.actions) {
      if (action.type !== 'drop-column') continue;
      for (const index of indexesWithColumn(table, action.name)) {
        if (droppedIndexes.some((name) => sameName(name, index.name))) continue;
        const rest = index.columns.filter((c) => !sameName(c, action.name));
        const effect =
          rest.length === 0
            ? 'which is dropped with it'
            : `which shrinks to (${rest.join(', ')})${index.unique ? ' and then enforces a different uniqueness' : ''}`;
        findings.push({
          message: `Dropping \`${action.name}\` from \`${table.name}\` changes ${index.primary ? 'the primary key' : `index \`${index.name}\``} (${index.columns.join(', ')}), ${effect}.`,
          fragment: `DROP COLUMN ${action.name}`,
        });
      }
    }
    return findings;
  },
});
