import type { Connection, Pool, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { quoteIdent } from '../../db/meta.js';
import { isServerError } from '../../db/server-errors.js';
import type { Logger } from '../../kernel/logger.js';
import { explainRefusal, SYSTEM_SCHEMAS } from '../safety/statement.js';
import { stripComments } from '../strip.js';
import type { ReviewStatement } from '../types.js';
import { estimateRows, versionAtLeast, type RowEstimate } from './estimate.js';
import { ExplainRefused, type ExplainRow, type ServerProbe } from './probe.js';

/** How long one EXPLAIN may take on the server (max_statement_time / max_execution_time). */
const EXPLAIN_TIME_LIMIT_SECONDS = 5;
/** The client gives up a little later, should the server not stop it. */
const CLIENT_TIMEOUT_MS = (EXPLAIN_TIME_LIMIT_SECONDS + 5) * 1000;

/**
 * sql_mode flags that change how the server reads quotes (`"x"` as a name, `\'` as two
 * characters): dropped for the probe's session, so the server reads the text as dbops' parser did.
 */
const READING_MODES = new Set([
  'ANSI_QUOTES',
  'NO_BACKSLASH_ESCAPES',
  'ANSI',
  'ORACLE',
  'MSSQL',
  'DB2',
  'POSTGRESQL',
  'MAXDB',
]);

const Num = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined || v === '' ? null : Number(v)))
  .pipe(z.number().finite().nullable());
const Str = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined ? null : String(v)));

/**
 * One row of traditional EXPLAIN output. MySQL (5.7+) gives id, select_type, table, partitions,
 * type, possible_keys, key, key_len, ref, rows, filtered, Extra; MariaDB gives the same without
 * partitions and filtered (unless EXPLAIN EXTENDED/PARTITIONS), and may leave rows NULL.
 */
const ExplainRecord = z.looseObject({
  id: Num,
  select_type: Str,
  table: Str,
  type: Str,
  possible_keys: Str,
  key: Str,
  rows: Num,
  filtered: Num,
  Extra: Str,
});

/** Parse the rows of a traditional EXPLAIN from either server; throws on another format (JSON, TREE). */
export function parseExplainRows(rows: readonly unknown[]): ExplainRow[] {
  return rows.map((raw, i) => {
    if (typeof raw === 'object' && raw !== null && 'EXPLAIN' in raw) {
      throw new Error('the server answered EXPLAIN in JSON or TREE format; dbops reads the traditional table format');
    }
    const parsed = ExplainRecord.safeParse(raw);
    if (!parsed.success) throw new Error(`unexpected EXPLAIN row ${i + 1}: ${parsed.error.message}`);
    const r = parsed.data;
    return {
      id: r.id,
      selectType: r.select_type,
      table: r.table,
      type: r.type,
      possibleKeys: r.possible_keys,
      key: r.key,
      rows: r.rows ?? 0,
      rowsKnown: r.rows !== null,
      filtered: r.filtered,
      extra: r.Extra,
    };
  });
}

export interface ProbeOptions {
  /** Where a failed EXPLAIN is logged in full (the requester sees dbops' description of it). */
  logger?: Pick<Logger, 'info'>;
  /** Opens one of the probe's own connections (db/pools.ts `dedicatedReplicaOrPrimary`); default: one taken out of the pool for good. */
  openSession?: () => Promise<Connection>;
  /**
   * Sessions at most (default 2): a second one opens only while the first is busy, so EXPLAINs asked
   * for together (a review's batch) run side by side instead of one round trip after another.
   */
  sessions?: number;
}

/** A session of the probe and the schema it is in (`USE`). */
interface Session {
  conn: Connection;
  schema: string | undefined;
}

/** EXPLAIN sessions a probe opens at most, unless told otherwise. */
const DEFAULT_SESSIONS = 2;

/**
 * EXPLAIN on a target (a replica, see db/pools.ts), for the review and a change's row estimate,
 * before any approval. Nothing a user wrote is evaluated unless dbops proved it harmless first
 * (safety/statement.ts: a plain SELECT, no subquery, stored function, variable or locking read;
 * UPDATE and DELETE are explained as the SELECT of their rows). What passes runs on the probe's own
 * sessions — connections of its own (`openSession`), or taken out of the pool and never handed
 * back — made read-only (every statement is a read-only transaction, so even a write the server
 * would find cannot happen), time-limited, with the quoting rules dbops' parser used, and destroyed
 * by `close`, so no lock or session variable outlives the review. A few EXPLAINs asked for at once
 * run on a few sessions (see ProbeOptions.sessions); one at a time, they share one.
 */
