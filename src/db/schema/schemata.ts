import { z } from 'zod';
import { rowsOf, type SchemaSource } from './read-schema.js';
import { parseRows } from './rows.js';

const SchemaRow = z.object({ schema_name: z.string() });

/** The schemas among `names` that exist, in the server's order. */
export async function existingSchemas(db: SchemaSource, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const sql = `SELECT SCHEMA_NAME AS schema_name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (${names.map(() => '?').join(', ')})`;
  return parseRows(await rowsOf(db, sql, [...names]), SchemaRow, sql).map((r) => r.schema_name);
}

/** Every schema on the server (system ones too), by name. */
export async function schemaNames(db: SchemaSource): Promise<string[]> {
  const sql = 'SELECT SCHEMA_NAME AS schema_name FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME';
  return parseRows(await rowsOf(db, sql, []), SchemaRow, sql).map((r) => r.schema_name);
}
