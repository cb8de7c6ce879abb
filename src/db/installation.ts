import { randomInt } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';

/**
 * The installation id: a short random id created with the meta database (migration 008 makes its
 * table, the first process to start writes the one row). Everything dbops writes outside its meta
 * database carries it — Redis keys and job ids, backup tables, the execution log, staging tables,
 * lock names — so two installations sharing a Redis or a server, or a meta database re-created from
 * scratch, never take each other's state for their own.
 *
 * A letter, then digits and lowercase letters (no i, l, o, u): short enough for table names, never
 * read as a number, the same whatever `lower_case_table_names` is.
 */
export const InstallationId = z.string().regex(/^[a-z][0-9a-z]{7,11}$/, 'expected a dbops installation id');
export type InstallationId = z.infer<typeof InstallationId>;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LETTERS = ALPHABET.slice(10);
const LENGTH = 10;

/** A fresh id: 10 characters, about 49 bits of randomness. */
export function newInstallationId(): InstallationId {
  let id = LETTERS[randomInt(LETTERS.length)];
  while (id.length < LENGTH) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

/**
 * This meta database's installation id, created on first use. Processes starting together agree:
 * the row is keyed by a constant, so only the first INSERT lands and everyone reads that one.
 */
export async function ensureInstallation(meta: Pool): Promise<InstallationId> {
  await meta.query('INSERT IGNORE INTO installation (singleton, id, created_at) VALUES (1, ?, UTC_TIMESTAMP(3))', [
    newInstallationId(),
  ]);
  const [rows] = await meta.query<RowDataPacket[]>('SELECT id FROM installation WHERE singleton = 1');
  const parsed = InstallationId.safeParse(rows[0]?.id);
  if (!parsed.success)
    throw new Error(
      `the meta database's installation id (table \`installation\`) is ${rows[0] ? `'${String(rows[0].id)}', which is not a valid id` : 'missing'}; restore the row from a backup of the meta database`,
    );
  return parsed.data;
}
