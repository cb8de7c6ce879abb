import { createHash } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { type DbopsConfig, type MonitorsSection, WEEKDAYS } from '../config/schema.js';
import type { ClusterLane } from '../db/pools.js';
import { readServerFlavor } from '../db/schema/server-flavor.js';
import { messageOf } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { alertTitle } from '../monitor/titles.js';
import { MonitorStore } from '../monitor/monitor-store.js';
import { NEAR_STALE_MS } from '../monitor/near-misses.js';
import { readSlow, type Digest, type SlowSource } from './slow.js';

export const WEEK_MS = 7 * 86_400_000;
/** A near miss is listed when it lasted longer than this (the "more than a day"). */
export const NEAR_MISS_LISTED_AFTER_MS = 86_400_000;
/** Rows each section lists at most (the message stays short and under Slack's limits). */
export const DIGEST_ROWS = 5;
/** Snapshots and ended near-miss episodes are kept this long. */
const KEEP_MS = 8 * WEEK_MS;

export interface DigestStatement {
  schema: string | null;
  digest: string;
  calls: number;
  /** Time spent in it this week; for performance_schema, the growth of its total since the last digest. */
  weekSeconds: number;
  /** The same a week earlier, from the last digest's snapshot; null when it was not among the top then. */
  lastWeekSeconds: number | null;
}

export type DigestSlow = { ok: true; source: SlowSource; statements: DigestStatement[] } | { ok: false; why: string };

export interface DigestGrowth {
  table: string;
  grewBytes: number;
  bytes: number;
}

export interface DigestNearMiss {
  instance: string;
  check: string;
  hours: number;
  peakShown: string;
  warningShown: string;
  /** Still just under its level when the digest was made. */
  ongoing: boolean;
}

export interface ClusterDigest {
  cluster: string;
  slow: DigestSlow;
  growth: DigestGrowth[];
  nearMisses: DigestNearMiss[];
}

export interface DigestTicket {
  id: number;
  kind: string;
  cluster: string;
  requester: string;
  at: Date;
}

/** Backups of the week per cluster (filled by the backups feature when it is configured). */
export interface DigestBackups {
  cluster: string;
  ok: number;
  failed: number;
}

export interface WeeklyDigest {
  from: Date;
  to: Date;
  clusters: ClusterDigest[];
  failedTickets: DigestTicket[];
  backups: DigestBackups[] | null;
}

export interface WeeklyDigestDeps {
  config: Pick<DbopsConfig, 'clusters'>;
  pools: Pick<ClusterLane, 'primary'>;
  meta: Pool;
  logger: Logger;
  /** Backups of the window, when dbops takes backups; absent: the section is left out. */
  backups?: (from: Date, to: Date) => Promise<DigestBackups[]>;
}

const utcDate = z.preprocess((v) => (typeof v === 'string' ? new Date(`${v.replace(' ', 'T')}Z`) : v), z.date());
const NearRow = z.looseObject({
  cluster: z.string(),
  instance: z.string(),
  check_id: z.string(),
  since: utcDate,
  last_seen: utcDate,
  ended_how: z.string().nullable(),
  is_open: z.coerce.number().nullable(),
  peak_ratio: z.coerce.number(),
  peak_shown: z.string(),
  warning_shown: z.string(),
});
const SnapshotRow = z.looseObject({
  digest_hash: z.string(),
  calls: z.coerce.number(),
  total_seconds: z.coerce.number(),
  week_seconds: z.coerce.number().nullable(),
});
const TicketRow = z.looseObject({
  id: z.coerce.number(),
  kind: z.string(),
  cluster: z.string(),
  requester: z.string(),
  updated_at: utcDate,
});

/**
 * The weekly digest for the alert channel: per cluster the statements that took the most time
 * (against last week), the fastest-growing tables, and values that stayed just under their alert
 * level for more than a day without firing; then the failed tickets (and backups) of the week.
 * Each run keeps a snapshot of the statements so the next can compare.
 */
