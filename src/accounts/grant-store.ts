import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { type Account, accountKey } from './account.js';
import { KNOWN_PRIVILEGES, type Privilege } from './privileges.js';
import { sqlTime, utcDate } from './rows.js';
import type { GrantSpec } from './spec.js';

export const GRANT_STATES = ['requested', 'active', 'revoked', 'failed', 'cancelled'] as const;
export type GrantState = (typeof GRANT_STATES)[number];
export const PASSWORD_STATES = ['none', 'waiting', 'shown', 'expired'] as const;
export type PasswordState = (typeof PASSWORD_STATES)[number];

export interface Grant extends GrantSpec {
  id: number;
  /** `G-7`. */
  ref: string;
  ticketId: number | null;
  requester: string;
  state: GrantState;
  /** Set once before the account is created: whether it existed before this grant (then its password is left alone). */
  accountExisted: boolean | null;
  passwordState: PasswordState;
  grantedAt: Date | null;
  expiresAt: Date | null;
  remindAt: Date | null;
  remindedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  accountDropped: boolean;
  createdAt: Date;
}

const bool = z.union([z.number(), z.boolean()]).transform((v) => Boolean(v));
const date = utcDate.nullable();
const GrantRow = z.object({
  id: z.coerce.number(),
  ticket_id: z.coerce.number().nullable(),
  requester: z.string(),
  cluster: z.string(),
  schema_name: z.string().nullable(),
  table_name: z.string().nullable(),
  privileges: z.string(),
  account_user: z.string(),
  account_host: z.string(),
  personal: bool,
  duration_seconds: z.coerce.number().nullable(),
  reason: z.string().nullable(),
  state: z.enum(GRANT_STATES),
  account_existed: bool.nullable(),
  password_state: z.enum(PASSWORD_STATES),
  granted_at: date,
  expires_at: date,
  remind_at: date,
  reminded_at: date,
  revoked_at: date,
  revoked_by: z.string().nullable(),
  account_dropped: bool,
  created_at: utcDate,
});

function toGrant(row: unknown): Grant {
  const r = GrantRow.parse(row);
  return {
    id: r.id,
    ref: grantRef(r.id),
    ticketId: r.ticket_id,
    requester: r.requester,
    cluster: r.cluster,
    schema: r.schema_name,
    table: r.table_name,
    privileges: z.array(z.enum(KNOWN_PRIVILEGES as [Privilege, ...Privilege[]])).parse(r.privileges.split(',')),
    account: { user: r.account_user, host: r.account_host },
    personal: r.personal,
    duration_seconds: r.duration_seconds,
    reason: r.reason,
    state: r.state,
    accountExisted: r.account_existed,
    passwordState: r.password_state,
    grantedAt: r.granted_at,
    expiresAt: r.expires_at,
    remindAt: r.remind_at,
    remindedAt: r.reminded_at,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    accountDropped: r.account_dropped,
    createdAt: r.created_at,
  };
}

export function grantRef(id: number): string {
  return `G-${id}`;
}

/** `G-7` or `7` → 7; undefined for anything else. */
export function parseGrantRef(text: string): number | undefined {
  const match = /^(?:G-?)?(\d{1,15})$/i.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}

/** When the owner is told a grant ends: a day before, or a tenth of the duration for grants under 10 days. */
export function reminderTime(grantedAt: Date, durationSeconds: number): Date {
  const lead = Math.min(86_400, durationSeconds / 10) * 1000;
  return new Date(grantedAt.getTime() + durationSeconds * 1000 - lead);
}

export interface GrantFilter {
  cluster?: string;
  requester?: string;
  states?: readonly GrantState[];
}

/** Grants in the meta database. Every state change is a compare-and-set on the state it leaves. */
export class GrantStore {
  constructor(readonly pool: Pool) {}

