import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import type { KeyColumn, KeyLiteralKind } from './sql.js';
import { qualified } from './sql.js';

/** What dbops reads of a schema to copy it: base tables with their columns, copy key and size. */

export interface ColumnInfo {
  name: string;
  dataType: string;
  columnType: string;
  nullable: boolean;
  /** Generated (VIRTUAL/STORED/PERSISTENT): not copied, the destination computes it. */
  generated: boolean;
  charset: string | null;
  collation: string | null;
}

export interface TableInfo {
  name: string;
  type: 'BASE TABLE' | 'VIEW' | 'SYSTEM VIEW' | 'SEQUENCE' | 'SYSTEM VERSIONED' | 'TEMPORARY';
  engine: string | null;
  /** information_schema's estimates. */
  rows: number;
  dataBytes: number;
  indexBytes: number;
  avgRowLength: number;
  columns: ColumnInfo[];
  /** The key chunks are cut on: the primary key, else a unique key over NOT NULL columns; null = none usable. */
  key: { index: string; columns: KeyColumn[] } | null;
  /** Indexes by name (PRIMARY included), columns in order. */
  indexes: Record<string, { unique: boolean; columns: string[] }>;
  autoIncrementColumn: string | null;
}

const int = z.coerce.number().int();
const str = z.string();
const nstr = z.string().nullable();

const TableRow = z.object({
  name: str,
  type: str,
  engine: nstr,
  rows: int.nullable(),
  data: int.nullable(),
  idx: int.nullable(),
  avg: int.nullable(),
});
const ColumnRow = z.object({ tbl: str, name: str, dt: str, ct: str, nullable: str, extra: str, cs: nstr, coll: nstr });
const IndexRow = z.object({ tbl: str, idx: str, non_unique: int, col: str, sub_part: int.nullable() });

type Queryable = Pick<Pool, 'query'> | Pick<PoolConnection, 'query'>;

const INT_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'decimal', 'numeric']);
const TEMPORAL_TYPES = new Set(['date', 'datetime', 'timestamp', 'time', 'year']);
const STRING_TYPES = new Set(['char', 'varchar']);
const BINARY_TYPES = new Set(['binary', 'varbinary']);

/** How a column can serve as a chunk key, or null when chunking on it is unsafe (floats, enums, BLOBs…). */
export function keyKind(column: ColumnInfo): KeyLiteralKind | null {
  const type = column.dataType.toLowerCase();
  if (INT_TYPES.has(type)) return 'number';
  if (TEMPORAL_TYPES.has(type)) return 'temporal';
  if (STRING_TYPES.has(type)) return column.charset ? 'string' : 'binary';
  if (BINARY_TYPES.has(type)) return 'binary';
  return null;
}

/**
 * Generated per information_schema.COLUMNS.EXTRA (`VIRTUAL GENERATED`, `STORED GENERATED`, MariaDB's
 * `PERSISTENT`, and a system-versioned table's `ROW START`/`ROW END`); not `DEFAULT_GENERATED`.
 */
export function isGeneratedExtra(extra: string): boolean {
  return /(^|\s)(VIRTUAL|STORED|PERSISTENT)(\s|$)|\bROW (START|END)\b/i.test(extra);
}

