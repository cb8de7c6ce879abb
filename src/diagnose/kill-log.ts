import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import type { KillRequest, Session } from './types.js';

const ER_DUP_ENTRY = 1062;

export type KillClaim = { ok: true; id: number } | { ok: false; by: string; at: Date; outcome: string };

const ExistingRow = z.object({ actor: z.string(), at: z.coerce.date(), outcome: z.string() });

/** The audit log of kills in the meta database (table `kill_log`, migration 009). */
export class KillLog {
  constructor(private readonly meta: Pool) {}

  /**
   * Record that `request.actor` is killing the thread; only the first claim of a thread, kind and
   * snapshot succeeds (a unique key), so concurrent clicks kill once. A later claim gets who was first.
   */
  async claim(request: KillRequest, at: Date): Promise<KillClaim> {
    try {
      const [result] = await this.meta.query<ResultSetHeader>(
        `INSERT INTO kill_log (at, actor, cluster, instance, thread_id, kind, snapshot_ms, outcome)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
        [at, request.actor, request.cluster, request.instance, request.threadId, request.kind, request.snapshot],
      );
      return { ok: true, id: result.insertId };
    } catch (err) {
      if (!(typeof err === 'object' && err !== null && 'errno' in err && err.errno === ER_DUP_ENTRY)) throw err;
      const [rows] = await this.meta.query<RowDataPacket[]>(
        `SELECT actor, at, outcome FROM kill_log
         WHERE cluster = ? AND instance = ? AND thread_id = ? AND kind = ? AND snapshot_ms = ?`,
        [request.cluster, request.instance, request.threadId, request.kind, request.snapshot],
      );
      const row = ExistingRow.parse(rows[0]);
      return { ok: false, by: row.actor, at: row.at, outcome: row.outcome };
    }
  }

  /** How the kill ended, with what the thread ran when it was killed. */
  async finish(
    id: number,
    outcome: 'killed' | 'ended' | 'failed',
    at: Date,
    detail: string | null,
    session?: Pick<Session, 'user' | 'host' | 'schema' | 'statement'>,
  ): Promise<void> {
    await this.meta.query(
      `UPDATE kill_log SET outcome = ?, detail = ?, finished_at = ?, target_user = ?, target_host = ?, target_schema = ?,
       statement = ? WHERE id = ?`,
      [
        outcome,
        detail?.slice(0, 255) ?? null,
        at,
        session?.user ?? null,
        session?.host ?? null,
        session?.schema ?? null,
        session?.statement ?? null,
        id,
      ],
    );
  }
}