export async function gatherWeeklyDigest(deps: WeeklyDigestDeps, now: Date): Promise<WeeklyDigest> {
  const from = new Date(now.getTime() - WEEK_MS);
  const store = new MonitorStore(deps.meta);
  const clusters: ClusterDigest[] = [];
  for (const cluster of Object.keys(deps.config.clusters)) {
    clusters.push({
      cluster,
      slow: await slowOfWeek(deps, cluster, now),
      growth: fastestGrowing(await store.tableSizeHistory(cluster, from)),
      nearMisses: await nearMissesOf(deps.meta, cluster, from, now),
    });
  }
  await forgetOld(deps.meta, now);
  return {
    from,
    to: now,
    clusters,
    failedTickets: await failedTickets(deps.meta, from, now),
    backups: deps.backups ? await deps.backups(from, now) : null,
  };
}

async function slowOfWeek(deps: WeeklyDigestDeps, cluster: string, now: Date): Promise<DigestSlow> {
  let digests: Digest[];
  let source: SlowSource;
  try {
    const pool = deps.pools.primary(cluster);
    const read = await readSlow(pool, { since: '7d', flavor: await readServerFlavor(pool) });
    if (!read.ok)
      return { ok: false, why: 'no statement digests: neither performance_schema nor the slow log table is on' };
    digests = read.digests;
    source = read.source;
  } catch (err) {
    deps.logger.warn('weekly digest: could not read statement digests', { cluster }, err);
    return { ok: false, why: `could not read statement digests: ${messageOf(err)}` };
  }
  const statements = weekOverWeek(digests, source, await lastSnapshot(deps.meta, cluster, now));
  await saveSnapshot(deps.meta, cluster, now, source, digests, statements);
  const top = [...statements].sort((a, b) => b.weekSeconds - a.weekSeconds).slice(0, DIGEST_ROWS);
  return { ok: true, source, statements: top };
}

/**
 * Each digest's time this week beside last week's (one statement per digest, in order). The slow
 * log's window is the week; performance_schema's totals run since its counters started, so the
 * week is the growth since the last snapshot (the whole total after a restart reset them).
 */
export function weekOverWeek(
  digests: readonly Digest[],
  source: SlowSource,
  previous: ReadonlyMap<string, SnapshotEntry>,
): DigestStatement[] {
  return digests.map((d) => {
    const before = previous.get(digestHash(d));
    const sinceCountersStarted = source === 'performance_schema' && before && d.totalSeconds >= before.totalSeconds;
    return {
      schema: d.schema,
      digest: d.digest,
      calls: sinceCountersStarted ? Math.max(0, d.calls - before.calls) : d.calls,
      weekSeconds: sinceCountersStarted ? d.totalSeconds - before.totalSeconds : d.totalSeconds,
      lastWeekSeconds: before?.weekSeconds ?? null,
    };
  });
}

/** A digest as the last weekly digest saw it. */
export interface SnapshotEntry {
  calls: number;
  totalSeconds: number;
  weekSeconds: number | null;
}

export function digestHash(d: Pick<Digest, 'schema' | 'digest'>): string {
  return createHash('sha1')
    .update(`${d.schema ?? ''}\u0000${d.digest}`)
    .digest('hex');
}

async function lastSnapshot(meta: Pool, cluster: string, now: Date): Promise<Map<string, SnapshotEntry>> {
  const [rows] = await meta.query<RowDataPacket[]>(
    `SELECT digest_hash, calls, total_seconds, week_seconds FROM digest_snapshots
      WHERE cluster = ? AND taken_at = (SELECT MAX(taken_at) FROM digest_snapshots WHERE cluster = ? AND taken_at < ?)`,
    [cluster, cluster, now],
  );
  return new Map(
    rows
      .map((r) => SnapshotRow.parse(r))
      .map((r) => [r.digest_hash, { calls: r.calls, totalSeconds: r.total_seconds, weekSeconds: r.week_seconds }]),
  );
}

async function saveSnapshot(
  meta: Pool,
  cluster: string,
  now: Date,
  source: SlowSource,
  digests: readonly Digest[],
  statements: readonly DigestStatement[],
): Promise<void> {
  if (digests.length === 0) return;
  const rows = digests.map((d, i) => [
    cluster,
    now,
    digestHash(d),
    d.schema,
    d.digest,
    source,
    d.calls,
    d.totalSeconds,
    statements[i]?.weekSeconds ?? null, // one statement per digest, in the same order
  ]);
  await meta.query(
    `INSERT IGNORE INTO digest_snapshots
       (cluster, taken_at, digest_hash, schema_name, digest_text, source, calls, total_seconds, week_seconds) VALUES ?`,
    [rows],
  );
}

