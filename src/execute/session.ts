import type { Connection as CoreConnection } from 'mysql2';
import type { FieldPacket, Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { killQuery } from '../db/kill-query.js';
import type { Logger } from '../kernel/logger.js';
import { quoteIdent } from './names.js';
import { serverInfoFrom, sessionSetup, statementTimeout, type ServerInfo, type SessionSettings } from './server.js';
import { toError } from '../kernel/errors.js';

/** Bit of the server status flags: a transaction is open on the session. */
const SERVER_STATUS_IN_TRANS = 1;

export interface SessionOptions {
  settings: SessionSettings;
  /** Default schema (`USE`), the ticket's `cluster.schema`. */
  schema?: string | null;
  /** Aborting it kills the running query from a second connection (`KILL QUERY`). */
  signal?: AbortSignal;
  logger?: Logger;
}

export type Result = ResultSetHeader | RowDataPacket[];

/** The query was stopped by our cancel (KILL QUERY), not by the server on its own. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/**
 * One dedicated connection on the primary that a ticket's statements run in. Its session settings
 * (timeouts, isolation) are set once; the connection is destroyed at the end rather than handed back
 * to the pool, so no session state leaks. Cancel sends `KILL QUERY <id>` from another connection of
 * the pool; the session then rolls back whatever transaction it had open and is never left in one.
 */
export class ExecutionSession {
  private inTransaction = false;
  private cancelRequested = false;
  private readonly onAbort = () => void this.cancel();
  private closed = false;
  /** The cancel's KILL QUERY while it is on its way: close() waits for it. */
  private killing: Promise<void> | null = null;

  private constructor(
    private readonly pool: Pool,
    readonly conn: PoolConnection,
    readonly connectionId: number,
    readonly server: ServerInfo,
    private readonly options: SessionOptions,
  ) {}

  static async open(pool: Pool, options: SessionOptions): Promise<ExecutionSession> {
    const conn = await pool.getConnection();
    try {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id, VERSION() AS version');
      const session = new ExecutionSession(
        pool,
        conn,
        Number(rows[0].id),
        serverInfoFrom(String(rows[0].version)),
        options,
      );
      for (const statement of sessionSetup(session.server, options.settings)) await conn.query(statement);
      if (options.schema) await conn.query(`USE ${quoteIdent(options.schema)}`);
      if (options.signal?.aborted) session.cancelRequested = true;
      options.signal?.addEventListener('abort', session.onAbort, { once: true });
      return session;
    } catch (err) {
      conn.destroy();
      throw err;
    }
  }

  /** Where before-images and the execution log go (`execution.backup_schema`). */
  get backupSchema(): string {
    return this.options.settings.backup_schema;
  }

  /** Was a cancel requested (the signal aborted)? Checked between steps. */
  get cancelled(): boolean {
    return this.cancelRequested;
  }

  /** Throw CancelledError when a cancel was requested: call it at every safe point. */
  checkCancelled(): void {
    if (this.cancelRequested) throw new CancelledError();
  }

  async query<T extends Result = ResultSetHeader>(sql: string, values?: unknown[]): Promise<T> {
    try {
      const [result] = (await this.conn.query(sql, values)) as [T, FieldPacket[]];
      this.track(result);
      return result;
    } catch (err) {
      if (this.cancelRequested && isInterrupted(err))
        throw new CancelledError('the running statement was killed by a cancel');
      throw err;
    }
  }

  async rows(sql: string, values?: unknown[]): Promise<RowDataPacket[]> {
    return this.query<RowDataPacket[]>(sql, values);
  }

  /** Run a statement that returns rows and count them without keeping them (a SELECT in a change). */
  async countRows(sql: string): Promise<number> {
    try {
      return await new Promise<number>((resolve, reject) => {
        let rows = 0;
        coreConnection(this.conn)
          .query(sql)
          .on('result', () => rows++)
          .on('error', reject)
          .on('end', () => resolve(rows));
      });
    } catch (err) {
      if (this.cancelRequested && isInterrupted(err))
        throw new CancelledError('the running statement was killed by a cancel');
      throw err;
    }
  }

  /** `SHOW WARNINGS` of the last statement, at most `limit` of them. */
  async warnings(limit = 10): Promise<string[]> {
    const rows = await this.rows(`SHOW WARNINGS LIMIT ${limit}`);
    return rows.map((w) => `${String(w.Level)} ${String(w.Code)}: ${String(w.Message)}`);
  }

  async begin(): Promise<void> {
    await this.query('START TRANSACTION');
    this.inTransaction = true;
  }

  async commit(): Promise<void> {
    await this.query('COMMIT');
    this.inTransaction = false;
  }

  /** Roll back if a transaction may be open; never throws (a broken connection is destroyed at close). */
  async rollback(): Promise<void> {
    try {
      await this.conn.query('ROLLBACK');
      this.inTransaction = false;
    } catch (err) {
      this.options.logger?.warn(
        'rollback failed; the connection will be destroyed',
        { connectionId: this.connectionId },
        toError(err),
      );
    }
  }

  get transactionOpen(): boolean {
    return this.inTransaction;
  }

  /** Run `work` with no statement time limit (DDL, pt-osc's cut-over), then restore the limit. */
  async withoutTimeout<T>(work: () => Promise<T>): Promise<T> {
    const seconds = this.options.settings.statement_timeout_seconds;
    if (seconds <= 0) return work();
    await this.query(statementTimeout(this.server, 0));
    try {
      return await work();
    } finally {
      await this.query(statementTimeout(this.server, seconds)).catch(() => undefined);
    }
  }

  /**
   * Kill the running query from a connection outside the pool (a full pool can't hold it up). Safe
   * when nothing runs. The kill reaches the server whenever its connection is made, which may be
   * after the caller has gone on to other statements on this session: whatever must not be
   * stopped by it (a cleanup after the cancel) belongs on a session of its own (`beside`).
   */
  cancel(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.cancelRequested = true;
    this.killing ??= killQuery(this.pool, this.connectionId).then(
      () => undefined,
      (err: unknown) =>
        this.options.logger?.warn(
          'could not kill the running query',
          { connectionId: this.connectionId },
          toError(err),
        ),
    );
    return this.killing;
  }

  /**
   * A second session on the same server with the same settings, which this session's cancel does
   * not reach: for work that must finish once begun, like removing what a cancelled online ALTER
   * left. Close it when done.
   */
  beside(): Promise<ExecutionSession> {
    return ExecutionSession.open(this.pool, { settings: this.options.settings, logger: this.options.logger });
  }

  /**
   * Roll back anything open and destroy the connection (its session state must not go back to the
   * pool). A cancel's kill still on its way is waited for first, so nothing of this session's is in
   * flight once it is closed.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    await this.killing;
    if (this.inTransaction) await this.rollback();
    this.closed = true;
    this.conn.destroy();
  }

  private track(result: unknown): void {
    if (result && typeof result === 'object' && 'serverStatus' in result && typeof result.serverStatus === 'number') {
      this.inTransaction = (result.serverStatus & SERVER_STATUS_IN_TRANS) !== 0;
    }
  }
}

/** ER_QUERY_INTERRUPTED (1317), or MariaDB's statement-timeout flavour of it. */
export function isInterrupted(err: unknown): boolean {
  const errno = (err as { errno?: unknown })?.errno;
  return errno === 1317;
}

/** The server's error number and message, without anything else. */
export function serverError(err: unknown): { errno?: number; code?: string; message: string } {
  if (err && typeof err === 'object') {
    const e = err as { errno?: unknown; code?: unknown; sqlMessage?: unknown; message?: unknown };
    return {
      errno: typeof e.errno === 'number' ? e.errno : undefined,
      code: typeof e.code === 'string' ? e.code : undefined,
      message:
        typeof e.sqlMessage === 'string' ? e.sqlMessage : typeof e.message === 'string' ? e.message : String(err),
    };
  }
  return { message: String(err) };
}

/**
 * The callback-style connection under a promise pool connection, for streaming results (the
 * promise API buffers them). mysql2's typings call it a promise connection; it is not.
 */
export function coreConnection(conn: PoolConnection): CoreConnection {
  const core: unknown = conn.connection;
  if (!isCoreConnection(core)) throw new Error('this mysql2 connection has no callback-style connection under it');
  return core;
}

function isCoreConnection(value: unknown): value is CoreConnection {
  return (
    typeof value === 'object' &&
    value !== null &&
    'query' in value &&
    typeof value.query === 'function' &&
    !('then' in value)
  );
}

/** The reads the table and log helpers need, over a plain pool or pool connection. */
export function queryable(
  db: Pick<Pool, 'query'> | Pick<PoolConnection, 'query'>,
  backupSchema = '',
): {
  backupSchema: string;
  query(sql: string, values?: unknown[]): Promise<unknown>;
  rows(sql: string, values?: unknown[]): Promise<RowDataPacket[]>;
} {
  return {
    backupSchema,
    query: (sql, values) => db.query(sql, values),
    rows: async (sql, values) => (await db.query<RowDataPacket[]>(sql, values))[0],
  };
}
