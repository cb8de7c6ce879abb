import { plural } from '../kernel/format.js';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { poolCredentials } from '../execute/credentials.js';
import { messageOf } from '../kernel/errors.js';
import { writeDefaultsFile } from './defaults-file.js';
import { BackupError } from './errors.js';
import { checkSetFiles, compareWithManifest, ident, restoreSchema } from './restore.js';
import { createObjects, dropObjects, objectsSummary, readObjects } from './schema-objects.js';
import type { BackupStore } from './store.js';

export interface RestorePlanItem {
  /** The schema in the set. */
  from: string;
  /** Where it goes on the destination cluster. */
  to: string;
}

export interface RestoreRunDeps {
  store: BackupStore;
  /** The destination cluster's primary (the jobs' lane). */
  db: Pool;
  threads: number;
  /** `<installation>_T<ticket>`: names the staging schemas so a retry finds and replaces its own. */
  runId: string;
  workDir(): Promise<string>;
  signal: AbortSignal;
  progress(fraction: number, message: string): Promise<void>;
  milestone(text: string): Promise<void>;
  /** Journaled steps of the ticket (the runner's). */
  step<T>(name: string, options: { idempotent: boolean }, run: () => Promise<T>): Promise<T>;
}

export interface RestoreResult {
  schemas: Array<{ from: string; to: string; tables: number; rows: number; replaced: number; objects: string }>;
}

/** Where a schema is loaded before it replaces the destination (`__dbops_r_<run>_<n>`). */
export function stagingSchema(runId: string, index: number, role: 'r' | 'o'): string {
  return `__dbops_${role}_${runId}_${index}`.slice(0, 64);
}

/**
 * Restore schemas of a good set: the files are checked against their checksums first (a damaged
 * file refuses the whole restore, named); each schema is loaded into a staging schema, compared
 * with the manifest (tables, rows, CHECKSUM TABLE where the set's verification recorded them),
 * and only then swapped into the destination with one RENAME TABLE — the destination's old tables
 * go to a side schema that is dropped afterwards. A failure leaves the destination as it was.
 */
export async function runRestore(setId: number, plan: RestorePlanItem[], deps: RestoreRunDeps): Promise<RestoreResult> {
  const set = await deps.store.get(setId);
  if (!set?.manifest) throw new BackupError(`B-${setId} does not exist (any more)`, false);
  if (set.state !== 'good')
    throw new BackupError(`${set.ref} is ${set.state}: only a good set can be restored (see /dbops backups)`, false);
  const manifest = set.manifest;
  const onDisk = { ref: set.ref, path: set.path, tool: set.tool, manifest };
  await deps.step('check files', { idempotent: true }, async () => {
    await deps.progress(0.02, `checking the files of ${set.ref} against their checksums`);
    return checkSetFiles(
      onDisk,
      plan.map((p) => p.from),
    );
  });
  const defaultsFile = await writeDefaultsFile(await deps.workDir(), 'client', poolCredentials(deps.db));
  const result: RestoreResult = { schemas: [] };
  for (const [index, item] of plan.entries()) {
    const schema = manifest.schemas.find((s) => s.name === item.from);
    if (!schema) throw new BackupError(`${set.ref} holds no schema ${item.from}`, false);
    const done = await deps.step(`restore ${item.to}`, { idempotent: true }, async () => {
      const staging = stagingSchema(deps.runId, index, 'r');
      const aside = stagingSchema(deps.runId, index, 'o');
      await deps.db.query(`DROP DATABASE IF EXISTS ${ident(staging)}`);
      await deps.progress(
        (index + 0.1) / plan.length,
        `loading ${item.from} of ${set.ref} (${schema.tables.length} tables) into a staging schema`,
      );
      try {
        await restoreSchema({
          set: onDisk,
          schema,
          into: staging,
          db: deps.db,
          defaultsFile,
          threads: deps.threads,
          binlog: true,
          signal: deps.signal,
        });
        const compared = await compareWithManifest(deps.db, staging, schema, {
          checksums: 'recorded',
          threads: deps.threads,
        });
        if (compared.problems.length > 0)
          throw new BackupError(
            `${item.from} of ${set.ref} did not restore as its manifest says: ${compared.problems.slice(0, 5).join('; ')}; the destination was not touched`,
            false,
          );
        await deps.progress((index + 0.8) / plan.length, `swapping ${item.to} in`);
        const replaced = await swapIn(deps.db, staging, item.to, aside, schema);
        const rows = compared.tables.reduce((n, t) => n + t.rows, 0);
        const objects = objectsSummary(compared.objects);
        return { from: item.from, to: item.to, tables: compared.tables.length, rows, replaced, objects };
      } finally {
        await deps.db.query(`DROP DATABASE IF EXISTS ${ident(staging)}`).catch(() => undefined);
        await deps.db.query(`DROP DATABASE IF EXISTS ${ident(aside)}`).catch(() => undefined);
      }
    });
    result.schemas.push(done);
    await deps.milestone(
      `\`${item.to}\` restored from ${set.ref}: ${plural(done.tables, 'table')}, ${plural(done.rows, 'row')}${done.objects ? `, ${done.objects}` : ''}, equal to the manifest${done.replaced > 0 ? ` (${plural(done.replaced, 'table')} that ${done.replaced === 1 ? 'was' : 'were'} there replaced)` : ''}`,
    );
  }
  return result;
}