/** Tables by growth over the window (last sample minus first), growing ones only. */
export function fastestGrowing(
  history: ReadonlyMap<string, ReadonlyArray<{ at: Date; bytes: number }>>,
): DigestGrowth[] {
  const out: DigestGrowth[] = [];
  for (const [table, points] of history) {
    const first = points[0];
    const last = points[points.length - 1];
    if (!first || !last || last.bytes <= first.bytes) continue;
    out.push({ table, grewBytes: last.bytes - first.bytes, bytes: last.bytes });
  }
  return out.sort((a, b) => b.grewBytes - a.grewBytes || a.table.localeCompare(b.table)).slice(0, DIGEST_ROWS);
}

async function nearMissesOf(meta: Pool, cluster: string, from: Date, now: Date): Promise<DigestNearMiss[]> {
  const [rows] = await meta.query<RowDataPacket[]>(
    `SELECT cluster, instance, check_id, since, last_seen, ended_how, is_open, peak_ratio, peak_shown, warning_shown
       FROM monitor_near_misses WHERE cluster = ? AND last_seen >= ? AND since <= ?`,
    [cluster, from, now],
  );
  return selectNearMisses(
    rows.map((r) => NearRow.parse(r)),
    now,
  );
}

/**
 * Episodes that lasted more than a day and never fired (those that fired were alerts already),
 * longest first. An open episode no poll refreshed lately ended when it was last seen.
 */
export function selectNearMisses(rows: ReadonlyArray<z.infer<typeof NearRow>>, now: Date): DigestNearMiss[] {
  return rows
    .filter((r) => r.ended_how !== 'fired')
    .map((r) => {
      const ongoing = r.is_open === 1 && now.getTime() - r.last_seen.getTime() < NEAR_STALE_MS;
      const end = ongoing ? now : r.last_seen;
      return {
        instance: r.instance,
        check: alertTitle(r.check_id),
        hours: (end.getTime() - r.since.getTime()) / 3_600_000,
        peakShown: r.peak_shown,
        warningShown: r.warning_shown,
        ongoing,
      };
    })
    .filter((m) => m.hours * 3_600_000 > NEAR_MISS_LISTED_AFTER_MS)
    .sort((a, b) => b.hours - a.hours || a.instance.localeCompare(b.instance))
    .slice(0, DIGEST_ROWS);
}

async function failedTickets(meta: Pool, from: Date, to: Date): Promise<DigestTicket[]> {
  const [rows] = await meta.query<RowDataPacket[]>(
    `SELECT id, kind, cluster, requester, updated_at FROM tickets
      WHERE state = 'failed' AND updated_at >= ? AND updated_at < ? ORDER BY id`,
    [from, to],
  );
  return rows
    .map((r) => TicketRow.parse(r))
    .map((r) => ({ id: r.id, kind: r.kind, cluster: r.cluster, requester: r.requester, at: r.updated_at }));
}

async function forgetOld(meta: Pool, now: Date): Promise<void> {
  const before = new Date(now.getTime() - KEEP_MS);
  await meta.query('DELETE FROM digest_snapshots WHERE taken_at < ?', [before]);
  await meta.query('DELETE FROM monitor_near_misses WHERE is_open IS NULL AND last_seen < ?', [before]);
}

/** Where the digest is shown, without knowing Slack (src/slack/weekly-digest-announcer.ts). */
export interface WeeklyDigestSink {
  post(digest: WeeklyDigest): Promise<void>;
}

/** The weekly digest job's work: gather now, post, and say in one line what was sent. */
export function weeklyDigestSender(deps: WeeklyDigestDeps & { clock: { now(): Date }; sink: WeeklyDigestSink }) {
  return {
    async send(): Promise<string> {
      const digest = await gatherWeeklyDigest(deps, deps.clock.now());
      await deps.sink.post(digest);
      const statements = digest.clusters.reduce((n, c) => n + (c.slow.ok ? c.slow.statements.length : 0), 0);
      return `digest of ${digest.clusters.length} clusters posted: ${statements} statements, ${digest.failedTickets.length} failed tickets`;
    },
  };
}

/** `monitors.weekly_digest` as a cron pattern: `0 9 * * 1` for Monday 09:00. */
export function weeklyCron(digest: MonitorsSection['weekly_digest']): string {
  const [hour, minute] = digest.at.split(':').map(Number);
  return `${minute} ${hour} * * ${WEEKDAYS.indexOf(digest.day)}`;
}
