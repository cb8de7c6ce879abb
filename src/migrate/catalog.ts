import { primaryFirst } from '../db/schema/order.js';
import { readSchema, type SchemaSource } from '../db/schema/read-schema.js';
import { extraFacts } from '../db/schema/rows.js';
import type { ColumnShape, IncomingForeignKey, TableShape } from '../db/schema/shape.js';
import { showCreate } from '../db/schema/show-create.js';
import type { KeyColumn, KeyLiteralKind } from './sql.js';

/** What dbops reads of a schema to copy it: base tables with their columns, copy key and size. */

/** A column as migrate copies it (the fields are db/schema's; journaled in the plan). */
export type ColumnInfo = Pick<
  ColumnShape,
  'name' | 'dataType' | 'columnType' | 'nullable' | 'charset' | 'collation'
> & {
  /** Generated (VIRTUAL/STORED/PERSISTENT, or a system-versioned ROW START/END): not copied, the destination computes it. */
  generated: boolean;
};

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
  /** Foreign keys of other tables that point at this one (read only when asked for). */
  referencedBy: IncomingForeignKey[];
}

type Queryable = SchemaSource;

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
  const { generated, rowPeriod } = extraFacts(extra);
  return generated !== null || rowPeriod !== null;
}

/**
 * The base tables (and the names of views) of a schema; `only` limits the tables read. Foreign keys
 * pointing at the tables are read when asked for (the server then looks at every foreign key it has).
 */
export async function readSchemaTables(
  db: Queryable,
  schema: string,
  only?: readonly string[],
  options: { incomingForeignKeys?: boolean } = {},
): Promise<TableInfo[]> {
  const snapshot = await readSchema(db, schema, {
    tables: only && only.length > 0 ? only : undefined,
    include: { details: true, columns: true, indexes: true, incomingForeignKeys: options.incomingForeignKeys },
  });
  return [...snapshot.tables.values()].map(toTableInfo);
}

/** A table as migrate plans it, from db/schema's shape. */
export function toTableInfo(t: TableShape): TableInfo {
  const columns = t.columns.map(toColumnInfo);
  const indexes: TableInfo['indexes'] = {};
  const prefixed = new Set<string>();
  for (const index of primaryFirst(t.indexes)) {
    indexes[index.name] = { unique: index.unique, columns: index.parts.map((p) => p.column ?? '(expression)') };
    if (index.parts.some((p) => p.subPart !== null)) prefixed.add(index.name);
  }
  return {
    name: t.name,
    type: tableType(t.type),
    engine: t.engine,
    rows: t.rows ?? 0,
    dataBytes: t.dataBytes ?? 0,
    indexBytes: t.indexBytes ?? 0,
    avgRowLength: t.avgRowLength ?? 0,
    columns,
    key: chooseKey(columns, indexes, (name) => prefixed.has(name)),
    indexes,
    autoIncrementColumn: t.columns.find((c) => c.autoIncrement)?.name ?? null,
    referencedBy: t.referencedBy,
  };
}

function toColumnInfo(c: ColumnShape): ColumnInfo {
  return {
    name: c.name,
    dataType: c.dataType,
    columnType: c.columnType,
    nullable: c.nullable,
    generated: c.generated !== null || c.rowPeriod !== null,
    charset: c.charset,
    collation: c.collation,
  };
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

/** `SHOW CREATE TABLE` text. */
export async function showCreateTable(db: Queryable, schema: string, table: string): Promise<string> {
  const create = await showCreate(db, schema, table);
  if (create === null) throw new Error(`SHOW CREATE TABLE gave no definition for ${schema}.${table}`);
  return create;
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

/** A foreign key of a table outside the copy that points at a table the copy replaces. */
export interface OutsideForeignKey {
  /** Where the key is: its table's schema and name. */
  schema: string;
  table: string;
  constraint: string;
  /** The replaced table it points at. */
  references: string;
}

/** Foreign keys that point at `tables` of `schema` from tables outside the set (they would follow the replaced table away in the swap). */
export function foreignKeysFromOutside(
  schema: string,
  tables: ReadonlyArray<Pick<TableInfo, 'name' | 'referencedBy'>>,
): OutsideForeignKey[] {
  const inSet = new Set(tables.map((t) => t.name));
  return tables
    .flatMap((t) => t.referencedBy)
    .filter((fk) => !(fk.schema === schema && inSet.has(fk.table)))
    .map((fk) => ({ schema: fk.schema, table: fk.table, constraint: fk.name, references: fk.referencedTable }));
}

/** `c.fk_c → p` (the schema only when it is not `schema`). */
export function describeOutsideKey(schema: string, fk: OutsideForeignKey): string {
  return `${fk.schema === schema ? fk.table : `${fk.schema}.${fk.table}`}.${fk.constraint} → ${fk.references}`;
}
