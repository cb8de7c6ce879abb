import type { KnownBlock } from '@slack/types';
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { MigrateSection } from '../src/config/schema.js';
import { poolSource } from '../src/migrate/connections.js';
import { runMigration } from '../src/migrate/engine.js';
import { MigrateError } from '../src/migrate/errors.js';
import { NO_THROTTLE } from '../src/migrate/throttle.js';
import {
  COPY_METHODS,
  DEFAULT_COPY_SETTINGS,
  MIGRATE_MODES,
  STORED_OBJECT_KINDS,
  type CopySettings,
  type MigrationProgress,
  type MigrationResult,
} from '../src/migrate/types.js';
import type { JobContext } from '../src/queue/job-kind.js';
import { code, escapeMrkdwn, section, truncate } from '../src/text/blocks.js';
import { formatBytes, formatRoughSeconds, plural } from '../src/kernel/format.js';
import { defineKind, type CardField } from '../src/tickets/kind.js';

const SchemaRef = z.strictObject({ cluster: z.string().min(1), schema: z.string().min(1) });
const Count = z.number().int().min(0);

/**
 * `/dbops migrate prod.shop→test.shop [tables …] [where "…"] [mode …] [with …]`: copy tables (all of
 * the schema when `tables` is empty) into the destination. The ticket's cluster and schema are the
 * source's (data leaves there); `estimate` is what the requester and the DBAs were shown.
 */
export const MigratePayload = z.strictObject({
  source: SchemaRef,
  destination: SchemaRef,
  tables: z.array(z.string().min(1)).default([]),
  where: z.string().min(1).nullable().default(null),
  mode: z.enum(MIGRATE_MODES).default('fail'),
  objects: z.array(z.enum(STORED_OBJECT_KINDS)).default([]),
  /** dbops.yml `migrate` when the ticket was opened: the copy runs as it was approved. */
  copy: z
    .strictObject({
      parallel: z.union([z.literal('auto'), z.number().int().min(1)]),
      chunk_rows: z.number().int().min(1),
      chunk_mb: z.number().positive(),
      method: z.enum(COPY_METHODS),
      defer_keys: z.boolean(),
      throttle: z
        .strictObject({
          max_replica_lag_seconds: z.number().min(0).nullable(),
          max_threads_running: z.number().int().min(0).nullable(),
          check_seconds: z.number().positive(),
        })
        .optional(),
    })
    .optional(),
  estimate: z
    .strictObject({
      rows: Count,
      bytes: Count,
      tables: z.array(
        z.strictObject({
          name: z.string(),
          rows: Count,
          bytes: Count,
          replaces: z.strictObject({ rows: Count, bytes: Count }).nullable(),
        }),
      ),
      objects: z.array(z.string()).default([]),
      /** The destination schema does not exist: the job creates it with the source's defaults. */
      creates_schema: z.strictObject({ charset: z.string(), collation: z.string() }).nullable().default(null),
      /** Foreign keys of tables outside the copy pointing at a replaced table (`c.fk_c → p`): re-pointed with checks off for the swap. */
      outside_keys: z.array(z.string()).default([]),
    })
    .optional(),
});
export type MigratePayload = z.infer<typeof MigratePayload>;
/** Tables listed by name in a message; the rest are counted. */
/** The payload's `copy`: dbops.yml `migrate` as it is now, kept with the ticket. */
export function copySettingsOf(settings: MigrateSection): NonNullable<MigratePayload['copy']> {
  return {
    parallel: settings.parallel,
    chunk_rows: settings.chunk_rows,
    chunk_mb: settings.chunk_mb,
    method: settings.method,
    defer_keys: settings.defer_keys,
    throttle: settings.throttle,
  };
}

export const TABLES_SHOWN = 12;

const rows = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;

export function migrateRoute(payload: Pick<MigratePayload, 'source' | 'destination'>): string {
  return `${payload.source.cluster}.${payload.source.schema} → ${payload.destination.cluster}.${payload.destination.schema}`;
}

/** Tables a replace-mode copy swaps out in the destination (append adds to them instead). */
export function replacedTables(payload: MigratePayload): number {
  if (payload.mode === 'append') return 0;
  return payload.estimate?.tables.filter((t) => t.replaces !== null).length ?? 0;
}

/** The approval card's Source, Destination and Size: where data leaves, where it lands, how much. */
export function migrateCardFields(payload: MigratePayload): CardField[] {
  const { source, destination, estimate } = payload;
  const about = payload.where ? 'at most' : 'about';
  return [
    { label: 'Source', value: code(`${source.cluster}.${source.schema}`) },
    { label: 'Destination', value: code(`${destination.cluster}.${destination.schema}`) },
    {
      label: 'Size',
      value: estimate ? `${about} ${rows(estimate.rows)} · ${formatBytes(estimate.bytes)}` : 'not estimated',
    },
  ];
}

/**
 * What a migration copies, as the requester and the DBAs see it: route, mode, condition, each table
 * with its estimated rows and size, what it replaces in the destination, and the objects recreated.
 */