  async create(spec: GrantSpec, requester: string, ticketId: number | null, now: Date): Promise<Grant> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `INSERT INTO grants (ticket_id, requester, cluster, schema_name, table_name, privileges, account_user, account_host,
         personal, duration_seconds, reason, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?)`,
      [
        ticketId,
        requester,
        spec.cluster,
        spec.schema,
        spec.table,
        spec.privileges.join(','),
        spec.account.user,
        spec.account.host,
        spec.personal,
        spec.duration_seconds,
        spec.reason,
        sqlTime(now),
        sqlTime(now),
      ],
    );
    const grant = await this.get(result.insertId);
    if (!grant) throw new Error(`G-${result.insertId} vanished right after it was created`);
    return grant;
  }

  /**
   * The grant of an approved ticket, created on its first run: a redelivered job finds the same row
   * (ticket_id is unique), so a ticket never makes two grants.
   */
  async forTicket(spec: GrantSpec, requester: string, ticketId: number, now: Date): Promise<Grant> {
    const existing = await this.byTicket(ticketId);
    if (existing) return existing;
    try {
      return await this.create(spec, requester, ticketId, now);
    } catch (err) {
      if ((err as { errno?: number }).errno !== 1062) throw err;
      const raced = await this.byTicket(ticketId);
      if (!raced) throw err;
      return raced;
    }
  }

  async get(id: number, conn: Pool | PoolConnection = this.pool): Promise<Grant | undefined> {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT * FROM grants WHERE id = ?', [id]);
    return rows[0] ? toGrant(rows[0]) : undefined;
  }

  async byTicket(ticketId: number): Promise<Grant | undefined> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT * FROM grants WHERE ticket_id = ?', [ticketId]);
    return rows[0] ? toGrant(rows[0]) : undefined;
  }

  async list(filter: GrantFilter = {}, limit = 100): Promise<Grant[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      where.push(clause);
      values.push(value);
    };
    if (filter.cluster) add('cluster = ?', filter.cluster);
    if (filter.requester) add('requester = ?', filter.requester);
    if (filter.states?.length) add('state IN (?)', filter.states);
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT * FROM grants ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      [...values, limit],
    );
    return rows.map(toGrant);
  }

  /**
   * Other grants (asked for or active) of the same account on the same scope: what a new request
   * would duplicate, and what a revoke must leave in place.
   */
  async sameScope(
    spec: Pick<GrantSpec, 'cluster' | 'schema' | 'table' | 'account'>,
    exceptId?: number,
  ): Promise<Grant[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT * FROM grants WHERE cluster = ? AND account_user = ? AND state IN ('requested', 'active')
         AND schema_name <=> ? AND table_name <=> ? AND id <> ? ORDER BY id`,
      [spec.cluster, spec.account.user, spec.schema, spec.table, exceptId ?? 0],
    );
    const key = accountKey(spec.account);
    return rows.map(toGrant).filter((g) => accountKey(g.account) === key);
  }

  /** Grants dbops keeps for an account on a cluster, for `/dbops accounts`. */
  async activeOn(cluster: string): Promise<Grant[]> {
    return this.list({ cluster, states: ['active'] }, 10_000);
  }

  /** Records once whether the account existed before this grant; returns what is recorded (the first answer wins). */
  async recordAccountExisted(id: number, existed: boolean, now: Date): Promise<boolean> {
    await this.pool.query(
      'UPDATE grants SET account_existed = ?, updated_at = ? WHERE id = ? AND account_existed IS NULL',
      [existed, sqlTime(now), id],
    );
    const grant = await this.get(id);
    if (grant?.accountExisted === null || grant?.accountExisted === undefined)
      throw new Error(`G-${id}: could not record whether its account existed`);
    return grant.accountExisted;
  }

  /** requested → active; false when it was not `requested` (another worker got there first). */
  async activate(id: number, now: Date, passwordWaiting: boolean): Promise<boolean> {
    const grant = await this.get(id);
    if (!grant) return false;
    const expiresAt = grant.duration_seconds ? new Date(now.getTime() + grant.duration_seconds * 1000) : null;
    const remindAt = grant.duration_seconds ? reminderTime(now, grant.duration_seconds) : null;
    const [result] = await this.pool.query<ResultSetHeader>(
      `UPDATE grants SET state = 'active', granted_at = ?, expires_at = ?, remind_at = ?, password_state = ?, updated_at = ?
        WHERE id = ? AND state = 'requested'`,
      [
        sqlTime(now),
        expiresAt && sqlTime(expiresAt),
        remindAt && sqlTime(remindAt),
        passwordWaiting ? 'waiting' : 'none',
        sqlTime(now),
        id,
      ],
    );
    return result.affectedRows === 1;
  }

  /** active → revoked, once. */
  async markRevoked(id: number, by: string, dropped: boolean, now: Date): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `UPDATE grants SET state = 'revoked', revoked_at = ?, revoked_by = ?, account_dropped = ?, updated_at = ?
        WHERE id = ? AND state = 'active'`,
      [sqlTime(now), by, dropped, sqlTime(now), id],
    );
    return result.affectedRows === 1;
  }

  /** requested → failed or cancelled (the ticket failed, was rejected or withdrawn). */
  async end(id: number, state: 'failed' | 'cancelled', now: Date): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `UPDATE grants SET state = ?, updated_at = ? WHERE id = ? AND state = 'requested'`,
      [state, sqlTime(now), id],
    );
    return result.affectedRows === 1;
  }

  /** Active grants whose time is up. */
  async due(now: Date): Promise<Grant[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      "SELECT * FROM grants WHERE state = 'active' AND expires_at <= ? ORDER BY expires_at",
      [sqlTime(now)],
    );
    return rows.map(toGrant);
  }

  /** Active grants whose owner should now be told they end soon. */
  async toRemind(now: Date): Promise<Grant[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      "SELECT * FROM grants WHERE state = 'active' AND reminded_at IS NULL AND remind_at <= ? AND expires_at > ? ORDER BY remind_at",
      [sqlTime(now), sqlTime(now)],
    );
    return rows.map(toGrant);
  }

  /** Claims the reminder of a grant: true for exactly one caller. */
  async claimReminder(id: number, now: Date): Promise<boolean> {
    const [result] = await this.pool.query<ResultSetHeader>(
      "UPDATE grants SET reminded_at = ?, updated_at = ? WHERE id = ? AND state = 'active' AND reminded_at IS NULL",
      [sqlTime(now), sqlTime(now), id],
    );
    return result.affectedRows === 1;
  }
}

export type { Account };
