import type { FieldPacket, RowDataPacket } from 'mysql2/promise';
import type { z } from 'zod';
import {
  ColumnRow,
  ForeignKeyRow,
  IncomingForeignKeyRow,
  IndexRow,
  TableRow,
  TriggerRow,
  groupForeignKeys,
  groupIndexes,
  parseRows,
  toColumn,
  toIncomingForeignKey,
  toTable,
  toTrigger,
} from './rows.js';
import type { SchemaSnapshot } from './shape.js';

/** A mysql2 pool, pool connection or connection (anything with mysql2's `query`). */
export interface QuerySource {
  query<T extends RowDataPacket[]>(sql: string, values?: unknown[]): Promise<[T, FieldPacket[]]>;
}
/** Anything that returns the rows of a query (execute's session, which turns a cancel's kill into its own error). */
export interface RowsSource {
  rows(sql: string, values?: unknown[]): Promise<unknown[]>;
}
export type SchemaSource = QuerySource | RowsSource;

export interface ReadSchemaOptions {
  /** Only these tables (every table of the schema when absent; none when empty). */
  tables?: readonly string[];
  /**
   * What to read besides each table's name and type (for which MariaDB opens no table and no view).
   * `details` (engine, collation, options, comment, row estimate, sizes, next AUTO_INCREMENT) come
   * with the names, but make the server open every table and view read; each other one is a query.
   * Incoming foreign keys make the server look at every foreign key it has (REFERENTIAL_CONSTRAINTS
   * has no index by referenced table): ask for them only when needed.
   */
  include?: {
    details?: boolean;
    columns?: boolean;
    indexes?: boolean;
    foreignKeys?: boolean;
    incomingForeignKeys?: boolean;
    triggers?: boolean;
  };
}

const DETAILS = `, ENGINE AS engine, TABLE_COLLATION AS table_collation, CREATE_OPTIONS AS create_options,
  TABLE_COMMENT AS table_comment, TABLE_ROWS AS table_rows, DATA_LENGTH AS data_length, INDEX_LENGTH AS index_length,
  DATA_FREE AS data_free, AVG_ROW_LENGTH AS avg_row_length, AUTO_INCREMENT AS auto_increment`;
const TABLES_SQL = (details: boolean, filter: string) =>
  `SELECT TABLE_NAME AS table_name, TABLE_TYPE AS table_type${details ? DETAILS : ''}
  FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?${filter} ORDER BY TABLE_NAME`;
const COLUMNS_SQL = (filter: string) =>
  `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, ORDINAL_POSITION AS ordinal_position,
  DATA_TYPE AS data_type, COLUMN_TYPE AS column_type, IS_NULLABLE AS is_nullable, COLUMN_DEFAULT AS column_default,
  EXTRA AS extra, CHARACTER_SET_NAME AS character_set_name, COLLATION_NAME AS collation_name,
  COLUMN_COMMENT AS column_comment, COLUMN_KEY AS column_key
  FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?${filter} ORDER BY TABLE_NAME, ORDINAL_POSITION`;
const INDEXES_SQL = (filter: string) =>
  `SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique, COLUMN_NAME AS column_name,
  SUB_PART AS sub_part, COLLATION AS collation, CARDINALITY AS cardinality, INDEX_TYPE AS index_type
  FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?${filter} ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`;