export function migrateDetailBlocks(payload: MigratePayload): KnownBlock[] {
  const lines = [
    `*Copy* ${code(migrateRoute(payload))} · mode *${payload.mode}*${payload.where ? ` · only rows where ${code(truncate(payload.where, 300))}` : ''}`,
  ];
  const estimate = payload.estimate;
  const replaced = replacedTables(payload);
  if (replaced > 0)
    lines.push(
      `:warning: *Replaces the destination's ${plural(replaced, 'table')}* (${code(`${payload.destination.cluster}.${payload.destination.schema}`)}): their rows now are dropped by the swap`,
    );
  if (estimate?.creates_schema) {
    const { charset, collation } = estimate.creates_schema;
    lines.push(
      `*Creates schema* ${code(payload.destination.schema)} on ${payload.destination.cluster} (${charset}, ${collation}, as the source); a cancel or failure drops it again`,
    );
  }
  if (estimate) {
    // A `where` is never run before approval: the estimate is of the whole tables, the copy takes fewer rows.
    const about = payload.where ? 'at most' : 'about';
    lines.push(
      `*${estimate.tables.length} table${estimate.tables.length === 1 ? '' : 's'}*, ${about} ${rows(estimate.rows)} and ${formatBytes(estimate.bytes)} in all${payload.where ? ' (whole tables: the `where` is applied when the copy runs)' : ''}:`,
    );
    for (const t of estimate.tables.slice(0, TABLES_SHOWN)) {
      const replaces = t.replaces
        ? ` — ${payload.mode === 'append' ? 'adds to' : ':warning: replaces'} the destination's ${rows(t.replaces.rows)} (${formatBytes(t.replaces.bytes)})`
        : '';
      lines.push(`• ${code(t.name)}: ${about} ${rows(t.rows)}, ${formatBytes(t.bytes)}${replaces}`);
    }
    if (estimate.tables.length > TABLES_SHOWN) lines.push(`…and ${estimate.tables.length - TABLES_SHOWN} more tables`);
    if (estimate.outside_keys.length > 0)
      lines.push(
        `:warning: *Foreign-key checks off for the swap*: ${escapeMrkdwn(truncate(estimate.outside_keys.join(', '), 400))} (tables outside the copy) are dropped and added back pointing at the new table, without checking their rows against it`,
      );
    if (estimate.objects.length > 0)
      lines.push(`*Also recreates*: ${escapeMrkdwn(truncate(estimate.objects.join(', '), 600))}`);
  } else if (payload.tables.length > 0) {
    lines.push(`*Tables*: ${payload.tables.map(code).join(', ')}`);
  } else {
    lines.push('*Tables*: every table of the schema');
  }
  return [section(truncate(lines.join('\n'), 2900))];
}

/** Progress lines go out at most this often (the runner edits the status message at most every 2 s anyway). */
const PROGRESS_EVERY_MS = 2_000;

