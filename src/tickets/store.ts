import { z } from 'zod';
import type { KindRegistry } from './kind.js';
import { inTransaction } from '../db/transaction.js';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { Environment } from '../config/schema.js';
import { AWAITING_DECISION, nextState, TICKET_STATES, type TicketAction, type TicketState } from './state-machine.js';
import type { Seal } from './seal.js';
import {
  approvalFromRow,
  eventFromRow,
  sealFromRow,
  ticketFromRow,
  type Approval,
  type KindAndPayload,
  type NoteAction,
  type SlackRefs,
  type Ticket,
  type TicketEvent,
  type TicketReview,
} from './ticket.js';
import { sqlDateTime } from '../kernel/format.js';

export type NewTicket = KindAndPayload & {
  requester: string;
  cluster: string;
  schema: string | null;
  environment: Environment;
  review: TicketReview | null;
  estimatedRows: number | null;
  runAt: Date | null;
  approvalsNeeded: number;
  /** Makes create idempotent: a second create with the same key returns the first ticket. */
  sourceKey?: string | null;
  slack?: Partial<SlackRefs>;
};

export type CreateResult = { created: true; ticket: Ticket; event: TicketEvent } | { created: false; ticket: Ticket };

export interface TransitionRequest {
  ticketId: number;
  /** Compare-and-set: the write happens only if the ticket is still in this state at this version. */
  expect: { state: TicketState; version: number };
  action: TicketAction;
  /** Slack user id, or 'dbops'. */
  actor: string;
  note?: Record<string, unknown>;
  /** Fields written together with the state change. */
  set?: { attempt?: number; exception?: boolean; exceptionReason?: string | null; approvalsNeeded?: number };
  /** An approval recorded in the same transaction; one per ticket and approver. */
  approval?: { approver: string; exception: boolean };
  /** The sealed decision (src/tickets/seal.ts) that makes an approval count for the runner; one per ticket and signer. */
  seal?: Seal;
  at: Date;
}

export type TransitionResult =
  | { ok: true; ticket: Ticket; event: TicketEvent }
  /** The state machine does not allow the action from the expected state; nothing was written. */
  | { ok: false; reason: 'forbidden'; message: string }
  /** Someone else changed the ticket first (or it does not exist); `current` is what it is now. */
  | { ok: false; reason: 'conflict'; current: Ticket | null };

export interface ListOptions {
  requester?: string;
  states?: readonly TicketState[];
  limit?: number;
  /** Page: tickets with a smaller id (newest-first order) or larger id (oldest-first). */
  after?: number;
  order?: 'newest' | 'oldest';
}

/** A row of `waiting()` (mysql2 gives DATETIME as UTC text, BIGINT as text). */
const WaitingRow = z
  .object({ id: z.union([z.string(), z.number()]), since: z.string() })
  .transform((r) => ({ id: Number(r.id), since: new Date(`${r.since.replace(' ', 'T')}Z`) }));

const ER_DUP_ENTRY = 1062;
const ER_LOCK_DEADLOCK = 1213;
const ER_LOCK_WAIT_TIMEOUT = 1205;
const SLACK_COLUMNS = [
  ['requestChannel', 'request_channel'],
  ['requestTs', 'request_ts'],
  ['approvalChannel', 'approval_channel'],
  ['approvalTs', 'approval_ts'],
  ['threadChannel', 'thread_channel'],
  ['threadTs', 'thread_ts'],
] as const satisfies ReadonlyArray<readonly [keyof SlackRefs, string]>;

export interface TicketStoreOptions {
  /**
   * Called after each change this store made (a ticket created, a transition won), outside its
   * transaction: outbound webhooks. It must not throw or block; an error it throws is dropped.
   */
  onChange?: (ticket: Ticket, event: TicketEvent) => void;
}

/** An event that changes nothing of the ticket: what was done about it from outside the state machine. */
interface TicketNote {
  ticketId: number;
  actor: string;
  action: NoteAction;
  at: Date;
  note: Record<string, unknown>;
}

/** Tickets, approvals and the event log in the meta database. Every state change is compare-and-set. */
export class TicketStore {
  /** `kinds` checks every ticket's kind and payload, written or read (jobs/index.ts, or a test's list). */
  constructor(
    private readonly db: Pool,
    readonly kinds: KindRegistry,
    private readonly options: TicketStoreOptions = {},
  ) {}

  private changed(ticket: Ticket, event: TicketEvent): void {
    try {
      this.options.onChange?.(ticket, event);
    } catch {
      // a listener's fault never undoes or fails a committed change
    }
  }

