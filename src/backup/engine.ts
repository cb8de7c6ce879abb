import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { DbopsConfig } from '../config/schema.js';
import type { InstallationId } from '../db/installation.js';
import type { ClusterLane } from '../db/pools.js';
import { endpointName } from '../db/connection-options.js';
import { poolCredentials } from '../execute/credentials.js';
import { messageOf } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { writeDefaultsFile } from './defaults-file.js';
import type { DumpInput, DumpOutput } from './dump-types.js';
import { BackupBusy, BackupError, isDiskFull } from './errors.js';
import {
  type BackupTool,
  type Manifest,
  type ManifestSchema,
  manifestTotals,
  SERVER_SCHEMAS,
  setRef,
} from './manifest.js';
import { dumpWithMariadbDump } from './mariadb-dump.js';
import { dumpWithMydumper } from './mydumper.js';
import { ident } from './restore.js';
import { objectNames } from './schema-objects.js';
import { createSetFile, type CreateFile } from './set-files.js';
import type { BackupSet, BackupStore, BackupTrigger } from './store.js';
import { toolInstalled } from './tool-process.js';
import { verifySet, type VerifyOutcome } from './verify.js';

export interface BackupEngineDeps {
  config: Pick<DbopsConfig, 'clusters' | 'backups' | 'execution'>;
  store: BackupStore;
  /** The meta database: the per-cluster lock that keeps backups of a cluster one at a time. */
  meta: Pool;
  /** The jobs' lane of the cluster pools. */
  pools: ClusterLane;
  installation: InstallationId;
  /** A private 0700 directory for the option file (the process's runtime directory). */
  workDir(name: string): Promise<string>;
  removeWorkDir(name: string): Promise<void>;
  worker: string;
  now(): Date;
  logger: Logger;
  /** Tests: open the set's files another way (a full disk). */
  createFile?: CreateFile;
  /** Tests: which tools are there (default: look for mydumper on PATH once). */
  mydumperInstalled?: () => Promise<boolean>;
}

export interface BackupRequest {
  cluster: string;
  trigger: BackupTrigger;
  requestedBy: string | null;
  /** Which try of the run this is (1, then the retries). */
  attempt: number;
  signal: AbortSignal;
}

export interface BackupOutcome {
  set: BackupSet;
  verify: VerifyOutcome | null;
  removed: string[];
}

/** Where a cluster's sets live: `<dir>/<installation>/<cluster>/B-<id>`. */
export function setPath(dir: string, installation: string, cluster: string, id: number): string {
  return join(dir, installation, cluster, setRef(id));
}

/**
 * One backup run of a cluster: takes the cluster's backup lock (one run at a time across every
 * worker; a worker that dies loses it with its connection), fails what a dead run left, writes the
 * set with mydumper or mariadb-dump from the replica (else the primary), its manifest, marks it
 * good only then (fenced by the run's token), verifies it by restoring it where `verify_on` says,
 * and removes the good sets beyond `keep`. A failure removes the set's files and records why.
 */
export async function runBackup(request: BackupRequest, deps: BackupEngineDeps): Promise<BackupOutcome> {
  const { cluster } = request;
  const settings = deps.pools.cluster(cluster);
  const dir = deps.config.backups.dir;
  if (!dir) throw new BackupError('backups.dir is not set in dbops.yml: there is nowhere to write backup sets', false);
  const lock = await takeLock(deps, cluster);
  try {
    await failDeadRuns(cluster, deps);
    const tool = await chooseTool(deps);
    const sourceEndpoint = settings.replicas[0] ?? settings.primary;
    const source = deps.pools.replicaOrPrimary(cluster);
    const token = randomBytes(16).toString('hex');
    const set = await deps.store.create({
      cluster,
      trigger: request.trigger,
      requestedBy: request.requestedBy,
      attempt: request.attempt,
      runToken: token,
      worker: deps.worker,
      tool,
      source: endpointName(sourceEndpoint),
      pathOf: (id) => setPath(dir, deps.installation, cluster, id),
      now: deps.now(),
    });
    const work = `backup-${set.ref}`;
    try {
      const manifest = await writeSet(set, tool, source, request, deps, work);
      const totals = manifestTotals(manifest);
      if (!(await deps.store.finishGood(set.id, token, manifest, totals, deps.now())))
        throw new BackupError(`${set.ref} was taken over by another run before it finished`, true);
      deps.logger.info('backup set written', { set: set.ref, cluster, tool, ...totals });
    } catch (err) {
      await rm(set.path, { recursive: true, force: true }).catch(() => undefined);
      const reason = explain(err, set);
      await deps.store.finishFailed(set.id, reason.message, deps.now());
      throw reason;
    } finally {
      await deps.removeWorkDir(work).catch(() => undefined);
    }
    const good = (await deps.store.get(set.id)) ?? set;
    const verifyOn = settings.backup?.verify_on;
    const verify = verifyOn ? await verifySet(good, verifyOn, { ...deps, signal: request.signal }) : null;
    const removed = await applyRetention(cluster, settings.backup?.keep ?? 7, deps);
    return { set: (await deps.store.get(set.id)) ?? good, verify, removed };
  } finally {
    await releaseLock(lock);
  }
}

