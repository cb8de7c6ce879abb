import { primaryFirst } from '../db/schema/order.js';
import { readSchema, type RowsSource } from '../db/schema/read-schema.js';
import type { ColumnShape, IndexShape } from '../db/schema/shape.js';
import type { TableName } from './names.js';

/** What a data-type name says about how its values are written back as SQL literals. */
export type ValueClass = 'number' | 'text' | 'binary';

/** A column as execute writes and restores it (the fields are db/schema's). */
export type ColumnInfo = Pick<
  ColumnShape,
  'name' | 'dataType' | 'columnType' | 'nullable' | 'onUpdate' | 'autoIncrement' | 'charset' | 'collation'
> & {
  /** VIRTUAL or STORED generated: never written. */
  generated: boolean;
};

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

/** The table's columns, row keys and size; null when it does not exist. */
export async function readTableInfo(db: RowsSource, table: TableName): Promise<TableInfo | null> {
  const snapshot = await readSchema(db, table.schema, {
    tables: [table.name],
    include: { details: true, columns: true, indexes: true },
  });
  const [shape] = snapshot.tables.values();
  if (!shape) return null;
  const columns = shape.columns.map(toColumnInfo);
  return {
    ...table,
    engine: shape.engine,
    bytes: (shape.dataBytes ?? 0) + (shape.indexBytes ?? 0),
    rowsEstimate: shape.rows ?? 0,
    columns,
    rowKeys: rowKeys(shape.indexes, columns),
  };
}

function toColumnInfo(c: ColumnShape): ColumnInfo {
  return {
    name: c.name,
    dataType: c.dataType,
    columnType: c.columnType,
    nullable: c.nullable,
    // Only EXTRA's `… GENERATED` (MariaDB 10.2+, MySQL); MySQL 8's DEFAULT_GENERATED column is written normally.
    generated: /\b(?:VIRTUAL|STORED|PERSISTENT) GENERATED\b/i.test(c.extra),
    onUpdate: c.onUpdate,
    autoIncrement: c.autoIncrement,
    charset: c.charset,
    collation: c.collation,
  };
}

/**
 * Triggers and incoming foreign keys, read only for an online ALTER: REFERENTIAL_CONSTRAINTS has no
 * index by referenced table, so the server looks at every foreign key it has.
 */
export async function readAlterFacts(db: RowsSource, table: TableName): Promise<AlterFacts> {
  const snapshot = await readSchema(db, table.schema, {
    tables: [table.name],
    include: { triggers: true, incomingForeignKeys: true },
  });
  const [shape] = snapshot.tables.values();
  return { triggers: shape?.triggers.map((t) => t.name) ?? [], referencedBy: shape?.referencedBy.length ?? 0 };
}

/** Unique keys that identify a row exactly: whole columns (no prefix), NOT NULL, not generated; primary first. */
function rowKeys(indexes: readonly IndexShape[], columns: ColumnInfo[]): KeyInfo[] {
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  return primaryFirst(indexes.filter((i) => i.unique))
    .filter((i) =>
      i.parts.every((p) => {
        const column = p.column === null ? undefined : byName.get(p.column.toLowerCase());
        return column && !column.nullable && !column.generated && p.subPart === null;
      }),
    )
    .map((i) => ({
      name: i.name,
      primary: i.name === 'PRIMARY',
      columns: i.parts.map((p) => byName.get((p.column ?? '').toLowerCase())?.name ?? p.column ?? '(expression)'),
    }));
}

/** Columns a copy can hold (generated ones are computed, never written). */
export function storedColumns(info: TableInfo): ColumnInfo[] {
  return info.columns.filter((c) => !c.generated);
}
