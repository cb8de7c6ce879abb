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

const DefaultsRow = z.object({ charset: z.string(), collation: z.string() });
export type SchemaDefaults = z.infer<typeof DefaultsRow>;

/** A schema's default character set and collation (what `CREATE DATABASE` gave it), or null when it does not exist. */
export async function schemaDefaults(db: SchemaSource, name: string): Promise<SchemaDefaults | null> {
  const sql =
    'SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?';
  return parseRows(await rowsOf(db, sql, [name]), DefaultsRow, sql)[0] ?? null;
}
