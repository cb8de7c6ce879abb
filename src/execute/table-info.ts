import { z } from 'zod';
import type { TableName } from './names.js';

/** What a data-type name says about how its values are written back as SQL literals. */
export type ValueClass = 'number' | 'text' | 'binary';

export interface ColumnInfo {
  name: string;
  /** `int`, `varchar`, `decimal`… (information_schema DATA_TYPE, lower case). */
  dataType: string;
  /** Full type as declared: `int(10) unsigned`, `enum('a','b')`, `varchar(20)`. */
  columnType: string;
  nullable: boolean;
  /** VIRTUAL or STORED generated: never written. */
  generated: boolean;
  /** `ON UPDATE CURRENT_TIMESTAMP`: an UPDATE changes it without naming it. */
  onUpdate: boolean;
  autoIncrement: boolean;
  charset: string | null;
  collation: string | null;
}

export interface KeyInfo {
  name: string;
  primary: boolean;
  columns: string[];
}

export interface TableInfo extends TableName {
  engine: string | null;
  /** Data plus indexes, bytes (information_schema estimate). */
  bytes: number;
  /** information_schema's row estimate. */
  rowsEstimate: number;
  columns: ColumnInfo[];
  /** Keys that identify one row: the primary key, then unique keys whose columns are all NOT NULL. */
  rowKeys: KeyInfo[];
}

/** What an online ALTER must know besides: triggers on the table, and foreign keys pointing at it. */
export interface AlterFacts {
  triggers: string[];
  /** Foreign keys in other tables that point at this one. */
  referencedBy: number;
}

const NUMBER_TYPES = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'integer',
  'bigint',
  'decimal',
  'numeric',
  'float',
  'double',
  'real',
  'year',
]);
const BINARY_TYPES = new Set([
  'binary',
  'varbinary',
  'tinyblob',
  'blob',
  'mediumblob',
  'longblob',
  'bit',
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
  'geomcollection',
]);

export function valueClass(dataType: string): ValueClass {
  if (NUMBER_TYPES.has(dataType)) return 'number';
  if (BINARY_TYPES.has(dataType)) return 'binary';
  return 'text';
}

const int = z.coerce.number();
const text = z.string().nullable();
const ColumnRow = z.object({
  name: z.string(),
  data_type: z.string(),
  column_type: z.string(),
  is_nullable: z.string(),
  extra: z.string().nullable(),
  charset: text,
  collation: text,
});
const KeyRow = z.object({ index_name: z.string(), column_name: z.string(), sub_part: z.unknown() });
const NameRow = z.object({ name: z.string() });
const CountRow = z.object({ n: z.coerce.number() });
const TableRow = z.object({
  engine: text,
  data_length: int.nullable(),
  index_length: int.nullable(),
  table_rows: int.nullable(),
});

interface Queryable {
  rows(sql: string, values?: unknown[]): Promise<unknown[]>;
}

/** The table's columns, row keys and size; null when it does not exist. */
export async function readTableInfo(db: Queryable, table: TableName): Promise<TableInfo | null> {
  const args = [table.schema, table.name];
  const tables = await db.rows(
    'SELECT ENGINE AS engine, DATA_LENGTH AS data_length, INDEX_LENGTH AS index_length, TABLE_ROWS AS table_rows FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    args,
  );
  if (tables.length === 0) return null;
  const t = TableRow.parse(tables[0]);
  const columns = (
    await db.rows(
      `SELECT COLUMN_NAME AS name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable, EXTRA AS extra,
              CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      args,
    )
  ).map((raw) => {
    const c = ColumnRow.parse(raw);
    const extra = c.extra ?? '';
    return {
      name: c.name,
      dataType: c.data_type.toLowerCase(),
      columnType: c.column_type,
      nullable: c.is_nullable === 'YES',
      // MySQL 8 also says DEFAULT_GENERATED for an expression default: that column is written normally.
      generated: /\b(?:VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.test(extra),
      onUpdate: /on update/i.test(extra),
      autoIncrement: /auto_increment/i.test(extra),
      charset: c.charset,
      collation: c.collation,
    } satisfies ColumnInfo;
  });
  const keyRows = (
    await db.rows(
      `SELECT INDEX_NAME AS index_name, COLUMN_NAME AS column_name, SUB_PART AS sub_part
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0
        ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX`,
      args,
    )
  ).map((raw) => KeyRow.parse(raw));
  return {
    ...table,
    engine: t.engine,
    bytes: (t.data_length ?? 0) + (t.index_length ?? 0),
    rowsEstimate: t.table_rows ?? 0,
    columns,
    rowKeys: rowKeys(keyRows, columns),
  };
}

/**
 * Triggers and incoming foreign keys, read only for an online ALTER: REFERENTIAL_CONSTRAINTS has no
 * index by referenced table, so the server looks at every foreign key it has.
 */
export async function readAlterFacts(db: Queryable, table: TableName): Promise<AlterFacts> {
  const args = [table.schema, table.name];
  const triggers = (
    await db.rows(
      'SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ?',
      args,
    )
  ).map((r) => NameRow.parse(r).name);
  const [refs] = await db.rows(
    'SELECT COUNT(*) AS n FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?',
    args,
  );
  return { triggers, referencedBy: CountRow.parse(refs ?? { n: 0 }).n };
}

/** Unique keys that identify a row exactly: whole columns (no prefix), NOT NULL, not generated; primary first. */
function rowKeys(rows: Array<z.infer<typeof KeyRow>>, columns: ColumnInfo[]): KeyInfo[] {
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const keys = new Map<string, { columns: string[]; usable: boolean }>();
  for (const row of rows) {
    const key = keys.get(row.index_name) ?? { columns: [], usable: true };
    const column = byName.get(row.column_name.toLowerCase());
    if (!column || column.nullable || column.generated || (row.sub_part !== null && row.sub_part !== undefined))
      key.usable = false;
    key.columns.push(column?.name ?? row.column_name);
    keys.set(row.index_name, key);
  }
  return [...keys.entries()]
    .filter(([, k]) => k.usable)
    .map(([name, k]) => ({ name, primary: name === 'PRIMARY', columns: k.columns }));
}

/** Columns a copy can hold (generated ones are computed, never written). */
export function storedColumns(info: TableInfo): ColumnInfo[] {
  return info.columns.filter((c) => !c.generated);
}
