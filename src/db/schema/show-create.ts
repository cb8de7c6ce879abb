import { z } from 'zod';
import { quoteIdent } from '../meta.js';
import { rowsOf, type SchemaSource } from './read-schema.js';
import { parseRows } from './rows.js';

const CreateRow = z.looseObject({ 'Create Table': z.string().optional(), 'Create View': z.string().optional() });

/** `SHOW CREATE TABLE` of a table, or of a view its CREATE VIEW; null when the server gives neither. */
export async function showCreate(db: SchemaSource, schema: string, table: string): Promise<string | null> {
  const sql = `SHOW CREATE TABLE ${quoteIdent(schema)}.${quoteIdent(table)}`;
  const [row] = parseRows(await rowsOf(db, sql, []), CreateRow, sql);
  return row?.['Create Table'] ?? row?.['Create View'] ?? null;
}
