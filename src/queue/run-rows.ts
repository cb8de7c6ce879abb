import { inTransaction as transactionOnce } from '../db/transaction.js';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { z } from 'zod';

/** Rows of ticket_runs, ticket_parts and ticket_steps as mysql2 returns them (dateStrings, bigNumberStrings). */

const int = z.coerce.number().int();
const utcDate = z.preprocess((v) => (typeof v === 'string' ? new Date(`${v.replace(' ', 'T')}Z`) : v), z.date());
const text = z.string().nullable();
const json = z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.unknown());
const flag = z.union([z.number(), z.string(), z.boolean()]).transform((v) => v === true || Number(v) === 1);

export const RUN_PHASES = ['planning', 'waiting', 'finishing', 'finished'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];
export const RUN_OUTCOMES = ['succeeded', 'failed', 'cancelled'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];
export const PART_STATES = ['pending', 'running', 'done', 'failed', 'stopped', 'skipped'] as const;
export type PartState = (typeof PART_STATES)[number];
/** Part states nothing leaves. */
export const PART_FINAL: readonly PartState[] = ['done', 'failed', 'stopped', 'skipped'];

export const RunRow = z
  .object({
    ticket_id: int,
    attempt: int,
    job_id: z.string(),
    kind: z.string(),
    run_token: z.string(),
    worker: z.string(),
    phase: z.enum(RUN_PHASES),
    takeovers: int,
    parts_total: int.nullable(),
    part_noun: text,
    progress: z.coerce.number().nullable(),
    progress_text: text,
    log_tail: json,
    status_channel: text,
    status_ts: text,
    started_at: utcDate,
    heartbeat_at: utcDate,
    finished_at: utcDate.nullable(),
    outcome: z.enum(RUN_OUTCOMES).nullable(),
    summary: text,
    details: json,
    final_posted_at: utcDate.nullable(),
  })
  .transform((r) => ({
    ticketId: r.ticket_id,
    attempt: r.attempt,
    jobId: r.job_id,
    kind: r.kind,
    runToken: r.run_token,
    worker: r.worker,
    phase: r.phase,
    takeovers: r.takeovers,
    partsTotal: r.parts_total,
    partNoun: r.part_noun,
    progress: r.progress,
    progressText: r.progress_text,
    logTail: z.array(z.string()).catch([]).parse(r.log_tail),
    status: r.status_channel && r.status_ts ? { channel: r.status_channel, ts: r.status_ts } : null,
    startedAt: r.started_at,
    heartbeatAt: r.heartbeat_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
    summary: r.summary,
    details: z.record(z.string(), z.unknown()).nullable().catch(null).parse(r.details),
    finalPostedAt: r.final_posted_at,
  }));
export type RunRecord = z.output<typeof RunRow>;

export const PartRow = z
  .object({
    ticket_id: int,
    attempt: int,
    part_index: int,
    part_key: z.string(),
    label: z.string(),
    data: json,
    state: z.enum(PART_STATES),
    run_token: text,
    worker: text,
    takeovers: int,
    started_at: utcDate.nullable(),
    finished_at: utcDate.nullable(),
    result: json,
    error: text,
  })
  .transform((r) => ({
    ticketId: r.ticket_id,
    attempt: r.attempt,
    index: r.part_index,
    key: r.part_key,
    label: r.label,
    data: z.record(z.string(), z.unknown()).nullable().catch(null).parse(r.data) ?? undefined,
    state: r.state,
    runToken: r.run_token,
    worker: r.worker,
    takeovers: r.takeovers,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    result: r.result,
    error: r.error,
  }));
export type PartRecord = z.output<typeof PartRow>;

export const STEP_STATES = ['started', 'done', 'failed'] as const;
export const StepRow = z
  .object({
    ticket_id: int,
    attempt: int,
    part_index: int,
    name: z.string(),
    fingerprint: z.string().nullable(),
    seq: int,
    idempotent: flag,
    state: z.enum(STEP_STATES),
    tries: int,
    run_token: z.string(),
    result: json,
    error: text,
    started_at: utcDate,
    finished_at: utcDate.nullable(),
  })
  .transform((r) => ({
    ticketId: r.ticket_id,
    attempt: r.attempt,
    part: r.part_index,
    name: r.name,
    fingerprint: r.fingerprint,
    seq: r.seq,
    idempotent: r.idempotent,
    state: r.state,
    tries: r.tries,
    runToken: r.run_token,
    result: r.result,
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  }));
export type StepRecord = z.output<typeof StepRow>;

/** JSON text for a column; `undefined` is stored as NULL. */
export function jsonText(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

const ER_LOCK_DEADLOCK = 1213;
const DEADLOCK_TRIES = 4;

/** Run `work` in a transaction; a deadlock (InnoDB chose this one to roll back) is tried again. */
export async function inTransaction<T>(db: Pool, work: (conn: PoolConnection) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transactionOnce(db, work);
    } catch (err) {
      const deadlock = typeof err === 'object' && err !== null && 'errno' in err && err.errno === ER_LOCK_DEADLOCK;
      if (!deadlock || attempt >= DEADLOCK_TRIES) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}
