import { plural } from '../kernel/format.js';
import type { RowDataPacket } from 'mysql2/promise';
import { openSeveral, type ConnectionSource, type Link } from './connections.js';
import { copyTables, prepareStaging } from './copy.js';
import { describeError, isTransient, MigrateError, MigrateStopped } from './errors.js';
import { createDestinationSchema, dropCreatedSchema } from './destination-schema.js';
import { copyObjects } from './objects.js';
import { sqlProbe, Throttle, watches } from './throttle.js';
import { planMigration, PlanProblems } from './plan.js';
import { SourceSnapshot } from './source.js';
import { appendRows, dropStaging, swapIn } from './swap.js';
import type {
  BinlogPosition,
  CopySettings,
  MigrateSpec,
  MigrationPlan,
  MigrationProgress,
  MigrationResult,
  TableResult,
} from './types.js';
import { DestinationWriter, type WriteMethod } from './writer.js';

/** Bytes a stream may read ahead of its loader (the rest waits on the source connection). */
const READ_AHEAD_BYTES = 4 * 1024 * 1024;

/** A journaled step, as the job runner's `ctx.step` (a step done before a crash returns its recorded result). */
export type StepRunner = <T>(name: string, options: { idempotent: boolean }, run: () => Promise<T>) => Promise<T>;

/** Runs each step directly: for tests, benchmarks and the CLI. */
export const unjournaled: StepRunner = (_name, _options, run) => run();

export interface MigrationDeps {
  /** The source cluster (its replica when it has one): one connection holds the snapshot. */
  source: ConnectionSource;
  /** The destination's primary: one connection per copy stream. */
  destination: ConnectionSource;
  step?: StepRunner;
  /**
   * Stops the copy at once (its connections are closed). A `reason` with `kind: 'shutdown'` keeps the
   * staging tables for the next run to resume; any other reason (a cancel) drops them.
   */
  signal?: AbortSignal;
  onProgress?(progress: MigrationProgress): void;
  /** A table copied and verified ("orders: 1,000,000 rows in 3.2 s"). */
  onTableDone?(table: TableResult): void;
  /** The throttle paused the copy (`reason`), or let it go on again after `pausedMs`. */
  onThrottle?(event: { paused: true; reason: string } | { paused: false; pausedMs: number }): void;
  log?(line: string): void;
  clock?: () => number;
}

interface CopyOutcome {
  tables: TableResult[];
  binlog: BinlogPosition | null;
  method: WriteMethod;
  /** The streams' summed time per kind of work (ms). */
  spent?: { wait: number; load: number; verify: number; keys: number };
}

/**
 * Copy tables (and, when asked, views, triggers, routines) from one schema to another:
 * plan → copy into staging tables from one consistent snapshot, chunk by chunk, each chunk verified
 * by COUNT and checksum before it commits → swap them in with one RENAME (or append their rows in
 * one transaction) → recreate the stored objects. Each phase is a step, so a crashed run resumes.
 */
export async function runMigration(
  spec: MigrateSpec,
  runId: string,
  settings: CopySettings,
  deps: MigrationDeps,
): Promise<MigrationResult> {
  const clock = deps.clock ?? Date.now;
  const timings: Record<string, number> = {};
  const journaled = deps.step ?? unjournaled;
  const step: StepRunner = (name, options, run) => {
    const began = clock();
    return journaled(name, options, run).finally(() => {
      timings[name] = (timings[name] ?? 0) + clock() - began;
    });
  };
  const startedAt = clock();
  const log = deps.log ?? (() => undefined);
  let plan: MigrationPlan | null = null;
  try {
    deps.signal?.throwIfAborted();
    const planned = await step('plan', { idempotent: true }, () => planStep(spec, runId, settings, deps));
    plan = planned;
    deps.onProgress?.(progress(planned, 'plan', 0, 0, 0, clock() - startedAt));
    log(
      `plan: ${plural(planned.tables.length, 'table')}, about ${plural(
        planned.tables.reduce((n, t) => n + t.estimate.rows, 0),
        'row',
      )}`,
    );
    if (planned.createsSchema) {
      await step('schema', { idempotent: true }, () =>
        withLink(deps.destination, (link) => createDestinationSchema(planned, link)),
      );
      log(
        `created schema ${spec.destination.schema} (${planned.createsSchema.charset}, ${planned.createsSchema.collation})`,
      );
    }
    const copied = await step('copy', { idempotent: true }, () => copyStep(planned, settings, deps, startedAt));
    deps.signal?.throwIfAborted();
    deps.onProgress?.(
      progress(
        planned,
        'swap',
        copied.tables.length,
        sum(copied.tables, 'rows'),
        sum(copied.tables, 'bytes'),
        clock() - startedAt,
      ),
    );
    if (spec.mode === 'append') {
      await step('append', { idempotent: false }, () =>
        withLink(deps.destination, (link) => appendRows(planned, link).then((m) => Object.fromEntries(m))),
      );
    } else {
      await step('swap', { idempotent: true }, () => withLink(deps.destination, (link) => swapIn(planned, link)));
    }
    log(spec.mode === 'append' ? 'rows appended' : 'tables swapped in');
    const objects =
      spec.objects.length === 0
        ? { created: [], skipped: [] }
        : await step('objects', { idempotent: true }, () =>
            withLink(deps.source, (source) =>
              withLink(deps.destination, (destination) =>
                copyObjects(source, destination, {
                  sourceSchema: spec.source.schema,
                  destinationSchema: spec.destination.schema,
                  kinds: spec.objects,
                  mode: spec.mode,
                  tables: planned.tables.map((t) => t.name),
                }),
              ),
            ),
          );
    const rows = sum(copied.tables, 'rows');
    const bytes = sum(copied.tables, 'bytes');
    deps.onProgress?.(progress(planned, 'done', copied.tables.length, rows, bytes, clock() - startedAt));
    return {
      tables: copied.tables,
      rows,
      bytes,
      seconds: (clock() - startedAt) / 1000,
      method: copied.method,
      binlog: copied.binlog,
      objects,
      createdSchema: planned.createsSchema !== null,
      timings: {
        ...timings,
        ...(copied.spent
          ? {
              'copy.wait': copied.spent.wait,
              'copy.load': copied.spent.load,
              'copy.verify': copied.spent.verify,
              'copy.keys': copied.spent.keys,
            }
          : {}),
      },
    };
  } catch (err) {
    throw await settle(err, plan, deps, log);
  }
}