/** Both sides are filtered by schema (and table), so the server opens only those tables for each. */
const FOREIGN_KEYS_SQL = (filter: (column: string) => string) =>
  `SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS constraint_name, k.COLUMN_NAME AS column_name,
  k.REFERENCED_TABLE_SCHEMA AS referenced_table_schema, k.REFERENCED_TABLE_NAME AS referenced_table_name,
  k.REFERENCED_COLUMN_NAME AS referenced_column_name, r.UPDATE_RULE AS update_rule, r.DELETE_RULE AS delete_rule
  FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
    ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
  WHERE k.TABLE_SCHEMA = ?${filter('k.TABLE_NAME')} AND r.CONSTRAINT_SCHEMA = ?${filter('r.TABLE_NAME')}
    AND k.REFERENCED_TABLE_NAME IS NOT NULL
  ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;
const INCOMING_SQL = (filter: string) =>
  `SELECT CONSTRAINT_SCHEMA AS constraint_schema, TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name,
  REFERENCED_TABLE_NAME AS referenced_table_name
  FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE UNIQUE_CONSTRAINT_SCHEMA = ?${filter}
  ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME`;
const TRIGGERS_SQL = (filter: string) =>
  `SELECT TRIGGER_NAME AS trigger_name, EVENT_OBJECT_TABLE AS event_object_table,
  EVENT_MANIPULATION AS event_manipulation, ACTION_TIMING AS action_timing, ACTION_ORDER AS action_order
  FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ?${filter} ORDER BY TRIGGER_NAME`;

/**
 * Read a schema's tables (all, or the ones named) with what `include` asks for: one query per
 * information_schema table, filtered by schema and tables, however many tables there are. When no
 * table is found, nothing else is read. Never counts rows: sizes and rows are the server's estimates.
 */
export async function readSchema(
  db: SchemaSource,
  schema: string,
  options: ReadSchemaOptions = {},
): Promise<SchemaSnapshot> {
  const snapshot: SchemaSnapshot = { schema, tables: new Map(), triggers: [] };
  const only = options.tables;
  if (only?.length === 0) return snapshot;
  const include = options.include ?? {};
  const names = only ?? [];
  const filter = (column: string) => (only ? ` AND ${column} IN (${only.map(() => '?').join(', ')})` : '');
  const read = async <T extends z.ZodType>(sql: string, row: T, args: unknown[] = [schema, ...names]) =>
    parseRows(await rowsOf(db, sql, args), row, sql);

  for (const r of await read(TABLES_SQL(include.details === true, filter('TABLE_NAME')), TableRow))
    snapshot.tables.set(r.table_name, toTable(schema, r));
  if (snapshot.tables.size === 0) return snapshot;
  // Other information_schema tables may write a name in another case (lower_case_table_names=2).
  const lower = new Map([...snapshot.tables.values()].map((t) => [t.name.toLowerCase(), t]));
  const tableOf = (name: string) => snapshot.tables.get(name) ?? lower.get(name.toLowerCase());

  if (include.columns)
    for (const r of await read(COLUMNS_SQL(filter('TABLE_NAME')), ColumnRow))
      tableOf(r.table_name)?.columns.push(toColumn(r));
  if (include.indexes)
    for (const [name, indexes] of groupIndexes(await read(INDEXES_SQL(filter('TABLE_NAME')), IndexRow))) {
      const table = tableOf(name);
      if (table) table.indexes = indexes;
    }
  if (include.foreignKeys) {
    const args = [schema, ...names, schema, ...names];
    for (const [name, keys] of groupForeignKeys(await read(FOREIGN_KEYS_SQL(filter), ForeignKeyRow, args))) {
      const table = tableOf(name);
      if (table) table.foreignKeys = keys;
    }
  }
  if (include.incomingForeignKeys)
    for (const r of await read(INCOMING_SQL(filter('REFERENCED_TABLE_NAME')), IncomingForeignKeyRow))
      tableOf(r.referenced_table_name)?.referencedBy.push(toIncomingForeignKey(r));
  if (include.triggers)
    for (const r of await read(TRIGGERS_SQL(filter('EVENT_OBJECT_TABLE')), TriggerRow)) {
      const table = tableOf(r.event_object_table);
      if (!table) continue;
      const trigger = toTrigger(r);
      table.triggers.push(trigger);
      snapshot.triggers.push(trigger);
    }
  return snapshot;
}

/** The rows of a query, from either kind of source. */
export async function rowsOf(db: SchemaSource, sql: string, values: unknown[]): Promise<unknown[]> {
  if ('rows' in db) return db.rows(sql, values);
  const [rows] = await db.query<RowDataPacket[]>(sql, values);
  return rows;
}