/** The base tables (and the names of views) of a schema; `only` limits the tables read. */
export async function readSchemaTables(db: Queryable, schema: string, only?: readonly string[]): Promise<TableInfo[]> {
  const filter = only && only.length > 0 ? ` AND TABLE_NAME IN (${only.map(() => '?').join(', ')})` : '';
  const args = [schema, ...(only ?? [])];
  const [tables] = await db.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine, TABLE_ROWS AS \`rows\`, DATA_LENGTH AS data, INDEX_LENGTH AS idx, AVG_ROW_LENGTH AS avg
       FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?${filter} ORDER BY TABLE_NAME`,
    args,
  );
  const [columns] = await db.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS tbl, COLUMN_NAME AS name, DATA_TYPE AS dt, COLUMN_TYPE AS ct, IS_NULLABLE AS nullable, EXTRA AS extra,
            CHARACTER_SET_NAME AS cs, COLLATION_NAME AS coll
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?${filter} ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    args,
  );
  const [indexes] = await db.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS tbl, INDEX_NAME AS idx, NON_UNIQUE AS non_unique, COLUMN_NAME AS col, SUB_PART AS sub_part
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?${filter} ORDER BY TABLE_NAME, INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX`,
    args,
  );
  const columnsOf = new Map<string, ColumnInfo[]>();
  const autoInc = new Map<string, string>();
  for (const raw of columns) {
    const c = ColumnRow.parse(raw);
    const list = columnsOf.get(c.tbl) ?? [];
    list.push({
      name: c.name,
      dataType: c.dt,
      columnType: c.ct,
      nullable: c.nullable === 'YES',
      generated: isGeneratedExtra(c.extra),
      charset: c.cs,
      collation: c.coll,
    });
    columnsOf.set(c.tbl, list);
    if (/auto_increment/i.test(c.extra)) autoInc.set(c.tbl, c.name);
  }
  const indexesOf = new Map<string, TableInfo['indexes']>();
  const prefixed = new Set<string>();
  for (const raw of indexes) {
    const i = IndexRow.parse(raw);
    const byName = indexesOf.get(i.tbl) ?? {};
    const entry = (byName[i.idx] ??= { unique: i.non_unique === 0, columns: [] });
    entry.columns.push(i.col);
    if (i.sub_part !== null) prefixed.add(`${i.tbl}\u0000${i.idx}`);
    indexesOf.set(i.tbl, byName);
  }
  return tables.map((raw) => {
    const t = TableRow.parse(raw);
    const cols = columnsOf.get(t.name) ?? [];
    const idx = indexesOf.get(t.name) ?? {};
    return {
      name: t.name,
      type: tableType(t.type),
      engine: t.engine,
      rows: t.rows ?? 0,
      dataBytes: t.data ?? 0,
      indexBytes: t.idx ?? 0,
      avgRowLength: t.avg ?? 0,
      columns: cols,
      key: chooseKey(cols, idx, (name) => prefixed.has(`${t.name}\u0000${name}`)),
      indexes: idx,
      autoIncrementColumn: autoInc.get(t.name) ?? null,
    };
  });
}

function tableType(type: string): TableInfo['type'] {
  const known = ['BASE TABLE', 'VIEW', 'SYSTEM VIEW', 'SEQUENCE', 'SYSTEM VERSIONED', 'TEMPORARY'] as const;
  return known.find((k) => k === type) ?? 'BASE TABLE';
}

/** The primary key, else the first unique key over NOT NULL, whole (not prefix) columns of chunkable types. */
function chooseKey(
  columns: ColumnInfo[],
  indexes: TableInfo['indexes'],
  isPrefix: (index: string) => boolean,
): TableInfo['key'] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const candidates = Object.entries(indexes)
    .filter(([, i]) => i.unique)
    .sort(([a], [b]) => (a === 'PRIMARY' ? -1 : b === 'PRIMARY' ? 1 : 0));
  for (const [name, index] of candidates) {
    if (isPrefix(name)) continue;
    const keyColumns: KeyColumn[] = [];
    for (const columnName of index.columns) {
      const column = byName.get(columnName);
      const kind = column ? keyKind(column) : null;
      if (!column || !kind || column.nullable || column.generated) break;
      keyColumns.push({ name: column.name, kind, charset: column.charset, collation: column.collation });
    }
    if (keyColumns.length === index.columns.length) return { index: name, columns: keyColumns };
  }
  return null;
}

/** Schemas that exist among `names`. */
export async function existingSchemas(db: Queryable, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${names.map(() => '?').join(', ')})`,
    [...names],
  );
  return new Set(rows.map((r) => z.object({ name: str }).parse(r).name));
}

/** Every schema name on the server (for "did you mean"). */
export async function schemaNames(db: Queryable): Promise<string[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME',
  );
  return rows.map((r) => z.object({ name: str }).parse(r).name);
}

/** `SHOW CREATE TABLE` text. */
export async function showCreateTable(db: Queryable, schema: string, table: string): Promise<string> {
  const [rows] = await db.query<RowDataPacket[]>(`SHOW CREATE TABLE ${qualified(schema, table)}`);
  return z.object({ 'Create Table': str }).parse(rows[0])['Create Table'];
}

/** The columns dbops copies: every column but generated ones. */
export function copiedColumns(table: Pick<TableInfo, 'columns'>): ColumnInfo[] {
  return table.columns.filter((c) => !c.generated);
}

/** A table's shape for comparing a leftover staging table with its source: names, types, nullability, charsets. */
export function columnSignature(columns: readonly ColumnInfo[]): string {
  return columns
    .map((c) =>
      [
        c.name,
        c.columnType,
        c.nullable ? 'null' : 'not null',
        c.generated ? 'generated' : '',
        c.charset ?? '',
        c.collation ?? '',
      ].join(' '),
    )
    .join('\n');
}

/** Foreign keys that point at `tables` of `schema` from tables outside the set (they would dangle after a swap). */
export async function referencingForeignKeys(
  db: Queryable,
  schema: string,
  tables: readonly string[],
): Promise<Array<{ table: string; constraint: string; references: string }>> {
  if (tables.length === 0) return [];
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT CONSTRAINT_SCHEMA AS db, TABLE_NAME AS tbl, CONSTRAINT_NAME AS name, REFERENCED_TABLE_NAME AS ref
       FROM information_schema.REFERENTIAL_CONSTRAINTS
      WHERE UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME IN (${tables.map(() => '?').join(', ')})`,
    [schema, ...tables],
  );
  const inSet = new Set(tables);
  return rows
    .map((r) => z.object({ db: str, tbl: str, name: str, ref: str }).parse(r))
    .filter((r) => !(r.db === schema && inSet.has(r.tbl)))
    .map((r) => ({ table: r.db === schema ? r.tbl : `${r.db}.${r.tbl}`, constraint: r.name, references: r.ref }));
}