  /** Insert a ticket in `submitted` with its `submit` event, in one transaction. */
  async create(input: NewTicket, at: Date): Promise<CreateResult> {
    const result = await this.insert(input, at);
    if (result.created) this.changed(result.ticket, result.event);
    return result;
  }

  private async insert(input: NewTicket, at: Date): Promise<CreateResult> {
    const now = sqlDateTime(at);
    const slack = input.slack ?? {};
    try {
      return await this.inTransaction(async (conn) => {
        const [res] = await conn.query<ResultSetHeader>(
          `INSERT INTO tickets (kind, payload, requester, cluster, schema_name, environment, review, estimated_rows, run_at,
             state, version, attempt, approvals_needed, exception, request_channel, request_ts, approval_channel, approval_ts,
             thread_channel, thread_ts, source_key, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'submitted', 1, 1, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            input.kind,
            JSON.stringify(input.payload),
            input.requester,
            input.cluster,
            input.schema,
            input.environment,
            input.review === null ? null : JSON.stringify(input.review),
            input.estimatedRows,
            input.runAt === null ? null : sqlDateTime(input.runAt),
            input.approvalsNeeded,
            slack.requestChannel ?? null,
            slack.requestTs ?? null,
            slack.approvalChannel ?? null,
            slack.approvalTs ?? null,
            slack.threadChannel ?? null,
            slack.threadTs ?? null,
            input.sourceKey ?? null,
            now,
            now,
          ],
        );
        const id = Number(res.insertId);
        const event = await insertEvent(conn, {
          ticketId: id,
          at,
          actor: input.requester,
          from: null,
          to: 'submitted',
          action: 'submit',
          note: {},
        });
        const ticket = await this.read(conn, id);
        if (!ticket) throw new Error(`ticket ${id} vanished inside its own transaction`);
        return { created: true as const, ticket, event };
      });
    } catch (err) {
      if (errno(err) !== ER_DUP_ENTRY || !input.sourceKey) throw err;
      const existing = await this.getBySourceKey(input.sourceKey);
      if (!existing) throw err;
      return { created: false, ticket: existing };
    }
  }

  async get(id: number): Promise<Ticket | null> {
    const conn = await this.db.getConnection();
    try {
      // One snapshot for the ticket and its approvals: read apart, a decision committed in between
      // shows an "awaiting" ticket that already holds the approval that ended the wait.
      await conn.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      return await this.read(conn, id);
    } finally {
      await conn.query('COMMIT').catch(() => undefined);
      conn.release();
    }
  }

  async getBySourceKey(key: string): Promise<Ticket | null> {
    const [rows] = await this.db.query<RowDataPacket[]>('SELECT * FROM tickets WHERE source_key = ?', [key]);
    return (await this.withApprovals(rows))[0] ?? null;
  }

  /** The ticket whose approval message is (channel, ts): for clicks that carry no ticket id. */
  async getByApprovalMessage(channel: string, ts: string): Promise<Ticket | null> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      'SELECT * FROM tickets WHERE approval_channel = ? AND approval_ts = ? ORDER BY id DESC LIMIT 1',
      [channel, ts],
    );
    return (await this.withApprovals(rows))[0] ?? null;
  }

  async list(options: ListOptions = {}): Promise<Ticket[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const newest = (options.order ?? 'newest') === 'newest';
    if (options.requester !== undefined) {
      where.push('requester = ?');
      params.push(options.requester);
    }
    if (options.states !== undefined) {
      if (options.states.length === 0) return [];
      where.push('state IN (?)');
      params.push([...options.states]);
    }
    if (options.after !== undefined) {
      where.push(newest ? 'id < ?' : 'id > ?');
      params.push(options.after);
    }
    const limit = Math.min(Math.max(options.limit ?? 20, 1), 500);
    const sql = `SELECT * FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${newest ? 'DESC' : 'ASC'} LIMIT ${limit}`;
    const [rows] = await this.db.query<RowDataPacket[]>(sql, params);
    return this.withApprovals(rows);
  }

  /** A requester's own tickets, newest first. */
  listMine(requester: string, options: Omit<ListOptions, 'requester'> = {}): Promise<Ticket[]> {
    return this.list({ ...options, requester });
  }

  /** Tickets waiting for a DBA's decision, oldest first. */
  listPending(options: Omit<ListOptions, 'states' | 'order'> = {}): Promise<Ticket[]> {
    return this.list({ ...options, states: ['awaiting_approval', 'awaiting_exception'], order: 'oldest' });
  }

  listAll(options: ListOptions = {}): Promise<Ticket[]> {
    return this.list(options);
  }

  /** The whole history of a ticket, oldest first. */
  async events(ticketId: number): Promise<TicketEvent[]> {
    const [rows] = await this.db.query<RowDataPacket[]>('SELECT * FROM ticket_events WHERE ticket_id = ? ORDER BY id', [
      ticketId,
    ]);
    return rows.map(eventFromRow);
  }

  /**
   * Compare-and-set a state change and append its event (and an approval, if given) in one
   * transaction. Of two racing calls with the same expectation, exactly one succeeds.
   */
  async transition(request: TransitionRequest): Promise<TransitionResult> {
    const result = await this.compareAndSet(request);
    if (result.ok) this.changed(result.ticket, result.event);
    return result;
  }

  private async compareAndSet(request: TransitionRequest): Promise<TransitionResult> {
    const step = nextState(request.expect.state, request.action);
    if (!step.ok) return { ok: false, reason: 'forbidden', message: step.reason };
    const { sets, params } = extraColumns(request.set ?? {});
    try {
      return await this.inTransaction(async (conn) => {
        const [res] = await conn.query<ResultSetHeader>(
          `UPDATE tickets SET state = ?, version = version + 1, updated_at = ?${sets} WHERE id = ? AND state = ? AND version = ?`,
          [step.to, sqlDateTime(request.at), ...params, request.ticketId, request.expect.state, request.expect.version],
        );
        if (res.affectedRows !== 1) throw new CasLost();
        if (request.approval) {
          await conn.query('INSERT INTO ticket_approvals (ticket_id, approver, at, exception) VALUES (?, ?, ?, ?)', [
            request.ticketId,
            request.approval.approver,
            sqlDateTime(request.at),
            request.approval.exception ? 1 : 0,
          ]);
        }
        if (request.seal) {
          const { seal } = request;
          await conn.query(
            'INSERT INTO ticket_seals (ticket_id, signer, decision, exception, at, mac) VALUES (?, ?, ?, ?, ?, ?)',
            [request.ticketId, seal.signer, seal.decision, seal.exception ? 1 : 0, sqlDateTime(seal.at), seal.mac],
          );
        }
        const note = {
          ...request.note,
          ...(request.approval ? { approver: request.approval.approver, exception: request.approval.exception } : {}),
        };
        const event = await insertEvent(conn, {
          ticketId: request.ticketId,
          at: request.at,
          actor: request.actor,
          from: step.from,
          to: step.to,
          action: request.action,
          note,
        });
        const ticket = await this.read(conn, request.ticketId);
        if (!ticket) throw new CasLost();
        return { ok: true as const, ticket, event };
      });
    } catch (err) {
      if (
        !(err instanceof CasLost) &&
        ![ER_DUP_ENTRY, ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT].includes(errno(err) ?? 0)
      )
        throw err;
      return { ok: false, reason: 'conflict', current: await this.get(request.ticketId) };
    }
  }

  /**
   * Append an event that changes nothing of the ticket (its state stays, its version too): what was
   * done about it from outside the state machine, for its history. Null when there is no such ticket.
   */
  async recordNote(e: TicketNote): Promise<TicketEvent | null> {
    return this.noteWhile(e, TICKET_STATES, false);
  }

  /**
   * Tickets waiting for a DBA's decision with the time each entered its waiting state (the last
   * event that moved it there), oldest first; the approval timers read it.
   */
  async waiting(limit = 500): Promise<Array<{ id: number; since: Date }>> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      `SELECT t.id, MAX(e.at) AS since FROM tickets t
         JOIN ticket_events e ON e.ticket_id = t.id AND e.to_state = t.state
          AND (e.from_state IS NULL OR e.from_state <> e.to_state)
        WHERE t.state IN (?) GROUP BY t.id ORDER BY t.id LIMIT ${Math.min(Math.max(limit, 1), 5000)}`,
      [[...AWAITING_DECISION]],
    );
    return rows.map((r) => WaitingRow.parse(r));
  }

  /**
   * Record a note at most once per ticket and action, and only while the ticket is in one of
   * `states`: the event, or null when it was recorded before (by this or any other process) or
   * the ticket moved on. The ticket's row lock makes concurrent callers take turns.
   */
  async recordNoteOnce(e: TicketNote & { states: readonly TicketState[] }): Promise<TicketEvent | null> {
    return this.noteWhile(e, e.states, true);
  }

  /**
   * With the ticket's row locked: the note as an event that keeps the state, when the ticket is in
   * one of `states` (and, `once`, has no note of this action yet); else null.
   */
  private noteWhile(e: TicketNote, states: readonly TicketState[], once: boolean): Promise<TicketEvent | null> {
    return this.inTransaction(async (conn) => {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT state FROM tickets WHERE id = ? FOR UPDATE', [
        e.ticketId,
      ]);
      const state = states.find((s) => s === rows[0]?.state);
      if (!state) return null;
      if (once) {
        const [done] = await conn.query<RowDataPacket[]>(
          'SELECT 1 FROM ticket_events WHERE ticket_id = ? AND action = ? LIMIT 1',
          [e.ticketId, e.action],
        );
        if (done.length > 0) return null;
      }
      return insertEvent(conn, {
        ticketId: e.ticketId,
        at: e.at,
        actor: e.actor,
        from: state,
        to: state,
        action: e.action,
        note: e.note,
      });
    });
  }

  /** The sealed approval decisions of a ticket (what the runner trusts), oldest first. */
  async seals(ticketId: number): Promise<Seal[]> {
    const [rows] = await this.db.query<RowDataPacket[]>(
      'SELECT * FROM ticket_seals WHERE ticket_id = ? ORDER BY at, signer',
      [ticketId],
    );
    return rows.map(sealFromRow);
  }

  /** Remember where the ticket's Slack messages are. Not a state change: no event, no version bump. */
  async setSlackRefs(ticketId: number, refs: Partial<SlackRefs>): Promise<Ticket | null> {
    const entries = SLACK_COLUMNS.filter(([key]) => refs[key] !== undefined);
    if (entries.length > 0) {
      await this.db.query(
        `UPDATE tickets SET ${entries.map(([, column]) => `${column} = ?`).join(', ')} WHERE id = ?`,
        [...entries.map(([key]) => refs[key] ?? null), ticketId],
      );
    }
    return this.get(ticketId);
  }

  private async read(conn: PoolConnection, id: number): Promise<Ticket | null> {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT * FROM tickets WHERE id = ?', [id]);
    if (rows.length === 0) return null;
    const [approvalRows] = await conn.query<RowDataPacket[]>(
      'SELECT * FROM ticket_approvals WHERE ticket_id = ? ORDER BY at, approver',
      [id],
    );
    return ticketFromRow(rows[0], approvalRows.map(approvalFromRow), this.kinds);
  }

  private async withApprovals(rows: RowDataPacket[]): Promise<Ticket[]> {
    if (rows.length === 0) return [];
    const ids: unknown[] = rows.map((r) => r.id);
    const [approvalRows] = await this.db.query<RowDataPacket[]>(
      'SELECT * FROM ticket_approvals WHERE ticket_id IN (?) ORDER BY at, approver',
      [ids],
    );
    const byTicket = new Map<number, Approval[]>();
    for (const { ticketId, ...approval } of approvalRows.map(approvalFromRow)) {
      byTicket.set(ticketId, [...(byTicket.get(ticketId) ?? []), approval]);
    }
    return rows.map((row) => ticketFromRow(row, byTicket.get(Number(row.id)) ?? [], this.kinds));
  }

  private inTransaction<T>(work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }
}

class CasLost extends Error {}

interface EventInsert {
  ticketId: number;
  at: Date;
  actor: string;
  from: TicketState | null;
  to: TicketState;
  action: TicketEvent['action'];
  note: Record<string, unknown>;
}

async function insertEvent(conn: PoolConnection, e: EventInsert): Promise<TicketEvent> {
  const [res] = await conn.query<ResultSetHeader>(
    'INSERT INTO ticket_events (ticket_id, at, actor, from_state, to_state, action, note) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [e.ticketId, sqlDateTime(e.at), e.actor, e.from, e.to, e.action, JSON.stringify(e.note)],
  );
  return {
    id: Number(res.insertId),
    ticketId: e.ticketId,
    at: e.at,
    actor: e.actor,
    fromState: e.from,
    toState: e.to,
    action: e.action,
    note: e.note,
  };
}

function extraColumns(set: NonNullable<TransitionRequest['set']>): { sets: string; params: unknown[] } {
  const pairs: Array<[string, unknown]> = [];
  if (set.attempt !== undefined) pairs.push(['attempt', set.attempt]);
  if (set.exception !== undefined) pairs.push(['exception', set.exception ? 1 : 0]);
  if (set.exceptionReason !== undefined) pairs.push(['exception_reason', set.exceptionReason]);
  if (set.approvalsNeeded !== undefined) pairs.push(['approvals_needed', set.approvalsNeeded]);
  return { sets: pairs.map(([column]) => `, ${column} = ?`).join(''), params: pairs.map(([, value]) => value) };
}

function errno(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'errno' in err && typeof err.errno === 'number'
    ? err.errno
    : undefined;
}
