import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import type { AlertChange, AlertKind, OpenAlert } from './lifecycle.js';
import type { Condition } from './types.js';

/** A pool or one checked-out connection (inside a lock): both can query. */
export type Db = Pick<Connection, 'query'>;

const utcDate = z.preprocess((v) => (typeof v === 'string' ? new Date(`${v.replace(' ', 'T')}Z`) : v), z.date());
const json = z.preprocess(
  (v) => (typeof v === 'string' ? JSON.parse(v) : v),
  z.record(z.string(), z.unknown()).nullable(),
);

export const AlertRow = z
  .looseObject({
    id: z.coerce.number(),
    fingerprint: z.string(),
    cluster: z.string(),
    instance: z.string(),
    check_id: z.string(),
    subject: z.string(),
    kind: z.enum(['poll', 'event', 'manual']),
    state: z.enum(['pending', 'firing', 'resolved']),
    severity: z.enum(['critical', 'warning']),
    summary: z.string(),
    value_text: z.string(),
    threshold_text: z.string(),
    details: json,
    occurrences: z.coerce.number(),
    hits: z.coerce.number(),
    misses: z.coerce.number(),
    first_seen_at: utcDate,
    last_seen_at: utcDate,
    fired_at: utcDate.nullable(),
    resolved_at: utcDate.nullable(),
    resolved_by: z.string().nullable(),
    announced: z.enum(['quiet', 'firing', 'resolved']).nullable(),
    dirty: z.coerce.number(),
    notified_at: utcDate.nullable(),
    acked_by: z.string().nullable(),
    acked_at: utcDate.nullable(),
    group_id: z.coerce.number().nullable(),
  })
  .transform((r) => ({
    id: r.id,
    fingerprint: r.fingerprint,
    cluster: r.cluster,
    instance: r.instance,
    checkId: r.check_id,
    subject: r.subject,
    kind: r.kind,
    state: r.state,
    severity: r.severity,
    summary: r.summary,
    valueText: r.value_text,
    thresholdText: r.threshold_text,
    details: r.details,
    occurrences: r.occurrences,
    hits: r.hits,
    misses: r.misses,
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    firedAt: r.fired_at,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    announced: r.announced,
    /** 0: rendered as stored; 1: its value changed; 2: its severity changed. */
    dirty: r.dirty,
    notifiedAt: r.notified_at,
    ackedBy: r.acked_by,
    ackedAt: r.acked_at,
    groupId: r.group_id,
  }));
export type Alert = z.infer<typeof AlertRow>;

const GroupRow = z
  .looseObject({
    id: z.coerce.number(),
    cluster: z.string(),
    open_key: z.string().nullable(),
    channel: z.string().nullable(),
    ts: z.string().nullable(),
    opened_at: utcDate,
    closed_at: utcDate.nullable(),
    rendered_at: utcDate.nullable(),
  })
  .transform((r) => ({
    id: r.id,
    cluster: r.cluster,
    open: r.open_key !== null,
    channel: r.channel,
    ts: r.ts,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    renderedAt: r.rendered_at,
  }));
export type AlertGroup = z.infer<typeof GroupRow>;

const SilenceRow = z
  .looseObject({ fingerprint: z.string(), until: utcDate, silenced_by: z.string() })
  .transform((r) => ({ fingerprint: r.fingerprint, until: r.until, by: r.silenced_by }));
export type Silence = z.infer<typeof SilenceRow>;

/** Where an alert belongs: a cluster and one of its instances ('' for the cluster as a whole). */
export interface AlertScope {
  cluster: string;
  instance: string;
}

export function fingerprintOf(scope: AlertScope, checkId: string, subject: string): string {
  return [scope.cluster, scope.instance, checkId, subject].join('|');
}