/**
 * Move the staged tables into `to` in one RENAME TABLE: every table `to` has now goes to `aside`
 * first (then dropped with it), so `to` ends up holding exactly the set's tables; then `to`'s old
 * views, triggers, routines and events make way for the set's (read from the staging schema, so
 * they name `to`'s tables once created there). A table with triggers cannot move between schemas,
 * so triggers are taken off first; when the RENAME fails, `to`'s own come back. Returns how many
 * tables were replaced.
 */
async function swapIn(
  db: Pool,
  staging: string,
  to: string,
  aside: string,
  schema: { charset: string; collation: string; tables: Array<{ name: string }> },
): Promise<number> {
  await db.query(
    `CREATE DATABASE IF NOT EXISTS ${ident(to)} CHARACTER SET ${schema.charset} COLLATE ${schema.collation}`,
  );
  await db.query(`CREATE DATABASE IF NOT EXISTS ${ident(aside)}`);
  const conn = await db.getConnection();
  try {
    const staged = await readObjects(conn, staging);
    const present = await readObjects(conn, to);
    const [existing] = await conn.query<RowDataPacket[]>(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE <> 'VIEW'",
      [to],
    );
    const old = existing.map((t) => String(t.name));
    const renames = [
      ...old.map((t) => `${ident(to)}.${ident(t)} TO ${ident(aside)}.${ident(t)}`),
      ...schema.tables.map((t) => `${ident(staging)}.${ident(t.name)} TO ${ident(to)}.${ident(t.name)}`),
    ];
    const inTheWay = present.filter((o) => o.kind === 'VIEW' || o.kind === 'TRIGGER');
    await dropObjects(
      conn,
      staging,
      staged.filter((o) => o.kind === 'TRIGGER'),
    );
    await dropObjects(conn, to, inTheWay);
    try {
      await conn.query('SET SESSION foreign_key_checks = 0');
      if (renames.length > 0) await conn.query(`RENAME TABLE ${renames.join(', ')}`);
    } catch (err) {
      await createObjects(conn, to, inTheWay).catch(() => undefined);
      throw new BackupError(
        `could not swap the restored tables into ${to}: ${messageOf(err)}; ${to} was left as it was`,
        false,
        { cause: err },
      );
    }
    await dropObjects(
      conn,
      to,
      present.filter((o) => !inTheWay.includes(o)),
    );
    await createObjects(conn, to, staged);
    return old.length;
  } finally {
    conn.destroy();
  }
}
