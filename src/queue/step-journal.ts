import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { FencedError } from './errors.js';
import { inTransaction, jsonText, StepRow, type StepRecord } from './run-rows.js';
import type { RunKey } from './run-store.js';
import { sqlDateTime } from '../kernel/format.js';

/** Whose steps: the coordinator (part -1, planning) or one part of the run. */
export interface StepUnit extends RunKey {
  part: number;
  /** The holder's fencing token (the run's for part -1, the part's otherwise). */
  token: string;
}

export const COORDINATOR = -1;

export type StepStart =
  /** Run it (for the first time, or again: an idempotent step resumes). */
  | { run: true; tries: number }
  /** Done before: here is what it returned. */
  | { run: false; result: unknown }
  /** A non-idempotent step began earlier and never finished: it must not run again. */
  | { run: false; interrupted: true }
  /** The journal holds the step for other input (another fingerprint): neither done nor safe to run. */
  | { run: false; mismatch: true; recorded: string | null };

/**
 * The step journal: every step of a run is recorded as started before it runs and as done (with
 * its JSON result) after, each write checking the holder's fencing token. A step may carry a
 * fingerprint of what it runs (a statement's SHA-256); a recorded step counts for a later delivery
 * only when the fingerprints match.
 */
export class StepJournal {
  constructor(private readonly db: Pool) {}

  async begin(
    unit: StepUnit,
    name: string,
    idempotent: boolean,
    at: Date,
    fingerprint: string | null = null,
  ): Promise<StepStart> {
    return inTransaction(this.db, async (conn) => {
      await this.fence(conn, unit, `starting step “${name}”`);
      // The fence's row lock serialises this unit's holders, so plain reads suffice here (and take
      // no gap locks that parts inserting their own steps side by side could deadlock on).
      const [rows] = await conn.query<RowDataPacket[]>(
        'SELECT * FROM ticket_steps WHERE ticket_id = ? AND attempt = ? AND part_index = ? ORDER BY seq',
        [unit.ticketId, unit.attempt, unit.part],
      );
      const steps = rows.map((r) => StepRow.parse(r));
      const step = steps.find((s) => s.name === name);
      if (!step) {
        const earlier = idempotent ? null : await this.doneInEarlierAttempt(conn, unit, name, fingerprint);
        if (earlier) {
          // A retry (attempt n+1) never repeats what an earlier attempt completed and cannot be redone safely.
          await conn.query(
            `INSERT INTO ticket_steps (ticket_id, attempt, part_index, name, fingerprint, seq, idempotent, state, tries, run_token, started_at, finished_at, result) VALUES (?, ?, ?, ?, ?, ?, 0, 'done', 0, ?, ?, ?, ?)`,
            [
              unit.ticketId,
              unit.attempt,
              unit.part,
              name,
              fingerprint,
              steps.length + 1,
              unit.token,
              sqlDateTime(at),
              sqlDateTime(at),
              jsonText(earlier.result ?? null),
            ],
          );
          return { run: false as const, result: earlier.result };
        }
        await conn.query(
          `INSERT INTO ticket_steps (ticket_id, attempt, part_index, name, fingerprint, seq, idempotent, state, tries, run_token, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'started', 1, ?, ?)`,
          [
            unit.ticketId,
            unit.attempt,
            unit.part,
            name,
            fingerprint,
            steps.length + 1,
            idempotent ? 1 : 0,
            unit.token,
            sqlDateTime(at),
          ],
        );
        return { run: true as const, tries: 1 };
      }
      if (step.fingerprint !== fingerprint)
        return { run: false as const, mismatch: true as const, recorded: step.fingerprint };
      if (step.state === 'done') return { run: false as const, result: step.result };
      if (step.runToken === unit.token && step.state === 'started')
        throw new Error(`step “${name}” is run twice in one job: step names must be unique within a run`);
      if (!idempotent || !step.idempotent) return { run: false as const, interrupted: true as const };
      await conn.query(
        `UPDATE ticket_steps SET state = 'started', tries = tries + 1, run_token = ?, started_at = ?, error = NULL WHERE ticket_id = ? AND attempt = ? AND part_index = ? AND name = ?`,
        [unit.token, sqlDateTime(at), unit.ticketId, unit.attempt, unit.part, name],
      );
      return { run: true as const, tries: step.tries + 1 };
    });
  }

  /** The same step (name and fingerprint) done by an earlier attempt of the ticket, if any. */
  private async doneInEarlierAttempt(
    conn: PoolConnection,
    unit: StepUnit,
    name: string,
    fingerprint: string | null,
  ): Promise<StepRecord | null> {
    if (unit.attempt <= 1) return null;
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT * FROM ticket_steps WHERE ticket_id = ? AND attempt < ? AND part_index = ? AND name = ? AND state = 'done' ORDER BY attempt DESC LIMIT 1`,
      [unit.ticketId, unit.attempt, unit.part, name],
    );
    const found = rows.map((r) => StepRow.parse(r))[0];
    return found && found.fingerprint === fingerprint ? found : null;
  }

  /** Record a step's end: done with its result, or failed with the cause; only while this holder still holds the unit. */
  async end(
    unit: StepUnit,
    name: string,
    at: Date,
    outcome: { ok: true; result: unknown } | { ok: false; error: string },
  ): Promise<void> {
    await inTransaction(this.db, async (conn) => {
      await this.fence(conn, unit, `recording step “${name}”`);
      const [res] = await conn.query<ResultSetHeader>(
        `UPDATE ticket_steps SET state = ?, result = ?, error = ?, finished_at = ? WHERE ticket_id = ? AND attempt = ? AND part_index = ? AND name = ? AND run_token = ?`,
        [
          outcome.ok ? 'done' : 'failed',
          outcome.ok ? jsonText(outcome.result ?? null) : null,
          outcome.ok ? null : outcome.error.slice(0, 4000),
          sqlDateTime(at),
          unit.ticketId,
          unit.attempt,
          unit.part,
          name,
          unit.token,
        ],
      );
      if (res.affectedRows !== 1) throw new FencedError(`recording step “${name}” of T-${unit.ticketId}`);
    });
  }

  /** Every step of a run (or of one part), in the order they began. */
  async list(key: RunKey, part?: number): Promise<StepRecord[]> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      `SELECT * FROM ticket_steps WHERE ticket_id = ? AND attempt = ?${part === undefined ? '' : ' AND part_index = ?'} ORDER BY part_index, seq`,
      part === undefined ? [key.ticketId, key.attempt] : [key.ticketId, key.attempt, part],
    );
    return rows.map((r) => StepRow.parse(r));
  }

  private async fence(conn: PoolConnection, unit: StepUnit, what: string): Promise<void> {
    const [rows] =
      unit.part === COORDINATOR
        ? await conn.query<RowDataPacket[]>(
            'SELECT run_token FROM ticket_runs WHERE ticket_id = ? AND attempt = ? FOR UPDATE',
            [unit.ticketId, unit.attempt],
          )
        : await conn.query<RowDataPacket[]>(
            'SELECT run_token FROM ticket_parts WHERE ticket_id = ? AND attempt = ? AND part_index = ? FOR UPDATE',
            [unit.ticketId, unit.attempt, unit.part],
          );
    if (rows[0]?.run_token !== unit.token) throw new FencedError(`${what} of T-${unit.ticketId}`);
  }
}
