import { defineRule } from '../../define-rule.js';
import { indexFragment, tableDdl, tableLabel, type IndexDef, type TableDdl } from '../../ast-ddl.js';
import { tableBefore } from '../../catalog/batch-state.js';
import type { CatalogIndex, CatalogTable } from '../../catalog/catalog.js';
import type { FindingDraft } from '../../types.js';

/** An index as this rule compares it: what kind of structure, and on which columns. */
interface Shape {
  label: string;
  family: 'btree' | 'fulltext' | 'spatial';
  /** Lower-cased column names, with prefix lengths when known. */
  columns: string[];
  /** From the catalog: prefix lengths unknown, so compare names only. */
  namesOnly: boolean;
}

function family(kind: IndexDef['kind'] | string): Shape['family'] {
  return kind === 'fulltext' ? 'fulltext' : kind === 'spatial' ? 'spatial' : 'btree';
}

function shapeOf(index: IndexDef): Shape | null {
  if (index.kind === 'foreign' || index.columns.length === 0 || index.columns.some((c) => c.expression)) return null;
  const label =
    index.kind === 'primary'
      ? 'the PRIMARY KEY'
      : index.name
        ? `index \`${index.name}\``
        : `the unnamed ${index.kind === 'unique' ? 'UNIQUE ' : ''}key`;
  return {
    label,
    family: family(index.kind),
    columns: index.columns.map((c) => `${c.name.toLowerCase()}${c.prefixLength !== null ? `(${c.prefixLength})` : ''}`),
    namesOnly: false,
  };
}

function shapeOfCatalog(index: CatalogIndex): Shape {
  return {
    label: index.primary ? 'the existing PRIMARY KEY' : `existing index \`${index.name}\``,
    family: family((index.type ?? '').toLowerCase()),
    columns: index.columns.map((c) => c.toLowerCase()),
    namesOnly: true,
  };
}

function same(a: Shape, b: Shape): boolean {
  if (a.family !== b.family || a.columns.length !== b.columns.length) return false;
  const strip = (c: string): string => c.replace(/\(\d+\)$/, '');
  return a.columns.every((c, i) =>
    a.namesOnly || b.namesOnly ? strip(c) === strip(b.columns[i]) : c === b.columns[i],
  );
}

/** The target table's indexes that this ALTER leaves in place (none for CREATE TABLE). */
function keptIndexes(ddl: TableDdl, table: CatalogTable | undefined): Shape[] {
  if (!table || ddl.statement === 'create-table') return [];
  const dropped = new Set<string>();
  for (const action of ddl.actions) {
    if (action.type === 'drop-index') dropped.add(action.name.toLowerCase());
    if (action.type === 'drop-primary-key') dropped.add('primary');
  }
  const added = new Set(ddl.indexes.map((i) => i.name?.toLowerCase()).filter(Boolean));
  return table.indexes
    .filter((i) => !dropped.has(i.name.toLowerCase()) && !added.has(i.name.toLowerCase()))
    .map(shapeOfCatalog);
}

export const tableNoDuplicateIndex = defineRule({
  id: 'table.no-duplicate-index',
  severity: 'warning',
  needs: 'text',
  summary: 'no two indexes on the same columns',
  why:
    'A second index on the same columns helps no query, yet every insert, update and ' +
    'delete must maintain it, and it takes disk and buffer-pool memory.',
  fix: 'Drop one of the two. Keep the UNIQUE or PRIMARY one if either is; otherwise keep the one with the better name.',
  check(ctx) {
    const ddl = tableDdl(ctx.stmt);
    if (!ddl || ddl.copy) return [];
    // The table as the target's catalog or the earlier statements of the batch left it.
    const seen = keptIndexes(ddl, tableBefore(ctx, ddl.table));
    const findings: FindingDraft[] = [];
    for (const index of ddl.indexes) {
      const shape = shapeOf(index);
      if (!shape) continue;
      const twin = seen.find((other) => same(shape, other));
      if (twin) {
        findings.push({
          message: `${shape.label[0].toUpperCase()}${shape.label.slice(1)} on ${tableLabel(ddl)} (${shape.columns.join(', ')}) duplicates ${twin.label}.`,
          fragment: indexFragment(index),
        });
      }
      seen.push(shape);
    }
    return findings;
  },
});