async function writeSet(
  set: BackupSet,
  tool: BackupTool,
  source: Pool,
  request: BackupRequest,
  deps: BackupEngineDeps,
  work: string,
): Promise<Manifest> {
  const settings = deps.pools.cluster(set.cluster);
  let schemas: ManifestSchema[];
  let binlogOn: boolean;
  try {
    schemas = await readSchemas(source, settings.backup?.schemas ?? null, deps.config.execution.backup_schema);
    const [rows] = await source.query<RowDataPacket[]>('SELECT @@log_bin AS log_bin');
    binlogOn = Number(rows[0]?.log_bin ?? 0) === 1;
  } catch (err) {
    throw new BackupError(`cannot read ${set.cluster}'s schemas at ${set.source}: ${messageOf(err)}`, true, {
      cause: err,
    });
  }
  if (schemas.length === 0)
    throw new BackupError(`${set.cluster} has no schema to back up (backup.schemas names none that exist)`, false);
  await mkdir(set.path, { recursive: true, mode: 0o700 });
  const defaultsFile = await writeDefaultsFile(await deps.workDir(work), 'client', poolCredentials(source));
  const input: DumpInput = {
    dir: set.path,
    schemas: schemas.map((s) => s.name),
    defaultsFile,
    binlog: binlogOn,
    routines: schemas.some((s) => s.routines.length > 0),
    events: schemas.some((s) => s.events.length > 0),
    threads: deps.config.backups.threads,
    signal: request.signal,
    createFile: deps.createFile ?? createSetFile,
  };
  const dumped: DumpOutput = tool === 'mydumper' ? await dumpWithMydumper(input) : await dumpWithMariadbDump(input);
  const manifest: Manifest = {
    format: 1,
    set: set.ref,
    installation: deps.installation,
    cluster: set.cluster,
    source: set.source,
    tool,
    started_at: set.startedAt.toISOString(),
    finished_at: deps.now().toISOString(),
    binlog: dumped.binlog,
    schemas: schemas.map((s) => ({
      ...s,
      tables: s.tables.map((t) => ({ ...t, rows: dumped.rows.get(s.name)?.get(t.name) ?? 0 })),
    })),
    files: dumped.files,
  };
  await writeFile(join(set.path, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

/** Schemas to back up with their tables (base tables), views, triggers, routines and events; system schemas, dbops' own and throwaway ones never. */
async function readSchemas(db: Pool, only: string[] | null, backupSchema: string): Promise<ManifestSchema[]> {
  const [schemata] = await db.query<RowDataPacket[]>(
    'SELECT SCHEMA_NAME AS name, DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME',
  );
  const picked = schemata.filter((s) => {
    const name = String(s.name);
    if (only) return only.includes(name);
    return !SERVER_SCHEMAS.includes(name) && name !== backupSchema && !name.startsWith('__dbops');
  });
  const out: ManifestSchema[] = [];
  for (const s of picked) {
    const [tables] = await db.query<RowDataPacket[]>(
      'SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
      [s.name],
    );
    const [floats] = await db.query<RowDataPacket[]>(
      "SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND DATA_TYPE = 'float' ORDER BY ORDINAL_POSITION",
      [s.name],
    );
    const floatsOf = (table: string) => floats.filter((f) => String(f.t) === table).map((f) => String(f.c));
    out.push({
      name: String(s.name),
      charset: String(s.charset),
      collation: String(s.collation),
      tables: tables
        .filter((t) => t.type === 'BASE TABLE')
        .map((t) => ({ name: String(t.name), rows: 0, checksum: null, float_columns: floatsOf(String(t.name)) })),
      ...(await objectNames(db, String(s.name))),
    });
  }
  return out;
}

async function chooseTool(deps: BackupEngineDeps): Promise<BackupTool> {
  const wanted = deps.config.backups.tool;
  if (wanted !== 'auto') return wanted;
  const installed = deps.mydumperInstalled ?? (() => toolInstalled('mydumper'));
  return (await installed()) ? 'mydumper' : 'mariadb-dump';
}

/** The error a failed run reports: a full disk and a vanished source said plainly, with what to do. */
function explain(err: unknown, set: BackupSet): BackupError {
  if (isDiskFull(err))
    return new BackupError(
      `${set.ref} of ${set.cluster} failed: the disk under backups.dir is full (${messageOf(err)}); the partial set was removed. Free space or point backups.dir elsewhere`,
      false,
      { cause: err },
    );
  if (err instanceof BackupError) return err;
  if (err instanceof Error && err.name === 'AbortError')
    return new BackupError(`${set.ref} of ${set.cluster} was stopped; the partial set was removed`, true, {
      cause: err,
    });
  return new BackupError(`${set.ref} of ${set.cluster} failed: ${messageOf(err)}; the partial set was removed`, true, {
    cause: err,
  });
}

/** Keep the newest `keep` good sets; remove the files of the others and mark them removed. */
async function applyRetention(cluster: string, keep: number, deps: BackupEngineDeps): Promise<string[]> {
  const good = await deps.store.byState(cluster, 'good');
  const removed: string[] = [];
  for (const old of good.slice(keep)) {
    await rm(old.path, { recursive: true, force: true });
    await deps.store.markRemoved(old.id);
    removed.push(old.ref);
  }
  if (removed.length > 0) deps.logger.info('old backup sets removed', { cluster, removed, keep });
  return removed;
}

/**
 * Sets of the cluster still `running` while this run holds the cluster's lock were left by a run
 * whose worker died (its lock went with its connection): they are failed and their files removed.
 */
export async function failDeadRuns(
  cluster: string,
  deps: Pick<BackupEngineDeps, 'store' | 'now' | 'logger'>,
): Promise<string[]> {
  const dead = await deps.store.byState(cluster, 'running');
  for (const set of dead) {
    await rm(set.path, { recursive: true, force: true }).catch(() => undefined);
    await deps.store.finishFailed(
      set.id,
      `the worker writing ${set.ref} (${set.worker}) stopped before it finished; its partial files were removed`,
      deps.now(),
    );
  }
  if (dead.length > 0)
    deps.logger.warn('backup runs left by a stopped worker failed', { cluster, sets: dead.map((s) => s.ref) });
  return dead.map((s) => s.ref);
}

export function lockName(installation: string, cluster: string): string {
  return `dbops_backup_${installation}_${cluster}`.slice(0, 64);
}

async function takeLock(deps: BackupEngineDeps, cluster: string): Promise<PoolConnection> {
  const conn = await deps.meta.getConnection();
  try {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, 0) AS got', [
      lockName(deps.installation, cluster),
    ]);
    if (Number(rows[0]?.got) !== 1) {
      const running = (await deps.store.byState(cluster, 'running'))[0];
      throw new BackupBusy(
        `a backup of ${cluster} is already running${running ? ` (${running.ref}, on ${running.worker})` : ''}: one at a time per cluster`,
      );
    }
    return conn;
  } catch (err) {
    conn.release();
    throw err;
  }
}

async function releaseLock(conn: PoolConnection): Promise<void> {
  try {
    await conn.query('SELECT RELEASE_ALL_LOCKS()');
    conn.release();
  } catch {
    conn.destroy();
  }
}

/** Whether a cluster's backup lock is free (no run of it is alive anywhere). */
export async function lockFree(meta: Pool, installation: string, cluster: string): Promise<boolean> {
  const [rows] = await meta.query<RowDataPacket[]>('SELECT IS_FREE_LOCK(?) AS free', [lockName(installation, cluster)]);
  return Number(rows[0]?.free) === 1;
}

export { ident };
