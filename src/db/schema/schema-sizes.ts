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
