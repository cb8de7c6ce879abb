import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { FencedError } from './errors.js';
import type { JobPart } from './job-kind.js';
import {
  inTransaction,
  jsonText,
  PartRow,
  PART_FINAL,
  RunRow,
  type PartRecord,
  type PartState,
  type RunOutcome,
  type RunPhase,
  type RunRecord,
} from './run-rows.js';
import { sqlDateTime } from '../kernel/format.js';

export interface RunKey {
  ticketId: number;
  attempt: number;
}

export interface Claimant extends RunKey {
  token: string;
  worker: string;
  at: Date;
}

export type RunClaim = {
  run: RunRecord /** the run as the previous holder left it; null on the first claim */;
  previous: RunRecord | null;
};
export type PartClaim =
  | {
      claimed: true;
      part: PartRecord /** a worker held it and stopped answering */;
      takeover: boolean;
      previousWorker: string | null;
    }
  | { claimed: false; part: PartRecord };

const LOG_LINES_KEPT = 5;
const TEXT_MAX = 500;

/**
 * Runs, parts and their fencing tokens in the meta database. Claims hand a run or a part to a
 * worker with a fresh token; writes that belong to the holder check the token, so a worker that
 * lost its job (another took over) gets a FencedError instead of recording anything.
 */
export class RunStore {
  constructor(readonly db: Pool) {}

  /** Take the run of a ticket attempt: the first claim creates it, later ones (a resume or a take-over) re-token it. */
  async claimRun(c: Claimant & { jobId: string; kind: string }): Promise<RunClaim> {
    const [inserted] = await this.db.query<ResultSetHeader>(
      `INSERT IGNORE INTO ticket_runs (ticket_id, attempt, job_id, kind, run_token, worker, phase, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, 'planning', ?, ?)`,
      [c.ticketId, c.attempt, c.jobId, c.kind, c.token, c.worker, sqlDateTime(c.at), sqlDateTime(c.at)],
    );
    return inTransaction(this.db, async (conn) => {
      const current = await this.readRun(conn, c, true);
      if (!current)
        throw new Error(`run of ticket ${c.ticketId} attempt ${c.attempt} is missing right after it was written`);
      if (inserted.affectedRows === 1) return { run: current, previous: null };
      const interrupted = current.phase === 'planning' || current.phase === 'finishing';
      await conn.query(
        'UPDATE ticket_runs SET run_token = ?, worker = ?, heartbeat_at = ?, takeovers = takeovers + ? WHERE ticket_id = ? AND attempt = ?',
        [c.token, c.worker, sqlDateTime(c.at), interrupted ? 1 : 0, c.ticketId, c.attempt],
      );
      const run = await this.readRun(conn, c, false);
      if (!run) throw new Error(`run of ticket ${c.ticketId} attempt ${c.attempt} vanished inside its own transaction`);
      return { run, previous: current };
    });
  }

