import { runAtMost } from '../kernel/concurrency.js';
import { pluralSuffix } from '../kernel/format.js';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { BackupError } from './errors.js';
import type { BackupTool, Manifest, ManifestSchema } from './manifest.js';
import { compareObjects, objectNames, type ObjectNames } from './schema-objects.js';
import { loadDumpInParallel } from './parallel-load.js';
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
  /**
   * Whether myloader writes the rows to the binlog (it does not by default). A restore's must reach
   * the cluster's replicas, where the swap's RENAME TABLE goes too; a verification's throwaway
   * schema need not. (mariadb, for a dump, writes them as any client does.)
   */
  binlog: boolean;
  signal: AbortSignal;
}

/**
 * Load one schema of a set into `into` with the tool that suits the set: myloader for mydumper's,
 * `threads` mariadb clients for a dump (its INSERT statements spread over them; one client reads
 * the file straight through when `threads` is 1).
 */
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
        ...(input.binlog ? ['--enable-binlog'] : []),
        '--verbose',
        '1',
      ],
      { signal: input.signal },
    ).done;
    return;
  }
  const file = set.manifest.files.find((f) => f.schema === schema.name);
  if (!file) throw new BackupError(`${set.ref} holds no file for schema ${schema.name}`, false);
  const path = join(set.path, file.name);
  const args = [`--defaults-file=${input.defaultsFile}`, '--binary-mode', '--batch', `--database=${into}`];
  if (input.threads > 1) {
    await loadDumpInParallel({
      path,
      label: `${set.ref} ${schema.name}`,
      args,
      clients: input.threads,
      signal: input.signal,
    });
    return;
  }
  const tool = startTool('mariadb', args, { stdin: true, signal: input.signal });
  const stdin = tool.stdin;
  if (!stdin) throw new Error('mariadb has no input stream');
  try {
    await Promise.all([pipeline(createReadStream(path), createGunzip(), stdin), tool.done]);
  } catch (err) {
    tool.kill();
    await tool.done.catch(() => undefined);
    throw err;
  }
}

export interface Comparison {
  /** `checksum` is null where none was taken (`checksums: 'recorded'` and the manifest has none). */
  tables: Array<{ name: string; rows: number; checksum: string | null }>;
  /** The views, triggers, routines and events the restored schema has. */
  objects: ObjectNames;
  problems: string[];
}

export interface CompareOptions {
  /**
   * `all`: CHECKSUM TABLE every table (a verification records them); `recorded`: only tables the
   * manifest has a checksum for (a restore compares with them and has no use for the others).
   */
  checksums: 'all' | 'recorded';
  /** How many of the counts and checksums run at once (each is one scan, on its own connection). */
  threads: number;
}

/**
 * Compare a restored schema with what the manifest says: the same tables, the same rows, and, where
 * the manifest has a checksum, the same CHECKSUM TABLE, and the same views, triggers, routines and
 * events by name. Returns what it found (checksums included). The counts and checksums are scans
 * independent of each other (a big table's COUNT and CHECKSUM included): they run `threads` at a time.
 */
export async function compareWithManifest(
  db: Pool,
  into: string,
  expected: ManifestSchema,
  options: CompareOptions = { checksums: 'all', threads: 1 },
): Promise<Comparison> {
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
  const present = expected.tables.filter((t) => found.includes(t.name));
  const tables: Comparison['tables'] = present.map((t) => ({ name: t.name, rows: 0, checksum: null }));
  const scans: Array<() => Promise<void>> = [];
  // The biggest tables (by the manifest's counts) first, so that a long scan does not start last.
  const bySize = [...present.keys()].sort((a, b) => present[b].rows - present[a].rows);
  for (const i of bySize) {
    const table = present[i];
    const name = `${ident(into)}.${ident(table.name)}`;
    scans.push(async () => {
      const [count] = await db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${name}`);
      tables[i].rows = Number(count[0]?.n ?? 0);
    });
    if (options.checksums === 'all' || table.checksum !== null)
      scans.push(async () => {
        const [sum] = await db.query<RowDataPacket[]>(`CHECKSUM TABLE ${name}`);
        const value = sum[0]?.Checksum;
        tables[i].checksum = value === null || value === undefined ? null : String(value);
      });
  }
  await runAtMost(Math.max(1, options.threads), scans);
  for (const [i, table] of present.entries()) {
    const { rows: n, checksum } = tables[i];
    if (n !== table.rows) problems.push(`${table.name}: ${n} rows, the manifest says ${table.rows}`);
    if (table.checksum !== null && checksum !== table.checksum)
      problems.push(`${table.name}: CHECKSUM TABLE ${checksum}, the manifest says ${table.checksum}`);
  }
  const objects = await objectNames(db, into);
  problems.push(...compareObjects(expected, objects));
  return { tables, objects, problems };
}