function settingsOf(payload: MigratePayload): CopySettings {
  const copy = payload.copy;
  if (!copy) return DEFAULT_COPY_SETTINGS;
  return {
    parallel: copy.parallel,
    chunkRows: copy.chunk_rows,
    chunkBytes: Math.round(copy.chunk_mb * 1024 * 1024),
    method: copy.method,
    deferKeys: copy.defer_keys,
    throttle: copy.throttle
      ? {
          maxReplicaLagSeconds: copy.throttle.max_replica_lag_seconds,
          maxThreadsRunning: copy.throttle.max_threads_running,
          checkMs: copy.throttle.check_seconds * 1000,
        }
      : NO_THROTTLE,
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** "copying: 2/3 tables · 420,000 of about 1,040,000 rows · 61 MB · 84,000 rows/s · ETA 12 s" */
export function progressLine(p: MigrationProgress): { fraction: number; message: string } {
  const fraction = p.phase === 'done' ? 1 : p.estimatedRows > 0 ? Math.min(0.99, p.rows / p.estimatedRows) : 0;
  const rate = p.elapsedMs > 0 ? p.rows / p.elapsedMs : 0;
  const left = Math.max(0, p.estimatedRows - p.rows);
  const eta = p.phase === 'copy' && rate > 0 && p.rows > 0 ? ` · ETA ${formatRoughSeconds(left / rate / 1000)}` : '';
  const speed = p.phase === 'copy' && rate > 0 ? ` · ${count(Math.round(rate * 1000))} rows/s` : '';
  const what =
    p.phase === 'plan'
      ? 'planning'
      : p.phase === 'swap'
        ? 'swapping the tables in'
        : p.phase === 'objects'
          ? 'recreating views, triggers and routines'
          : p.phase === 'done'
            ? 'done'
            : p.paused
              ? `paused (${p.paused})`
              : 'copying';
  return {
    fraction,
    message: `${what}: ${p.tablesDone}/${p.tables} tables · ${count(p.rows)} of about ${count(p.estimatedRows)} rows · ${formatBytes(p.bytes)}${speed}${eta}`,
  };
}

function summary(payload: MigratePayload, result: MigrationResult): string {
  const route = `${payload.source.cluster}.${payload.source.schema} → ${payload.destination.cluster}.${payload.destination.schema}`;
  const verb = payload.mode === 'append' ? 'appended' : 'copied';
  const binlog = result.binlog
    ? ` Source binlog position at the snapshot: ${result.binlog.file}:${result.binlog.position}${result.binlog.gtid ? ` (GTID set ${result.binlog.gtid})` : ''}.`
    : '';
  const objects =
    result.objects.created.length > 0
      ? ` Recreated ${plural(result.objects.created.length, 'stored object')} (views, triggers, routines).`
      : '';
  const created = result.createdSchema ? ` Created schema ${payload.destination.schema}.` : '';
  const reused = result.tables.reduce((n, t) => n + t.reused, 0);
  const resumed =
    reused > 0
      ? ` Resumed: ${plural(reused, 'chunk')} already copied ${reused === 1 ? 'was' : 'were'} re-verified, not copied again.`
      : '';
  return `${route}: ${plural(result.tables.length, 'table')}, ${rows(result.rows)} (${formatBytes(result.bytes)}) ${verb} in ${result.seconds.toFixed(1)} s, every chunk verified by count and checksum (${result.method}).${created}${binlog}${objects}${resumed}`;
}

/**
 * Copy a schema or some tables between clusters (src/migrate/): one consistent snapshot of the
 * source (its replica when it has one), chunks loaded in parallel into staging tables and verified,
 * then swapped in with one RENAME (or appended in one transaction). No shell, no process arguments:
 * everything goes over mysql2 connections from the runner's pools.
 */
export const migrate = defineKind({
  kind: 'migrate',
  name: 'migrate',
  payload: MigratePayload,
  title: (payload) => `Migration ${migrateRoute(payload)}`,
  details: (payload) => migrateDetailBlocks(payload),
  fields: (payload) => migrateCardFields(payload),
  writesTo: (payload) => [payload.destination.cluster],
  // It reads its source and writes its destination.
  touches: ({ source, destination }) => ({
    touches: [
      { ...source, access: 'read' },
      { ...destination, access: 'write' },
    ],
    opaque: [],
  }),
  // A lost connection or a deadlock is retried; the retry resumes from what the staging tables hold.
  options: { attempts: 3, backoff: { type: 'exponential', delay: 15_000 } },
  async process(payload, ctx) {
    const spec = {
      source: payload.source,
      destination: payload.destination,
      tables: payload.tables,
      where: payload.where,
      mode: payload.mode,
      objects: payload.objects,
    };
    let lastProgress = 0;
    const report = (p: MigrationProgress) => {
      const now = Date.now();
      if (p.phase === 'copy' && !p.paused && now - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = now;
      const { fraction, message } = progressLine(p);
      void ctx
        .progress(fraction, message)
        .catch((err: unknown) =>
          ctx.logger.warn('could not report migration progress', { ticket: ctx.ticket.ref }, err),
        );
    };
    try {
      const result = await runMigration(spec, migrationRunId(ctx), settingsOf(payload), {
        source: poolSource(ctx.clusters.replicaOrPrimary(payload.source.cluster), payload.source.cluster),
        destination: poolSource(ctx.clusters.primary(payload.destination.cluster), payload.destination.cluster),
        step: (name, options, run) => ctx.step(name, options, run),
        signal: ctx.signal,
        onProgress: report,
        onTableDone: (t) =>
          void milestone(
            ctx,
            `\`${t.name}\`: ${rows(t.rows)} (${formatBytes(t.bytes)}) copied and verified in ${t.seconds.toFixed(1)} s${t.reused > 0 ? ` (${plural(t.reused, 'chunk')} from before the restart re-verified)` : ''}`,
          ),
        onThrottle: (e) =>
          void milestone(
            ctx,
            e.paused
              ? `copy paused: ${e.reason}; it goes on when the source is back under its limits (migrate.throttle)`
              : `copy resumed after ${formatRoughSeconds(e.pausedMs / 1000)} paused`,
          ),
        log: (line) => void ctx.log(line).catch(() => undefined),
      });
      return {
        summary: summary(payload, result),
        details: {
          rows: result.rows,
          bytes: result.bytes,
          seconds: result.seconds,
          method: result.method,
          binlog: result.binlog,
          tables: result.tables,
          objects: result.objects,
          timings: Object.fromEntries(Object.entries(result.timings).map(([k, ms]) => [k, Math.round(ms)])),
        },
      };
    } catch (err) {
      // A wrong plan, a mismatch or a refused load will not get better by retrying.
      if (err instanceof MigrateError && !err.retryable) throw new UnrecoverableError(err.message);
      throw err;
    }
  },
});

/**
 * Names the staging tables on the destination (`__dbops_k3x9m2q7za_T42_n_orders`): a resumed run finds
 * its own, and another installation's T-42 (or this one's before its meta database was re-created)
 * never takes over what was left behind by that one.
 */
export function migrationRunId(ctx: Pick<JobContext, 'installation' | 'ticket'>): string {
  return `${ctx.installation}_T${ctx.ticket.id}`;
}

function milestone(ctx: JobContext, text: string): Promise<void> {
  return ctx
    .milestone(text)
    .catch((err: unknown) => ctx.logger.warn('could not post a migration milestone', { ticket: ctx.ticket.ref }, err));
}