export function toOpenAlert(alert: Alert): OpenAlert | null {
  if (alert.state === 'resolved') return null;
  return {
    id: alert.id,
    checkId: alert.checkId,
    subject: alert.subject,
    kind: alert.kind,
    state: alert.state,
    severity: alert.severity,
    valueText: alert.valueText,
    hits: alert.hits,
    misses: alert.misses,
    occurrences: alert.occurrences,
    lastSeenAt: alert.lastSeenAt,
  };
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const detailsJson = (c: Condition) => (c.details ? JSON.stringify(c.details) : null);

/** Alerts, their groups and silences in the meta database. */
export const alertStore = {
  async openForInstance(db: Db, scope: AlertScope): Promise<Alert[]> {
    const [rows] = await db.query<RowDataPacket[]>(
      'SELECT * FROM alerts WHERE cluster = ? AND instance = ? AND open_key IS NOT NULL ORDER BY id',
      [scope.cluster, scope.instance],
    );
    return rows.map((r) => AlertRow.parse(r));
  },

  async get(db: Db, id: number): Promise<Alert | null> {
    const [rows] = await db.query<RowDataPacket[]>('SELECT * FROM alerts WHERE id = ?', [id]);
    return rows[0] ? AlertRow.parse(rows[0]) : null;
  },

  async openByFingerprint(db: Db, fingerprint: string): Promise<Alert | null> {
    const [rows] = await db.query<RowDataPacket[]>('SELECT * FROM alerts WHERE open_key = ?', [fingerprint]);
    return rows[0] ? AlertRow.parse(rows[0]) : null;
  },

  /** Firing alerts, newest first per cluster; `cluster` narrows to one. */
  async firing(db: Db, cluster?: string): Promise<Alert[]> {
    const [rows] = await db.query<RowDataPacket[]>(
      `SELECT * FROM alerts WHERE state = 'firing'${cluster ? ' AND cluster = ?' : ''} ORDER BY cluster, fired_at DESC, id DESC`,
      cluster ? [cluster] : [],
    );
    return rows.map((r) => AlertRow.parse(r));
  },

  async pendingCount(db: Db): Promise<number> {
    const [rows] = await db.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM alerts WHERE state = 'pending'");
    return Number(rows[0]?.n ?? 0);
  },

  /** Alerts of a cluster whose announcement is owed or whose message needs a new render. */
  async needingAnnouncement(db: Db, cluster: string): Promise<Alert[]> {
    const [rows] = await db.query<RowDataPacket[]>(
      `SELECT * FROM alerts WHERE cluster = ? AND (
         (state = 'firing' AND (announced IS NULL OR (announced = 'firing' AND dirty > 0)))
         OR (state = 'resolved' AND announced IN ('firing', 'quiet'))) ORDER BY id`,
      [cluster],
    );
    return rows.map((r) => AlertRow.parse(r));
  },

  /** Clusters with an owed announcement (the sweep's work list). */
  async clustersOwingAnnouncements(db: Db): Promise<string[]> {
    const [rows] = await db.query<RowDataPacket[]>(
      `SELECT DISTINCT cluster FROM alerts WHERE (state = 'firing' AND (announced IS NULL OR (announced = 'firing' AND dirty > 0)))
         OR (state = 'resolved' AND announced IN ('firing', 'quiet'))`,
    );
    return rows.map((r) => String(r.cluster));
  },

  async ofGroup(db: Db, groupId: number): Promise<Alert[]> {
    const [rows] = await db.query<RowDataPacket[]>('SELECT * FROM alerts WHERE group_id = ? ORDER BY id', [groupId]);
    return rows.map((r) => AlertRow.parse(r));
  },

  /** Apply the lifecycle's changes for one scope. */
  async apply(db: Db, scope: AlertScope, changes: readonly AlertChange[], now: Date): Promise<void> {
    for (const change of changes) {
      switch (change.type) {
        case 'create':
          await alertStore.insert(db, scope, change.condition, { state: change.state, kind: change.kind, now });
          break;
        case 'update': {
          const c = change.condition;
          const dirty = change.severityChanged ? 2 : change.valueChanged ? 1 : 0;
          await db.query(
            `UPDATE alerts SET hits = ?, misses = 0, occurrences = ?, severity = ?, summary = ?, value_text = ?, threshold_text = ?, details = ?, last_seen_at = ?,
               state = IF(?, 'firing', state), fired_at = IF(?, ?, fired_at), dirty = GREATEST(dirty, ?) WHERE id = ? AND open_key IS NOT NULL`,
            [
              change.hits,
              change.occurrences,
              c.severity,
              clip(c.summary, 1000),
              clip(c.value, 255),
              clip(c.threshold, 255),
              detailsJson(c),
              now,
              change.fires,
              change.fires,
              now,
              dirty,
              change.id,
            ],
          );
          break;
        }
        case 'miss':
          await db.query('UPDATE alerts SET misses = ? WHERE id = ? AND open_key IS NOT NULL', [
            change.misses,
            change.id,
          ]);
          break;
        case 'drop':
          await db.query("DELETE FROM alerts WHERE id = ? AND state = 'pending'", [change.id]);
          break;
        case 'resolve':
          await alertStore.resolve(db, change.id, now, null);
          break;
      }
    }
  },

  async insert(
    db: Db,
    scope: AlertScope,
    c: Condition,
    options: { state: 'pending' | 'firing'; kind: AlertKind; now: Date },
  ): Promise<number> {
    const fingerprint = fingerprintOf(scope, c.checkId, c.subject);
    const { now } = options;
    const [result] = await db.query<ResultSetHeader>(
      `INSERT INTO alerts (fingerprint, open_key, cluster, instance, check_id, subject, kind, state, severity, summary, value_text, threshold_text, details,
         occurrences, hits, misses, first_seen_at, last_seen_at, fired_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?, ?, ?)`,
      [
        fingerprint,
        fingerprint,
        scope.cluster,
        scope.instance,
        c.checkId,
        c.subject,
        options.kind,
        options.state,
        c.severity,
        clip(c.summary, 1000),
        clip(c.value, 255),
        clip(c.threshold, 255),
        detailsJson(c),
        c.count ?? 1,
        now,
        now,
        options.state === 'firing' ? now : null,
      ],
    );
    return result.insertId;
  },

  /** Close an alert, with what ended it (`details.resolution`, shown when it is announced); true when this call closed it. */
  async resolve(db: Db, id: number, now: Date, by: string | null, resolution?: string): Promise<boolean> {
    const [result] = await db.query<ResultSetHeader>(
      `UPDATE alerts SET state = 'resolved', open_key = NULL, resolved_at = ?, resolved_by = ?${
        resolution === undefined ? '' : ", details = JSON_SET(COALESCE(details, '{}'), '$.resolution', ?)"
      } WHERE id = ? AND open_key IS NOT NULL`,
      resolution === undefined ? [now, by, id] : [now, by, resolution, id],
    );
    return result.affectedRows === 1;
  },

  async markAnnounced(
    db: Db,
    ids: readonly number[],
    announced: 'quiet' | 'firing' | 'resolved',
    extra: { groupId?: number; notifiedAt?: Date } = {},
  ): Promise<void> {
    if (ids.length === 0) return;
    await db.query(
      `UPDATE alerts SET announced = ?, dirty = 0${extra.groupId !== undefined ? ', group_id = ?' : ''}${extra.notifiedAt ? ', notified_at = ?' : ''} WHERE id IN (?)`,
      [
        announced,
        ...(extra.groupId !== undefined ? [extra.groupId] : []),
        ...(extra.notifiedAt ? [extra.notifiedAt] : []),
        ids,
      ],
    );
  },

  async setGroup(db: Db, ids: readonly number[], groupId: number): Promise<void> {
    if (ids.length > 0) await db.query('UPDATE alerts SET group_id = ? WHERE id IN (?)', [groupId, ids]);
  },

  async clearDirty(db: Db, ids: readonly number[]): Promise<void> {
    if (ids.length > 0) await db.query('UPDATE alerts SET dirty = 0 WHERE id IN (?)', [ids]);
  },

  async setNotified(db: Db, ids: readonly number[], at: Date): Promise<void> {
    if (ids.length > 0) await db.query('UPDATE alerts SET notified_at = ? WHERE id IN (?)', [at, ids]);
  },

  /** Record an acknowledgement once; false when it was acknowledged already or is not firing. */
  async acknowledge(db: Db, id: number, user: string, at: Date): Promise<boolean> {
    const [result] = await db.query<ResultSetHeader>(
      "UPDATE alerts SET acked_by = ?, acked_at = ? WHERE id = ? AND state = 'firing' AND acked_by IS NULL",
      [user, at, id],
    );
    return result.affectedRows === 1;
  },

  /** Alerts silenced while firing whose silence ended: announce them now. */
  async unquietExpired(db: Db, now: Date): Promise<void> {
    await db.query(
      `UPDATE alerts a LEFT JOIN alert_silences s ON s.fingerprint = a.fingerprint AND s.until > ?
       SET a.announced = NULL WHERE a.state = 'firing' AND a.announced = 'quiet' AND s.fingerprint IS NULL`,
      [now],
    );
  },

  // ---- groups ---------------------------------------------------------------------------
  async openGroup(db: Db, cluster: string): Promise<AlertGroup | null> {
    const [rows] = await db.query<RowDataPacket[]>('SELECT * FROM alert_groups WHERE open_key = ?', [cluster]);
    return rows[0] ? GroupRow.parse(rows[0]) : null;
  },

  async openGroups(db: Db): Promise<AlertGroup[]> {
    const [rows] = await db.query<RowDataPacket[]>('SELECT * FROM alert_groups WHERE open_key IS NOT NULL ORDER BY id');
    return rows.map((r) => GroupRow.parse(r));
  },

  async group(db: Db, id: number): Promise<AlertGroup | null> {
    const [rows] = await db.query<RowDataPacket[]>('SELECT * FROM alert_groups WHERE id = ?', [id]);
    return rows[0] ? GroupRow.parse(rows[0]) : null;
  },

  async createGroup(db: Db, cluster: string, now: Date): Promise<AlertGroup> {
    await db.query('INSERT IGNORE INTO alert_groups (cluster, open_key, opened_at) VALUES (?, ?, ?)', [
      cluster,
      cluster,
      now,
    ]);
    const group = await alertStore.openGroup(db, cluster);
    if (!group) throw new Error(`could not open an alert group for cluster ${cluster}`);
    return group;
  },

  async setGroupMessage(db: Db, id: number, channel: string, ts: string, at: Date): Promise<void> {
    await db.query('UPDATE alert_groups SET channel = ?, ts = ?, rendered_at = ? WHERE id = ?', [channel, ts, at, id]);
  },

  async setGroupRendered(db: Db, id: number, at: Date): Promise<void> {
    await db.query('UPDATE alert_groups SET rendered_at = ? WHERE id = ?', [at, id]);
  },

  async closeGroup(db: Db, id: number, at: Date): Promise<void> {
    await db.query('UPDATE alert_groups SET open_key = NULL, closed_at = ? WHERE id = ?', [at, id]);
  },

  // ---- silences -------------------------------------------------------------------------
  async silence(db: Db, fingerprint: string, until: Date, by: string, at: Date): Promise<void> {
    await db.query(
      'INSERT INTO alert_silences (fingerprint, until, silenced_by, at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE until = VALUES(until), silenced_by = VALUES(silenced_by), at = VALUES(at)',
      [fingerprint, until, by, at],
    );
  },

  async activeSilences(db: Db, fingerprints: readonly string[], now: Date): Promise<Map<string, Silence>> {
    if (fingerprints.length === 0) return new Map();
    const [rows] = await db.query<RowDataPacket[]>(
      'SELECT * FROM alert_silences WHERE fingerprint IN (?) AND until > ?',
      [fingerprints, now],
    );
    return new Map(rows.map((r) => SilenceRow.parse(r)).map((s) => [s.fingerprint, s]));
  },
};