  async getRun(key: RunKey): Promise<RunRecord | null> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      'SELECT * FROM ticket_runs WHERE ticket_id = ? AND attempt = ?',
      [key.ticketId, key.attempt],
    );
    return rows[0] ? RunRow.parse(rows[0]) : null;
  }

  /** Move the run to another phase; only its holder may. */
  async setPhase(c: Omit<Claimant, 'worker'>, phase: RunPhase): Promise<void> {
    await this.fencedRunUpdate(c, 'phase = ?, heartbeat_at = ?', [phase, sqlDateTime(c.at)], 'setting the run phase');
  }

  /** Record the plan (its parts, once) with the noun the thread counts them in. */
  async savePlan(c: Omit<Claimant, 'worker'>, noun: string, parts: readonly JobPart[]): Promise<void> {
    await inTransaction(this.db, async (conn) => {
      await this.fenceRun(conn, c, 'saving the plan');
      for (let i = 0; i < parts.length; i += 500) {
        const rows = parts
          .slice(i, i + 500)
          .map((p, j) => [c.ticketId, c.attempt, i + j, p.key, p.label.slice(0, 255), jsonText(p.data)]);
        await conn.query(
          'INSERT IGNORE INTO ticket_parts (ticket_id, attempt, part_index, part_key, label, data) VALUES ?',
          [rows],
        );
      }
      await conn.query('UPDATE ticket_runs SET parts_total = ?, part_noun = ? WHERE ticket_id = ? AND attempt = ?', [
        parts.length,
        noun,
        c.ticketId,
        c.attempt,
      ]);
    });
  }

  async parts(key: RunKey): Promise<PartRecord[]> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      'SELECT * FROM ticket_parts WHERE ticket_id = ? AND attempt = ? ORDER BY part_index',
      [key.ticketId, key.attempt],
    );
    return rows.map((r) => PartRow.parse(r));
  }

  async part(key: RunKey, index: number): Promise<PartRecord | null> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      'SELECT * FROM ticket_parts WHERE ticket_id = ? AND attempt = ? AND part_index = ?',
      [key.ticketId, key.attempt, index],
    );
    return rows[0] ? PartRow.parse(rows[0]) : null;
  }

  async partCounts(key: RunKey): Promise<Record<PartState, number>> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      'SELECT state, COUNT(*) AS n FROM ticket_parts WHERE ticket_id = ? AND attempt = ? GROUP BY state',
      [key.ticketId, key.attempt],
    );
    const counts: Record<PartState, number> = { pending: 0, running: 0, done: 0, failed: 0, stopped: 0, skipped: 0 };
    for (const row of rows)
      if (typeof row.state === 'string' && row.state in counts) counts[row.state as PartState] = Number(row.n);
    return counts;
  }

  /** Take a part. A finished part is not taken again: the caller gets it as it ended. */
  async claimPart(c: Claimant, index: number): Promise<PartClaim> {
    return inTransaction(this.db, async (conn) => {
      const part = await this.readPart(conn, c, index, true);
      if (!part) throw new Error(`part ${index} of ticket ${c.ticketId} attempt ${c.attempt} is not in the plan`);
      if (PART_FINAL.includes(part.state)) return { claimed: false as const, part };
      const takeover = part.state === 'running';
      await conn.query(
        `UPDATE ticket_parts SET state = 'running', run_token = ?, worker = ?, started_at = COALESCE(started_at, ?), takeovers = takeovers + ?
         WHERE ticket_id = ? AND attempt = ? AND part_index = ?`,
        [c.token, c.worker, sqlDateTime(c.at), takeover ? 1 : 0, c.ticketId, c.attempt, index],
      );
      const claimed = await this.readPart(conn, c, index, false);
      if (!claimed) throw new Error(`part ${index} vanished inside its own transaction`);
      return { claimed: true as const, part: claimed, takeover, previousWorker: takeover ? part.worker : null };
    });
  }

  /** How a part ended; only its holder may say. */
  async finishPart(
    c: Omit<Claimant, 'worker'>,
    index: number,
    end: { state: PartState; result?: unknown; error?: string },
  ): Promise<void> {
    const [res] = await this.db.query<ResultSetHeader>(
      'UPDATE ticket_parts SET state = ?, finished_at = ?, result = ?, error = ? WHERE ticket_id = ? AND attempt = ? AND part_index = ? AND run_token = ?',
      [
        end.state,
        sqlDateTime(c.at),
        jsonText(end.result),
        end.error?.slice(0, 4000) ?? null,
        c.ticketId,
        c.attempt,
        index,
        c.token,
      ],
    );
    if (res.affectedRows !== 1) throw new FencedError(`finishing part ${index} of T-${c.ticketId}`);
  }

  /** Mark a part that never started (the run was stopped before it) without taking it. */
  async skipPart(key: RunKey, index: number, at: Date, why: string): Promise<void> {
    await this.db.query(
      `UPDATE ticket_parts SET state = 'skipped', finished_at = ?, error = ? WHERE ticket_id = ? AND attempt = ? AND part_index = ? AND state = 'pending'`,
      [sqlDateTime(at), why.slice(0, 4000), key.ticketId, key.attempt, index],
    );
  }

  async heartbeat(key: RunKey, at: Date): Promise<void> {
    await this.db.query(
      'UPDATE ticket_runs SET heartbeat_at = GREATEST(heartbeat_at, ?) WHERE ticket_id = ? AND attempt = ?',
      [sqlDateTime(at), key.ticketId, key.attempt],
    );
  }

  async setProgress(key: RunKey, fraction: number | null, message: string): Promise<void> {
    const clamped = fraction === null || !Number.isFinite(fraction) ? null : Math.min(1, Math.max(0, fraction));
    await this.db.query('UPDATE ticket_runs SET progress = ?, progress_text = ? WHERE ticket_id = ? AND attempt = ?', [
      clamped,
      message.slice(0, TEXT_MAX),
      key.ticketId,
      key.attempt,
    ]);
  }

  /** Keep the last few log lines for the status message (the full log is the job's, in BullMQ). */
  async appendLog(key: RunKey, line: string): Promise<void> {
    const run = await this.getRun(key);
    if (!run) return;
    const tail = [...run.logTail, line.slice(0, TEXT_MAX)].slice(-LOG_LINES_KEPT);
    await this.db.query('UPDATE ticket_runs SET log_tail = ? WHERE ticket_id = ? AND attempt = ?', [
      JSON.stringify(tail),
      key.ticketId,
      key.attempt,
    ]);
  }

  /** Remember the status message; false when another worker posted one first (use theirs). */
  async setStatusMessage(key: RunKey, channel: string, ts: string): Promise<boolean> {
    const [res] = await this.db.query<ResultSetHeader>(
      'UPDATE ticket_runs SET status_channel = ?, status_ts = ? WHERE ticket_id = ? AND attempt = ? AND status_ts IS NULL',
      [channel, ts, key.ticketId, key.attempt],
    );
    return res.affectedRows === 1;
  }

  /** The run's end, written once by its holder. */
  async finishRun(
    c: Omit<Claimant, 'worker'>,
    end: { outcome: RunOutcome; summary: string; details?: Record<string, unknown> },
  ): Promise<void> {
    await this.fencedRunUpdate(
      c,
      `phase = 'finished', finished_at = ?, outcome = ?, summary = ?, details = ?, progress = IF(? = 'succeeded', 1, progress)`,
      [sqlDateTime(c.at), end.outcome, end.summary.slice(0, 60_000), jsonText(end.details), end.outcome],
      'finishing the run',
    );
  }

  /**
   * End a run its holder can no longer end (its job vanished, or stalled too often): true when this
   * call wrote the end, false when the run had ended already (or never began).
   */
  async forceFinishRun(key: RunKey, end: { outcome: RunOutcome; summary: string }, at: Date): Promise<boolean> {
    const [res] = await this.db.query<ResultSetHeader>(
      `UPDATE ticket_runs SET phase = 'finished', finished_at = ?, outcome = ?, summary = ? WHERE ticket_id = ? AND attempt = ? AND finished_at IS NULL`,
      [sqlDateTime(at), end.outcome, end.summary.slice(0, 60_000), key.ticketId, key.attempt],
    );
    return res.affectedRows === 1;
  }

  /** Put a part back for another worker (a graceful hand-back): it is not counted as a take-over. */
  async releasePart(c: Omit<Claimant, 'worker' | 'at'>, index: number): Promise<void> {
    await this.db.query(
      `UPDATE ticket_parts SET state = 'pending', run_token = NULL, worker = NULL WHERE ticket_id = ? AND attempt = ? AND part_index = ? AND run_token = ?`,
      [c.ticketId, c.attempt, index, c.token],
    );
  }

  /** Take the job of posting a finished run's final message for `leaseMs`; false when it is posted or someone else is on it. */
  async claimFinalPost(key: RunKey, now: Date, leaseMs: number): Promise<boolean> {
    const [res] = await this.db.query<ResultSetHeader>(
      `UPDATE ticket_runs SET final_claim_until = ? WHERE ticket_id = ? AND attempt = ? AND finished_at IS NOT NULL AND final_posted_at IS NULL
         AND (final_claim_until IS NULL OR final_claim_until < ?)`,
      [sqlDateTime(new Date(now.getTime() + leaseMs)), key.ticketId, key.attempt, sqlDateTime(now)],
    );
    return res.affectedRows === 1;
  }

  async markFinalPosted(key: RunKey, at: Date): Promise<void> {
    await this.db.query('UPDATE ticket_runs SET final_posted_at = ? WHERE ticket_id = ? AND attempt = ?', [
      sqlDateTime(at),
      key.ticketId,
      key.attempt,
    ]);
  }

  /** Finished runs whose final message has not reached Slack and nobody is posting. */
  async unpostedFinals(now: Date, limit = 50): Promise<RunRecord[]> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      `SELECT * FROM ticket_runs WHERE final_posted_at IS NULL AND finished_at IS NOT NULL AND (final_claim_until IS NULL OR final_claim_until < ?)
       ORDER BY finished_at LIMIT ${Math.max(1, Math.trunc(limit))}`,
      [sqlDateTime(now)],
    );
    return rows.map((r) => RunRow.parse(r));
  }

  private async readRun(conn: PoolConnection, key: RunKey, lock: boolean): Promise<RunRecord | null> {
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT * FROM ticket_runs WHERE ticket_id = ? AND attempt = ?${lock ? ' FOR UPDATE' : ''}`,
      [key.ticketId, key.attempt],
    );
    return rows[0] ? RunRow.parse(rows[0]) : null;
  }

  private async readPart(conn: PoolConnection, key: RunKey, index: number, lock: boolean): Promise<PartRecord | null> {
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT * FROM ticket_parts WHERE ticket_id = ? AND attempt = ? AND part_index = ?${lock ? ' FOR UPDATE' : ''}`,
      [key.ticketId, key.attempt, index],
    );
    return rows[0] ? PartRow.parse(rows[0]) : null;
  }

  private async fenceRun(conn: PoolConnection, c: RunKey & { token: string }, what: string): Promise<void> {
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT run_token FROM ticket_runs WHERE ticket_id = ? AND attempt = ? FOR UPDATE',
      [c.ticketId, c.attempt],
    );
    if (rows[0]?.run_token !== c.token) throw new FencedError(`${what} of T-${c.ticketId}`);
  }

  private async fencedRunUpdate(
    c: RunKey & { token: string },
    sets: string,
    params: unknown[],
    what: string,
  ): Promise<void> {
    const [res] = await this.db.query<ResultSetHeader>(
      `UPDATE ticket_runs SET ${sets} WHERE ticket_id = ? AND attempt = ? AND run_token = ?`,
      [...params, c.ticketId, c.attempt, c.token],
    );
    if (res.affectedRows !== 1) throw new FencedError(`${what} of T-${c.ticketId}`);
  }
}
