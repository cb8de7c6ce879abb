import { z } from 'zod';
import { rowsOf, type SchemaSource } from './read-schema.js';
import { parseRows } from './rows.js';

const SizeRow = z.looseObject({ name: z.string(), bytes: z.coerce.number() });
const SIZES_SQL = `SELECT table_schema AS name, COALESCE(SUM(data_length + index_length), 0) AS bytes FROM information_schema.TABLES
     WHERE table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') GROUP BY table_schema`;

/** Size (data + indexes) of every user schema: one query, summed by the server (it opens every table). */
export async function readSchemaSizes(db: SchemaSource): Promise<Array<{ schema: string; bytes: number }>> {
  return parseRows(await rowsOf(db, SIZES_SQL, []), SizeRow, SIZES_SQL).map((r) => ({
    schema: r.name,
    bytes: r.bytes,
  }));
}

/** A base table's sizes, as information_schema estimates them. */
export interface TableSize {
  schema: string;
  table: string;
  rows: number | null;
  dataBytes: number;
  indexBytes: number;
  /** Allocated but unused (data_free): what OPTIMIZE TABLE could give back. */
  freeBytes: number;
}

const TableSizeRow = z.looseObject({
  db: z.string(),
  name: z.string(),
  rows: z.coerce.number().nullable(),
  data: z.coerce.number().nullable(),
  idx: z.coerce.number().nullable(),
  free: z.coerce.number().nullable(),
});
const TABLE_SIZES_SQL = `SELECT table_schema AS db, table_name AS name, table_rows AS \`rows\`, data_length AS data, index_length AS idx,
  data_free AS free FROM information_schema.TABLES WHERE table_type = 'BASE TABLE'
  AND table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')`;

/** Every user base table's sizes (or one schema's), in one query. */
export async function readTableSizes(db: SchemaSource, schema?: string): Promise<TableSize[]> {
  const sql = schema === undefined ? TABLE_SIZES_SQL : `${TABLE_SIZES_SQL} AND table_schema = ?`;
  return parseRows(await rowsOf(db, sql, schema === undefined ? [] : [schema]), TableSizeRow, sql).map((r) => ({
    schema: r.db,
    table: r.name,
    rows: r.rows,
    dataBytes: r.data ?? 0,
    indexBytes: r.idx ?? 0,
    freeBytes: r.free ?? 0,
  }));
}

/** Schema sizes (data + indexes) summed from their tables' (what readSchemaSizes asks the server for). */
export function schemaSizesOf(tables: readonly TableSize[]): Array<{ schema: string; bytes: number }> {
  const sums = new Map<string, number>();
  for (const t of tables) sums.set(t.schema, (sums.get(t.schema) ?? 0) + t.dataBytes + t.indexBytes);
  return [...sums].map(([schema, bytes]) => ({ schema, bytes }));
}
