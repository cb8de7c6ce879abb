import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { sqlDateTime } from '../kernel/format.js';
import { BACKUP_TOOLS, Manifest, type BackupTool } from './manifest.js';

export const SET_STATES = ['running', 'good', 'failed', 'removed'] as const;
export type SetState = (typeof SET_STATES)[number];
export const VERIFY_STATES = ['none', 'running', 'passed', 'failed'] as const;
export type VerifyState = (typeof VERIFY_STATES)[number];
export const TRIGGERS = ['schedule', 'catch-up', 'manual'] as const;
export type BackupTrigger = (typeof TRIGGERS)[number];

export interface BackupSet {
  id: number;
  ref: string;
  cluster: string;
  state: SetState;
  trigger: BackupTrigger;
  requestedBy: string | null;
  attempt: number;
  runToken: string;
  worker: string;
  tool: BackupTool;
  source: string;
  path: string;
  startedAt: Date;
  finishedAt: Date | null;
  bytes: number | null;
  rows: number | null;
  tables: number | null;
  manifest: Manifest | null;
  error: string | null;
  verifyState: VerifyState;
  verifyCluster: string | null;
  verifyDetail: string | null;
  verifiedAt: Date | null;
}

const date = z.preprocess((v) => (typeof v === 'string' ? new Date(`${v.replace(' ', 'T')}Z`) : v), z.date());
const count = z.coerce.number().nullable();
const Row = z.object({
  id: z.coerce.number(),
  cluster: z.string(),
  state: z.enum(SET_STATES),
  trigger_kind: z.enum(TRIGGERS),
  requested_by: z.string().nullable(),
  attempt: z.coerce.number(),
  run_token: z.string(),
  worker: z.string(),
  tool: z.enum(BACKUP_TOOLS),
  source: z.string(),
  path: z.string(),
  started_at: date,
  finished_at: date.nullable(),
  bytes: count,
  table_rows: count,
  table_count: count,
  manifest: z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), Manifest.nullable()).nullable(),
  error: z.string().nullable(),
  verify_state: z.enum(VERIFY_STATES),
  verify_cluster: z.string().nullable(),
  verify_detail: z.string().nullable(),
  verified_at: date.nullable(),
});

function toSet(row: unknown): BackupSet {
  const r = Row.parse(row);
  return {
    id: r.id,
    ref: `B-${r.id}`,
    cluster: r.cluster,
    state: r.state,
    trigger: r.trigger_kind,
    requestedBy: r.requested_by,
    attempt: r.attempt,
    runToken: r.run_token,
    worker: r.worker,
    tool: r.tool,
    source: r.source,
    path: r.path,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    bytes: r.bytes,
    rows: r.table_rows,
    tables: r.table_count,
    manifest: r.manifest,
    error: r.error,
    verifyState: r.verify_state,
    verifyCluster: r.verify_cluster,
    verifyDetail: r.verify_detail,
    verifiedAt: r.verified_at,
  };
}

export interface NewSet
  extends Pick<
    BackupSet,
    'cluster' | 'trigger' | 'requestedBy' | 'attempt' | 'runToken' | 'worker' | 'tool' | 'source'
  > {
  /** The set's directory from its id (`…/B-<id>`). */
  pathOf(id: number): string;
  now: Date;
}

/** Backup sets in the meta database (migration 020). */
export class BackupStore {
  constructor(readonly pool: Pool) {}

