import { isObject } from '../../ast.js';
import { columnName, locate } from '../../ast-dml.js';
import type { CatalogColumn, CatalogTable } from '../../catalog/catalog.js';
import { findColumn } from '../../catalog/memory-catalog.js';
import { lookupTable } from '../../catalog/resolve.js';
import { defineRule } from '../../define-rule.js';
import type { FindingDraft } from '../../types.js';

export const insertNullIntoNotNull = defineRule({
  id: 'statement.insert.null-into-not-null',
  severity: 'error',
  needs: 'catalog',
  summary: 'INSERT/REPLACE must not put NULL into a NOT NULL column',
  why:
    'In strict mode the server rejects the statement (error 1048, "Column cannot be ' +
    'null"); without it, it silently stores 0 or an empty string instead, which is wrong ' +
    'data.',
  fix:
    'Give the column a real value, leave it out so its DEFAULT applies, or, if NULL is a ' +
    'legitimate value, make the column nullable in a reviewed schema change first.',
  check({ stmt, catalog, schema }) {
    if ((stmt.kind !== 'insert' && stmt.kind !== 'replace') || !catalog || !isObject(stmt.ast)) return [];
    const ast = stmt.ast;
    const ref =
      Array.isArray(ast.table) && isObject(ast.table[0]) && typeof ast.table[0].table === 'string'
        ? ast.table[0]
        : undefined;
    if (!ref) return [];
    const table = lookupTable(
      catalog,
      { db: typeof ref.db === 'string' ? ref.db : null, table: String(ref.table) },
      schema,
    );
    if (!table || table.partial) return [];
    const nulls = new Map<string, number>();
    const note = (name: string | undefined) => {
      const column = name ? findColumn(table, name) : undefined;
      if (column && refusesNull(column)) nulls.set(column.name, (nulls.get(column.name) ?? 0) + 1);
    };
    const names = columnList(ast.columns, table);
    for (const row of valueRows(ast.values))
      row.forEach((value, i) => {
        if (isNull(value)) note(names[i]);
      });
    for (const item of setItems(ast.set)) if (isNull(item.value)) note(item.column);
    const duplicate = isObject(ast.on_duplicate_update) ? setItems(ast.on_duplicate_update.set) : [];
    for (const item of duplicate) if (isNull(item.value)) note(item.column);
    const findings: FindingDraft[] = [];
    for (const [column, count] of nulls) {
      findings.push({
        message: `Column \`${column}\` of \`${table.name}\` is NOT NULL, but this ${stmt.kind.toUpperCase()} gives it NULL${count > 1 ? ` in ${count} places` : ''}.`,
        fragment: 'NULL',
        ...locate(stmt, ['NULL']),
      });
    }
    return findings;
  },
});

/** NOT NULL and no NULL-to-value conversion: AUTO_INCREMENT turns NULL into the next id; TIMESTAMP may into now() (explicit_defaults_for_timestamp off). */
function refusesNull(column: CatalogColumn): boolean {
  return !column.nullable && !column.autoIncrement && column.dataType !== 'timestamp';
}

function columnList(columns: unknown, table: CatalogTable): Array<string | undefined> {
  if (!Array.isArray(columns)) return table.columns.map((c) => c.name);
  return columns.map((c: unknown) => (typeof c === 'string' ? c : isObject(c) ? columnName(c) : undefined));
}

function valueRows(values: unknown): unknown[][] {
  const rows = isObject(values) && values.type === 'values' && Array.isArray(values.values) ? values.values : [];
  return rows.flatMap((row: unknown) => (isObject(row) && Array.isArray(row.value) ? [row.value] : []));
}

function setItems(set: unknown): Array<{ column: string; value: unknown }> {
  if (!Array.isArray(set)) return [];
  return set.flatMap((item: unknown) =>
    isObject(item) && typeof item.column === 'string' ? [{ column: item.column, value: item.value }] : [],
  );
}

function isNull(value: unknown): boolean {
  return isObject(value) && value.type === 'null';
}
