import { z } from 'zod';
import type { ServerFlavor } from './column-default.js';
import { rowsOf, type SchemaSource } from './read-schema.js';
import { parseRows } from './rows.js';

const VERSION_SQL = 'SELECT VERSION() AS version';

/** MariaDB or MySQL, from `SELECT VERSION()` (they write information_schema differently). */
export async function readServerFlavor(db: SchemaSource): Promise<ServerFlavor> {
  const [row] = parseRows(await rowsOf(db, VERSION_SQL, []), z.object({ version: z.string() }), VERSION_SQL);
  return /mariadb/i.test(row?.version ?? '') ? 'mariadb' : 'mysql';
}