async function planStep(
  spec: MigrateSpec,
  runId: string,
  settings: CopySettings,
  deps: MigrationDeps,
): Promise<MigrationPlan> {
  return withLink(deps.source, (source) =>
    withLink(deps.destination, async (destination) => {
      try {
        return await planMigration(spec, runId, settings, { source: source.db, destination: destination.db });
      } catch (err) {
        if (err instanceof PlanProblems) throw new MigrateError(err.problems.join('\n'), false);
        throw err;
      }
    }),
  );
}

/** LOAD DATA LOCAL when asked for, or (auto) when the destination allows it; else multi-row INSERT. */
async function chooseMethod(settings: CopySettings, link: Link): Promise<WriteMethod> {
  if (settings.method !== 'auto') return settings.method;
  const [rows] = await link.run(link.db.query<RowDataPacket[]>('SELECT @@GLOBAL.local_infile AS on_'));
  return Number(rows[0]?.on_) === 1 ? 'load-data' : 'insert';
}

async function copyStep(
  plan: MigrationPlan,
  settings: CopySettings,
  deps: MigrationDeps,
  startedAt: number,
): Promise<CopyOutcome> {
  const clock = deps.clock ?? Date.now;
  // The throttle reads the source's load on a connection of its own (the snapshot's is busy streaming).
  const probeLink = watches(settings.throttle) ? await deps.source.open() : null;
  const snapshotLink = await deps.source.open().catch((err: unknown) => {
    probeLink?.close();
    throw err;
  });
  const streams =
    settings.parallel === 'auto'
      ? await withLink(deps.destination, autoStreams).catch((err: unknown) => {
          probeLink?.close();
          snapshotLink.close();
          throw err;
        })
      : settings.parallel;
  const links = await openSeveral(deps.destination, streams).catch((err: unknown) => {
    snapshotLink.close();
    probeLink?.close();
    throw err;
  });
  if (links.length < streams)
    deps.log?.(
      `copying with ${links.length} of ${streams} streams: the destination's pool had no more free connections`,
    );
  else if (settings.parallel === 'auto') deps.log?.(`copying with ${streams} streams (the destination's cores)`);
  const closeAll = () => {
    snapshotLink.close();
    probeLink?.close();
    for (const l of links) l.close();
  };
  const onAbort = () => closeAll();
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    deps.signal?.throwIfAborted();
    const method = await chooseMethod(settings, links[0]);
    const source = await SourceSnapshot.open(snapshotLink, plan.spec.source.schema);
    const writers = await Promise.all(
      links.map((l) =>
        DestinationWriter.open(
          l,
          plan.spec.destination.schema,
          method,
          Math.min(settings.chunkBytes, READ_AHEAD_BYTES),
        ),
      ),
    );
    const resumed = await prepareStaging(plan, writers[0]);
    if (resumed.size > 0)
      deps.log?.(
        `resuming: staging tables of ${[...resumed].join(', ')} already hold rows; they are checked against the new snapshot`,
      );
    let last = { rows: 0, bytes: 0, tablesDone: 0 };
    const throttle = probeLink
      ? new Throttle(
          sqlProbe(probeLink, settings.throttle),
          settings.throttle,
          {
            onPause: (reason) => {
              deps.log?.(`copy paused: ${reason}`);
              deps.onThrottle?.({ paused: true, reason });
              deps.onProgress?.({
                ...progress(plan, 'copy', last.tablesDone, last.rows, last.bytes, clock() - startedAt),
                paused: reason,
              });
            },
            onResume: (pausedMs) => {
              deps.log?.(`copy resumed after ${Math.round(pausedMs / 1000)} s`);
              deps.onThrottle?.({ paused: false, pausedMs });
            },
          },
          deps.signal,
          clock,
        )
      : undefined;
    const tables = await copyTables(
      {
        plan,
        source,
        writers,
        clock,
        throttle,
        events: {
          onChunk: (s) => {
            last = s;
            deps.onProgress?.(progress(plan, 'copy', s.tablesDone, s.rows, s.bytes, clock() - startedAt));
          },
          onTableDone: (t) => deps.onTableDone?.(t),
        },
      },
      resumed,
      plan.spec.where,
    );
    const spent = { wait: 0, load: 0, verify: 0, keys: 0 };
    for (const w of writers) {
      spent.wait += w.spent.wait;
      spent.load += w.spent.load;
      spent.verify += w.spent.verify;
      spent.keys += w.spent.keys;
    }
    return { tables, binlog: source.binlog, method, spent };
  } finally {
    deps.signal?.removeEventListener('abort', onAbort);
    closeAll();
  }
}

