import { columnDefault, type ServerFlavor } from '../../db/schema/column-default.js';
import { readSchema, type QuerySource } from '../../db/schema/read-schema.js';
import { existingSchemas } from '../../db/schema/schemata.js';
import { readServerFlavor } from '../../db/schema/server-flavor.js';
import type { ColumnShape, IndexShape, TableShape } from '../../db/schema/shape.js';
import { isObject, walk } from '../ast.js';
import { droppedDatabase } from '../ast-ddl.js';
import { ddlTables } from './batch.js';
import { createdDatabase, useTarget } from './names.js';
import type { ReviewStatement } from '../types.js';
import type { CatalogColumn, CatalogIndex, CatalogTable } from './catalog.js';
import { MemoryCatalog } from './memory-catalog.js';

/** Anything that runs a query: a mysql2 pool, pooled connection or connection. */
export type Queryable = QuerySource;

/**
 * Read the catalog of the given schemas: which exist, and their tables, columns, indexes, row
 * estimates and sizes. One query per information_schema table per schema, however many tables.
 */
export async function loadCatalog(db: Queryable, schemas: Iterable<string>): Promise<MemoryCatalog> {
  const wanted = [...new Set(schemas)];
  const catalog = new MemoryCatalog();
  if (wanted.length === 0) return catalog;
  const flavor = await readServerFlavor(db);
  for (const schema of await existingSchemas(db, wanted)) {
    catalog.addSchema(schema);
    const snapshot = await readSchema(db, schema, { include: { details: true, columns: true, indexes: true } });
    for (const table of snapshot.tables.values()) catalog.putTable(toCatalogTable(table, flavor));
  }
  return catalog;
}

function toCatalogTable(t: TableShape, flavor: ServerFlavor): CatalogTable {
  const view = t.type.toUpperCase() === 'VIEW';
  return {
    schema: t.schema,
    name: t.name,
    engine: t.engine,
    columns: t.columns.map((c) => toCatalogColumn(c, flavor)),
    indexes: t.indexes.map(toCatalogIndex),
    ...(view
      ? { view }
      : { rows: t.rows ?? undefined, dataBytes: t.dataBytes ?? undefined, indexBytes: t.indexBytes ?? undefined }),
    comment: t.comment,
  };
}

function toCatalogColumn(c: ColumnShape, flavor: ServerFlavor): CatalogColumn {
  const { value, hasDefault } = columnDefault(c, flavor);
  return {
    name: c.name,
    dataType: c.dataType,
    columnType: c.columnType,
    nullable: c.nullable,
    defaultValue: value,
    hasDefault,
    autoIncrement: c.autoIncrement,
    onUpdate: c.onUpdate,
    charset: c.charset,
    collation: c.collation,
    comment: c.comment,
  };
}

function toCatalogIndex(i: IndexShape): CatalogIndex {
  return {
    name: i.name,
    // MySQL 8 functional key parts have no column name.
    columns: i.parts.map((p) => p.column ?? '(expression)'),
    unique: i.unique,
    primary: i.primary,
    type: i.type ?? undefined,
  };
}

/**
 * Schemas a batch reads or changes: the default schema, every `schema.table` qualifier, CREATE /
 * DROP DATABASE names and USE targets. DDL is read with the token reader when the parser failed;
 * other statements the parser could not read add nothing.
 */
export function referencedSchemas(batch: readonly ReviewStatement[], defaultSchema?: string): string[] {
  const found = new Set<string>();
  if (defaultSchema) found.add(defaultSchema);
  for (const stmt of batch) {
    if (stmt.kind === 'use') {
      const name = useTarget(stmt.stripped);
      if (name) found.add(name);
      continue;
    }
    for (const ref of ddlTables(stmt)) if (ref.db) found.add(ref.db);
    const created = stmt.kind === 'create-database' ? createdDatabase(stmt) : droppedDatabase(stmt);
    if (created) found.add(created);
    if (!stmt.ast) continue;
    walk(stmt.ast, (node) => {
      if (typeof node.db === 'string' && node.db !== '' && (typeof node.table === 'string' || isObject(node.table)))
        found.add(node.db);
    });
  }
  return [...found];
}