  async create(input: NewSet): Promise<BackupSet> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `INSERT INTO backup_sets (cluster, state, trigger_kind, requested_by, attempt, run_token, worker, tool, source, path, started_at)
       VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, '', ?)`,
      [
        input.cluster,
        input.trigger,
        input.requestedBy,
        input.attempt,
        input.runToken,
        input.worker.slice(0, 255),
        input.tool,
        input.source,
        sqlDateTime(input.now),
      ],
    );
    const id = result.insertId;
    await this.pool.query('UPDATE backup_sets SET path = ? WHERE id = ?', [input.pathOf(id), id]);
    const set = await this.get(id);
    if (!set) throw new Error(`backup set B-${id} vanished right after it was created`);
    return set;
  }

  async get(id: number): Promise<BackupSet | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT * FROM backup_sets WHERE id = ?', [id]);
    return rows[0] ? toSet(rows[0]) : null;
  }

  /** Mark the set good with its manifest — only if this run still owns it (the fence). */
  async finishGood(id: number, token: string, manifest: Manifest, totals: Totals, now: Date): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `UPDATE backup_sets SET state = 'good', finished_at = ?, manifest = ?, bytes = ?, table_rows = ?, table_count = ?
       WHERE id = ? AND run_token = ? AND state = 'running'`,
      [sqlDateTime(now), JSON.stringify(manifest), totals.bytes, totals.rows, totals.tables, id, token],
    );
    return result.affectedRows === 1;
  }

  /** A run that failed (its files are gone); only a running set changes. */
  async finishFailed(id: number, error: string, now: Date): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `UPDATE backup_sets SET state = 'failed', finished_at = ?, error = ? WHERE id = ? AND state = 'running'`,
      [sqlDateTime(now), error.slice(0, 4000), id],
    );
    return result.affectedRows === 1;
  }

  async markRemoved(id: number): Promise<void> {
    await this.pool.query(`UPDATE backup_sets SET state = 'removed' WHERE id = ? AND state = 'good'`, [id]);
  }

  async setVerify(
    id: number,
    state: VerifyState,
    fields: { cluster?: string; detail?: string | null; manifest?: Manifest; now?: Date } = {},
  ): Promise<void> {
    await this.pool.query(
      `UPDATE backup_sets SET verify_state = ?, verify_cluster = COALESCE(?, verify_cluster),
         verify_detail = ?, verified_at = ?, manifest = COALESCE(?, manifest) WHERE id = ?`,
      [
        state,
        fields.cluster ?? null,
        fields.detail?.slice(0, 4000) ?? null,
        fields.now ? sqlDateTime(fields.now) : null,
        fields.manifest ? JSON.stringify(fields.manifest) : null,
        id,
      ],
    );
  }

  /** Sets of a cluster (or all), newest first. */
  async list(cluster: string | null, limit: number): Promise<BackupSet[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT * FROM backup_sets ${cluster ? 'WHERE cluster = ?' : ''} ORDER BY id DESC LIMIT ?`,
      cluster ? [cluster, limit] : [limit],
    );
    return rows.map(toSet);
  }

  async byState(cluster: string, state: SetState): Promise<BackupSet[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT * FROM backup_sets WHERE cluster = ? AND state = ? ORDER BY id DESC',
      [cluster, state],
    );
    return rows.map(toSet);
  }

  /** When the cluster's newest set started (any outcome), and its newest good set finished. */
  async latest(cluster: string): Promise<{ started: Date | null; good: Date | null }> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT MAX(started_at) AS started, MAX(CASE WHEN state IN ('good', 'removed') THEN started_at END) AS good
       FROM backup_sets WHERE cluster = ?`,
      [cluster],
    );
    const parse = (v: unknown) => (typeof v === 'string' ? new Date(`${v.replace(' ', 'T')}Z`) : null);
    return { started: parse(rows[0]?.started), good: parse(rows[0]?.good) };
  }

  /**
   * Runs that ended since `since`, per cluster: how many, how many good. A run retried three times
   * counts once per try; a set later removed by retention still counts as good.
   */
  async successRate(since: Date): Promise<Map<string, { runs: number; good: number }>> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT cluster, COUNT(*) AS runs, SUM(state IN ('good', 'removed')) AS good
       FROM backup_sets WHERE started_at >= ? AND state <> 'running' GROUP BY cluster`,
      [sqlDateTime(since)],
    );
    return new Map(rows.map((r) => [String(r.cluster), { runs: Number(r.runs), good: Number(r.good) }]));
  }
}

export interface Totals {
  bytes: number;
  rows: number;
  tables: number;
}
