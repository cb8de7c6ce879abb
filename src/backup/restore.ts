import { pluralSuffix } from '../kernel/format.js';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { BackupError } from './errors.js';
import type { BackupTool, Manifest, ManifestSchema } from './manifest.js';
import { compareObjects, objectNames, type ObjectNames } from './schema-objects.js';
import { fileDigest } from './set-files.js';
import { startTool } from './tool-process.js';

export const ident = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

export interface SetOnDisk {
  ref: string;
  path: string;
  tool: BackupTool;
  manifest: Manifest;
}

/**
 * Check the files of `schemas` (and the set's own metadata) against the checksums the meta
 * database holds for them; the first that differs or is missing refuses the restore, named.
 */
export async function checkSetFiles(set: SetOnDisk, schemas: string[]): Promise<number> {
  let bytes = 0;
  for (const file of set.manifest.files) {
    if (file.schema !== null && !schemas.includes(file.schema)) continue;
    const path = join(set.path, file.name);
    const found = await fileDigest(path).catch((err: unknown) => {
      throw new BackupError(
        `${set.ref} cannot be restored: its file ${file.name} is missing or unreadable (${(err as Error).message}); restore another set`,
        false,
        { cause: err },
      );
    });
    if (found.sha256 !== file.sha256 || found.bytes !== file.bytes)
      throw new BackupError(
        `${set.ref} cannot be restored: its file ${file.name} does not match its checksum (the set is damaged or was changed after it was written); restore another set`,
        false,
      );
    bytes += found.bytes;
  }
  return bytes;
}

export interface RestoreSchemaInput {
  set: SetOnDisk;
  schema: ManifestSchema;
  /** The schema to restore into (created when missing, with the source's character set). */
  into: string;
  /** The server's pool (its primary). */
  db: Pool;
  defaultsFile: string;
  threads: number;
  signal: AbortSignal;
}

/** Load one schema of a set into `into` with the tool that suits the set (mariadb for a dump, myloader for mydumper's). */
export async function restoreSchema(input: RestoreSchemaInput): Promise<void> {
  const { set, schema, into } = input;
  await input.db.query(
    `CREATE DATABASE IF NOT EXISTS ${ident(into)} CHARACTER SET ${schema.charset} COLLATE ${schema.collation}`,
  );
  if (set.tool === 'mydumper') {
    await startTool(
      'myloader',
      [
        `--defaults-file=${input.defaultsFile}`,
        '--directory',
        set.path,
        '--source-db',
        schema.name,
        '--database',
        into,
        '--threads',
        String(input.threads),
        '--overwrite-tables',
        '--verbose',
        '1',
      ],
      { signal: input.signal },
    ).done;
    return;
  }
  const file = set.manifest.files.find((f) => f.schema === schema.name);
  if (!file) throw new BackupError(`${set.ref} holds no file for schema ${schema.name}`, false);
  const tool = startTool(
    'mariadb',
    [`--defaults-file=${input.defaultsFile}`, '--binary-mode', '--batch', `--database=${into}`],
    { stdin: true, signal: input.signal },
  );
  const stdin = tool.stdin;
  if (!stdin) throw new Error('mariadb has no input stream');
  try {
    await Promise.all([pipeline(createReadStream(join(set.path, file.name)), createGunzip(), stdin), tool.done]);
  } catch (err) {
    tool.kill();
    await tool.done.catch(() => undefined);
    throw err;
  }
}

export interface Comparison {
  tables: Array<{ name: string; rows: number; checksum: string | null }>;
  /** The views, triggers, routines and events the restored schema has. */
  objects: ObjectNames;
  problems: string[];
}

/**
 * Compare a restored schema with what the manifest says: the same tables, the same rows, and, where
 * the manifest has a checksum, the same CHECKSUM TABLE, and the same views, triggers, routines and
 * events by name. Returns what it found (checksums included).
 */
export async function compareWithManifest(db: Pool, into: string, expected: ManifestSchema): Promise<Comparison> {
  const [rows] = await db.query<RowDataPacket[]>(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
    [into],
  );
  const found = rows.map((r) => String(r.name));
  const problems: string[] = [];
  const wanted = new Set(expected.tables.map((t) => t.name));
  const missing = [...wanted].filter((t) => !found.includes(t));
  const extra = found.filter((t) => !wanted.has(t));
  if (missing.length > 0) problems.push(`missing table${pluralSuffix(missing.length)} ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`table${pluralSuffix(extra.length)} not in the manifest: ${extra.join(', ')}`);
  const tables: Comparison['tables'] = [];
  for (const table of expected.tables) {
    if (!found.includes(table.name)) continue;
    const [count] = await db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${ident(into)}.${ident(table.name)}`);
    const [sum] = await db.query<RowDataPacket[]>(`CHECKSUM TABLE ${ident(into)}.${ident(table.name)}`);
    const n = Number(count[0]?.n ?? 0);
    const checksum = sum[0]?.Checksum === null || sum[0]?.Checksum === undefined ? null : String(sum[0].Checksum);
    if (n !== table.rows) problems.push(`${table.name}: ${n} rows, the manifest says ${table.rows}`);
    if (table.checksum !== null && checksum !== table.checksum)
      problems.push(`${table.name}: CHECKSUM TABLE ${checksum}, the manifest says ${table.checksum}`);
    tables.push({ name: table.name, rows: n, checksum });
  }
  const objects = await objectNames(db, into);
  problems.push(...compareObjects(expected, objects));
  return { tables, objects, problems };
}