/** Most streams `parallel: auto` opens. */
const MAX_AUTO_STREAMS = 8;

/**
 * Streams for `parallel: auto`: one per core of the destination, which does most of the work (it
 * parses, indexes and verifies every row). MariaDB's `thread_pool_size` defaults to its CPU count;
 * a server that does not say (MySQL) gets 2.
 */
async function autoStreams(link: Link): Promise<number> {
  try {
    const [rows] = await link.run(link.db.query<RowDataPacket[]>('SELECT @@GLOBAL.thread_pool_size AS n'));
    const cores = Number(rows[0]?.n);
    return Number.isInteger(cores) && cores > 0 ? Math.min(MAX_AUTO_STREAMS, cores) : 2;
  } catch {
    return 2;
  }
}

async function withLink<T>(source: ConnectionSource, work: (link: Link) => Promise<T>): Promise<T> {
  const link = await source.open();
  try {
    return await work(link);
  } finally {
    link.close();
  }
}

/**
 * Turn a failure into what the caller sees, cleaning up on the way: a cancel or a failure that
 * will not be retried drops the staging tables; a shutdown or a transient fault keeps them so the
 * next run resumes.
 */
async function settle(
  err: unknown,
  plan: MigrationPlan | null,
  deps: MigrationDeps,
  log: (line: string) => void,
): Promise<unknown> {
  const aborted = deps.signal?.aborted ?? false;
  const reason: unknown = deps.signal?.reason;
  const shutdown =
    aborted && typeof reason === 'object' && reason !== null && 'kind' in reason && reason.kind === 'shutdown';
  const keep = shutdown || (!aborted && isTransient(err));
  let droppedSchema = false;
  if (plan && !keep) {
    try {
      const dropped = await withLink(deps.destination, (link) => dropStaging(plan, link));
      if (dropped.length > 0) log(`dropped staging tables: ${dropped.join(', ')}`);
    } catch (cleanup) {
      log(
        `could not drop the staging tables (${describeError(cleanup)}); drop \`__dbops_${plan.runId}_n_*\` in ${plan.spec.destination.schema} by hand`,
      );
    }
    if (plan.createsSchema) droppedSchema = await dropSchemaWeCreated(plan, deps, log);
  }
  if (aborted) {
    const what = shutdown
      ? 'stopped for a shutdown; the staging tables are kept and the next run resumes'
      : plan && droppedSchema
        ? `cancelled; the staging tables and the schema ${plan.spec.destination.schema} it had created were dropped`
        : 'cancelled; the staging tables were dropped and the destination is unchanged';
    return new MigrateStopped(`the migration was ${what}`, reason);
  }
  if (err instanceof MigrateError) return err;
  // A transient fault goes out as the driver raised it, so the runner's retry logic knows it.
  if (isTransient(err)) return err;
  return new MigrateError(describeError(err), false, { cause: err });
}

/** The schema this run created goes with it, unless something that is not the run's is in it. */
async function dropSchemaWeCreated(
  plan: MigrationPlan,
  deps: MigrationDeps,
  log: (line: string) => void,
): Promise<boolean> {
  const schema = plan.spec.destination.schema;
  try {
    const outcome = await withLink(deps.destination, (link) => dropCreatedSchema(plan, link));
    if (outcome.dropped) log(`dropped schema ${schema}, which this migration had created`);
    else if (outcome.holds.length > 0)
      log(
        `kept schema ${schema} (created by this migration): it now also holds ${outcome.holds.slice(0, 5).join(', ')}`,
      );
    return outcome.dropped;
  } catch (cleanup) {
    log(`could not drop schema ${schema}, which this migration created (${describeError(cleanup)}); drop it by hand`);
    return false;
  }
}

function sum(tables: readonly TableResult[], key: 'rows' | 'bytes'): number {
  return tables.reduce((n, t) => n + t[key], 0);
}

function progress(
  plan: MigrationPlan,
  phase: MigrationProgress['phase'],
  tablesDone: number,
  rows: number,
  bytes: number,
  elapsedMs: number,
): MigrationProgress {
  return {
    phase,
    tablesDone,
    tables: plan.tables.length,
    rows,
    bytes,
    elapsedMs,
    estimatedRows: plan.tables.reduce((n, t) => n + t.estimate.rows, 0),
  };
}