export class MysqlProbe implements ServerProbe {
  private idle: Session[] = [];
  /** Sessions open or being opened. */
  private opened = 0;
  /** Callers waiting for a session to come free (or for room to open one). */
  private waiting: Array<() => void> = [];
  private inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly pool: Pool,
    readonly flavor: 'mysql' | 'mariadb',
    readonly version: string,
    private readonly options: ProbeOptions = {},
  ) {}

  /** A probe for the pool's server, its flavour and version read from VERSION(). */
  static async connect(pool: Pool, options: ProbeOptions = {}): Promise<MysqlProbe> {
    const [rows] = await pool.query<RowDataPacket[]>('SELECT VERSION() AS version');
    const version = String(rows[0]?.version ?? '');
    return new MysqlProbe(pool, /mariadb/i.test(version) ? 'mariadb' : 'mysql', version, options);
  }

  async explain(sql: string, schema?: string): Promise<ExplainRow[]> {
    const text = stripComments(sql);
    if (schema && SYSTEM_SCHEMAS.has(schema.toLowerCase()))
      throw new ExplainRefused(`it runs in the system schema \`${schema}\``);
    const refusal = explainRefusal(text);
    if (refusal) throw new ExplainRefused(refusal);
    const running = this.run(text, schema);
    this.inflight.add(running);
    void running.catch(() => undefined).finally(() => this.inflight.delete(running));
    return running;
  }

  /** EXPLAIN a review statement and estimate the rows it reads or changes (see estimate.ts). */
  estimateRows(
    stmt: Pick<ReviewStatement, 'kind' | 'stripped'>,
    schema?: string,
    table?: string,
  ): Promise<RowEstimate | null> {
    return estimateRows(this, stmt, schema, table);
  }

  /** Wait for the EXPLAINs under way, then end every session. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
    const sessions = this.idle;
    this.idle = [];
    this.opened -= sessions.length;
    for (const s of sessions) s.conn.destroy();
  }

  private async run(text: string, schema: string | undefined): Promise<ExplainRow[]> {
    const session = await this.acquire();
    let keep = true;
    try {
      if (schema && schema !== session.schema) {
        await session.conn.query(`USE ${quoteIdent(schema)}`);
        session.schema = schema;
      }
      const [rows] = await session.conn.query<RowDataPacket[]>({
        sql: `${this.explainPrefix()} ${text}`,
        timeout: CLIENT_TIMEOUT_MS,
      });
      return parseExplainRows(rows);
    } catch (err) {
      this.options.logger?.info('EXPLAIN failed on the target', {
        schema,
        sql: text.slice(0, 500),
        error: serverDetails(err),
      });
      // A server's answer leaves the session as it was; anything else (a timeout, a lost connection) ends it.
      keep = isServerError(err);
      throw err;
    } finally {
      if (keep) this.idle.push(session);
      else {
        session.conn.destroy();
        this.opened--;
      }
      this.waiting.shift()?.();
    }
  }

  /** A free session; a new one while there is room; else wait for one to come free. */
  private async acquire(): Promise<Session> {
    for (;;) {
      const free = this.idle.pop();
      if (free) return free;
      if (this.opened < this.maxSessions()) {
        this.opened++;
        try {
          return { conn: await this.open(), schema: undefined };
        } catch (err) {
          this.opened--;
          this.waiting.shift()?.();
          throw err;
        }
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** Sessions taken out of the shared pool are never handed back: one at most, so the pool keeps its room. */
  private maxSessions(): number {
    return this.options.sessions ?? (this.options.openSession ? DEFAULT_SESSIONS : 1);
  }

  /** A new session: read-only, time-limited, quoting as dbops' parser reads. */
  private async open(): Promise<Connection> {
    const conn = this.options.openSession ? await this.options.openSession() : await this.pool.getConnection();
    try {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT @@SESSION.sql_mode AS mode');
      const mode = String(rows[0]?.mode ?? '')
        .split(',')
        .filter((flag) => flag !== '' && !READING_MODES.has(flag.toUpperCase()))
        .join(',');
      await conn.query('SET SESSION sql_mode = ?', [mode]);
      if (this.flavor === 'mariadb')
        await conn.query('SET SESSION max_statement_time = ?', [EXPLAIN_TIME_LIMIT_SECONDS]);
      else await conn.query('SET SESSION max_execution_time = ?', [EXPLAIN_TIME_LIMIT_SECONDS * 1000]);
      await conn.query('SET SESSION TRANSACTION READ ONLY');
      return conn;
    } catch (err) {
      conn.destroy();
      this.options.logger?.info('no read-only EXPLAIN session on the target', { error: serverDetails(err) });
      throw new ExplainRefused(
        'the target would not give dbops a read-only session with a time limit to EXPLAIN it in',
      );
    }
  }

  /** MySQL 8.0.32+ may default to JSON or TREE (explain_format): ask for the table format. */
  private explainPrefix(): string {
    return this.flavor === 'mysql' && versionAtLeast(this.version, [5, 6, 5])
      ? 'EXPLAIN FORMAT=TRADITIONAL'
      : 'EXPLAIN';
  }
}

/** What a log line keeps of an error: its codes and the server's text (internal only). */
function serverDetails(err: unknown): Record<string, unknown> {
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  const e = err as { code?: unknown; errno?: unknown; sqlState?: unknown; sqlMessage?: unknown; message?: unknown };
  return { code: e.code, errno: e.errno, sqlState: e.sqlState, message: e.sqlMessage ?? e.message };
}
