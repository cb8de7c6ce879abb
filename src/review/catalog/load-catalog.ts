import type { FieldPacket, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { isObject, walk } from '../ast.js';
import { droppedDatabase } from '../ast-ddl.js';
import { ddlTables } from './batch.js';
import { createdDatabase, useTarget } from './names.js';
import type { ReviewStatement } from '../types.js';
import type { CatalogColumn, CatalogIndex, CatalogTable } from './catalog.js';
import { MemoryCatalog } from './memory-catalog.js';

/** Anything that runs a query: a mysql2 pool, pooled connection or connection. */
export interface Queryable {
  query<T extends RowDataPacket[]>(sql: string, values?: unknown[]): Promise<[T, FieldPacket[]]>;
}

/** A count from information_schema: mysql2 returns BIGINT as a string (bigNumberStrings). */
const Count = z
  .union([z.number(), z.string()])
  .nullable()
  .transform((v) => (v === null || v === '' ? undefined : Number(v)))
  .pipe(z.number().finite().optional());
const Text = z.string().nullable();
const YesNo = z.string().transform((v) => v.toUpperCase() === 'YES');

const SchemaRow = z.object({ schema_name: z.string() });
const TableRow = z.object({
  table_name: z.string(),
  table_type: z.string(),
  engine: Text,
  table_rows: Count,
  data_length: Count,
  index_length: Count,
  table_comment: Text,
});
const ColumnRow = z.object({
  table_name: z.string(),
  column_name: z.string(),
  data_type: z.string(),
  column_type: z.string(),
  is_nullable: YesNo,
  column_default: Text,
  extra: Text,
  character_set_name: Text,
  collation_name: Text,
  column_comment: Text,
});
const IndexRow = z.object({
  table_name: z.string(),
  index_name: z.string(),
  non_unique: Count,
  column_name: Text,
  index_type: Text,
});

const SCHEMAS_SQL = 'SELECT SCHEMA_NAME AS schema_name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)';
const TABLES_SQL = `SELECT TABLE_NAME AS table_name, TABLE_TYPE AS table_type, ENGINE AS engine, TABLE_ROWS AS table_rows,
  DATA_LENGTH AS data_length, INDEX_LENGTH AS index_length, TABLE_COMMENT AS table_comment
  FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?`;
const COLUMNS_SQL = `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type,
  IS_NULLABLE AS is_nullable, COLUMN_DEFAULT AS column_default, EXTRA AS extra, CHARACTER_SET_NAME AS character_set_name,
  COLLATION_NAME AS collation_name, COLUMN_COMMENT AS column_comment
  FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`;
const INDEXES_SQL = `SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name,
  INDEX_TYPE AS index_type
  FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`;

/**
 * Read the catalog of the given schemas: which exist, and their tables, columns, indexes, row
 * estimates and sizes. One query per information_schema table per schema, however many tables.
 */
export async function loadCatalog(db: Queryable, schemas: Iterable<string>): Promise<MemoryCatalog> {
  const wanted = [...new Set(schemas)];
  const catalog = new MemoryCatalog();
  if (wanted.length === 0) return catalog;
  const mariadb = await isMariaDb(db);
  const existing = (await rows(db, SCHEMAS_SQL, [wanted], SchemaRow)).map((r) => r.schema_name);
  for (const schema of existing) {
    catalog.addSchema(schema);
    for (const table of await loadSchema(db, schema, mariadb)) catalog.putTable(table);
  }
  return catalog;
}

async function loadSchema(db: Queryable, schema: string, mariadb: boolean): Promise<CatalogTable[]> {
  const [tableRows, columnRows, indexRows] = [
    await rows(db, TABLES_SQL, [schema], TableRow),
    await rows(db, COLUMNS_SQL, [schema], ColumnRow),
    await rows(db, INDEXES_SQL, [schema], IndexRow),
  ];
  const tables = new Map<string, CatalogTable>();
  for (const r of tableRows) {
    const view = r.table_type.toUpperCase() === 'VIEW';
    tables.set(r.table_name, {
      schema,
      name: r.table_name,
      engine: r.engine,
      columns: [],
      indexes: [],
      ...(view ? { view } : { rows: r.table_rows, dataBytes: r.data_length, indexBytes: r.index_length }),
      comment: r.table_comment ?? '',
    });
  }
  for (const r of columnRows) tables.get(r.table_name)?.columns.push(toColumn(r, mariadb));
  for (const r of indexRows) addIndexPart(tables.get(r.table_name), r);
  return [...tables.values()];
}

function toColumn(r: z.infer<typeof ColumnRow>, mariadb: boolean): CatalogColumn {
  const { value, hasDefault } = mariadb
    ? mariaDbDefault(r.column_default)
    : mysqlDefault(r.column_default, r.is_nullable);
  return {
    name: r.column_name,
    dataType: r.data_type.toLowerCase(),
    columnType: r.column_type,
    nullable: r.is_nullable,
    defaultValue: value,
    hasDefault,
    autoIncrement: /auto_increment/i.test(r.extra ?? ''),
    charset: r.character_set_name,
    collation: r.collation_name,
    comment: r.column_comment ?? '',
  };
}

/**
 * MariaDB (10.2.7+) writes COLUMN_DEFAULT as SQL: `'text'` quoted, `NULL` for DEFAULT NULL,
 * expressions as written; SQL NULL means the column has no default.
 */
function mariaDbDefault(raw: string | null): { value: string | null; hasDefault: boolean } {
  if (raw === null) return { value: null, hasDefault: false };
  if (raw === 'NULL') return { value: null, hasDefault: true };
  if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'"))
    return { value: raw.slice(1, -1).replaceAll("''", "'"), hasDefault: true };
  return { value: raw, hasDefault: true };
}

/** MySQL writes the bare value, and NULL both for DEFAULT NULL and for no default (nullable columns default to NULL). */
function mysqlDefault(raw: string | null, nullable: boolean): { value: string | null; hasDefault: boolean } {
  return { value: raw, hasDefault: raw !== null || nullable };
}

function addIndexPart(table: CatalogTable | undefined, r: z.infer<typeof IndexRow>): void {
  if (!table) return;
  let index: CatalogIndex | undefined = table.indexes.find((i) => i.name === r.index_name);
  if (!index) {
    const primary = r.index_name === 'PRIMARY';
    index = {
      name: r.index_name,
      columns: [],
      unique: primary || r.non_unique === 0,
      primary,
      type: r.index_type ?? undefined,
    };
    table.indexes.push(index);
  }
  // MySQL 8 functional key parts have no column name.
  index.columns.push(r.column_name ?? '(expression)');
}

async function isMariaDb(db: Queryable): Promise<boolean> {
  const [result] = await db.query<RowDataPacket[]>('SELECT VERSION() AS version');
  return /mariadb/i.test(String(result[0]?.version ?? ''));
}

async function rows<T extends z.ZodType>(
  db: Queryable,
  sql: string,
  params: unknown[],
  schema: T,
): Promise<Array<z.output<T>>> {
  const [result] = await db.query<RowDataPacket[]>(sql, params);
  return result.map((row, i) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success)
      throw new Error(`unexpected information_schema row ${i + 1} for "${sql.slice(0, 60)}…": ${parsed.error.message}`);
    return parsed.data;
  });
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
