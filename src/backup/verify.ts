import { plural, pluralSuffix } from '../kernel/format.js';
import { randomBytes } from 'node:crypto';
import type { Pool } from 'mysql2/promise';
import { poolCredentials } from '../execute/credentials.js';
import { messageOf } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import type { ClusterLane } from '../db/pools.js';
import { writeDefaultsFile } from './defaults-file.js';
import type { Manifest } from './manifest.js';
import { checkSetFiles, compareWithManifest, ident, restoreSchema } from './restore.js';
import { objectsSummary } from './schema-objects.js';
import type { BackupSet, BackupStore } from './store.js';

export interface VerifyDeps {
  store: BackupStore;
  pools: ClusterLane;
  installation: string;
  workDir(name: string): Promise<string>;
  removeWorkDir(name: string): Promise<void>;
  config: { backups: { threads: number } };
  now(): Date;
  logger: Logger;
  signal: AbortSignal;
}

export interface VerifyOutcome {
  passed: boolean;
  cluster: string;
  detail: string;
}

/** The throwaway schema a verification restores into (short, unique, never a user's). */
export function verifySchemaName(installation: string, setId: number, index: number): string {
  return `__dbops_v_${installation}_${setId}_${index}_${randomBytes(2).toString('hex')}`.slice(0, 64);
}

/**
 * Prove a set restores: each schema is loaded into a throwaway schema on `cluster`'s primary and
 * compared with the manifest (tables, rows, checksums where it has them); CHECKSUM TABLE of each
 * table is recorded in the manifest for later restores to compare with. The throwaway schema is
 * dropped whatever happens. The outcome is written on the set.
 */
export async function verifySet(set: BackupSet, cluster: string, deps: VerifyDeps): Promise<VerifyOutcome> {
  const manifest = set.manifest;
  if (!manifest) throw new Error(`${set.ref} has no manifest to verify against`);
  await deps.store.setVerify(set.id, 'running', { cluster });
  const db = deps.pools.primary(cluster);
  const work = `verify-${set.ref}`;
  const problems: string[] = [];
  const checked: Manifest = structuredClone(manifest);
  try {
    await checkSetFiles(
      { ...set, manifest },
      manifest.schemas.map((s) => s.name),
    );
    const defaultsFile = await writeDefaultsFile(await deps.workDir(work), 'client', poolCredentials(db));
    for (const [index, schema] of checked.schemas.entries()) {
      const into = verifySchemaName(deps.installation, set.id, index);
      try {
        await restoreSchema({
          set: { ...set, manifest },
          schema,
          into,
          db,
          defaultsFile,
          threads: deps.config.backups.threads,
          binlog: false,
          signal: deps.signal,
        });
        const compared = await compareWithManifest(db, into, schema, {
          checksums: 'all',
          threads: deps.config.backups.threads,
        });
        problems.push(...compared.problems.map((p) => `${schema.name}: ${p}`));
        for (const table of schema.tables)
          table.checksum = compared.tables.find((t) => t.name === table.name)?.checksum ?? table.checksum;
      } finally {
        await dropSchema(db, into, deps.logger);
      }
    }
  } catch (err) {
    problems.push(messageOf(err));
  } finally {
    await deps.removeWorkDir(work).catch(() => undefined);
  }
  const tables = checked.schemas.reduce((n, s) => n + s.tables.length, 0);
  const rows = checked.schemas.reduce((n, s) => n + s.tables.reduce((m, t) => m + t.rows, 0), 0);
  const objects = objectsSummary({
    views: checked.schemas.flatMap((s) => s.views),
    triggers: checked.schemas.flatMap((s) => s.triggers),
    routines: checked.schemas.flatMap((s) => s.routines),
    events: checked.schemas.flatMap((s) => s.events),
  });
  const passed = problems.length === 0;
  const rounded = checked.schemas.flatMap((s) =>
    s.tables.flatMap((t) => t.float_columns.map((c) => `${s.name}.${t.name}.${c}`)),
  );
  const floatNote =
    rounded.length > 0
      ? ` (FLOAT column${pluralSuffix(rounded.length)} ${rounded.slice(0, 5).join(', ')}${rounded.length > 5 ? ' …' : ''} ${rounded.length === 1 ? 'is' : 'are'} kept to 6 significant digits by a logical backup)`
      : '';
  const detail = passed
    ? `restored on ${cluster}: ${plural(tables, 'table')}, ${plural(rows, 'row')}${objects ? `, ${objects}` : ''}, counts equal to the manifest; checksums recorded${floatNote}`
    : `restore check on ${cluster} failed: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`;
  await deps.store.setVerify(set.id, passed ? 'passed' : 'failed', {
    cluster,
    detail,
    now: deps.now(),
    ...(passed ? { manifest: checked } : {}),
  });
  return { passed, cluster, detail };
}

async function dropSchema(db: Pool, name: string, logger: Logger): Promise<void> {
  try {
    await db.query(`DROP DATABASE IF EXISTS ${ident(name)}`);
  } catch (err) {
    logger.warn('could not drop a backup verification schema', { schema: name }, err);
  }
}
