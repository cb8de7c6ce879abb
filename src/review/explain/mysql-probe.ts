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
  /** Opens the probe's own connection (db/pools.ts `dedicatedReplicaOrPrimary`); default: one taken out of the pool for good. */
  openSession?: () => Promise<Connection>;
}

/**
 * EXPLAIN on a target (a replica, see db/pools.ts), for the review and a change's row estimate,
 * before any approval. Nothing a user wrote is evaluated unless dbops proved it harmless first
 * (safety/statement.ts: a plain SELECT, no subquery, stored function, variable or locking read;
 * UPDATE and DELETE are explained as the SELECT of their rows). What passes runs on the probe's own
 * session — a connection of its own (`openSession`), or one taken out of the pool and never handed
 * back — made read-only (every statement is a read-only transaction, so even a write the server
 * would find cannot happen), time-limited, with the quoting rules dbops' parser used, and destroyed
 * by `close`, so no lock or session variable outlives the review.
 */
export class MysqlProbe implements ServerProbe {
  private session: Promise<Connection> | undefined;
  private schema: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

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
    return this.serially(() => this.run(text, schema));
  }

  /** EXPLAIN a review statement and estimate the rows it reads or changes (see estimate.ts). */
  estimateRows(
    stmt: Pick<ReviewStatement, 'kind' | 'stripped'>,
    schema?: string,
    table?: string,
  ): Promise<RowEstimate | null> {
    return estimateRows(this, stmt, schema, table);
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await this.queue.catch(() => undefined);
    if (session) (await session.catch(() => undefined))?.destroy();
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async run(text: string, schema: string | undefined): Promise<ExplainRow[]> {
    const conn = await this.open();
    try {
      if (schema && schema !== this.schema) {
        await conn.query(`USE ${quoteIdent(schema)}`);
        this.schema = schema;
      }
      const [rows] = await conn.query<RowDataPacket[]>({
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
      if (!isServerError(err)) await this.drop();
      throw err;
    }
  }

  /** The probe's session, opened on first use: read-only, time-limited, quoting as dbops' parser reads. */
  private open(): Promise<Connection> {
    this.session ??= (async () => {
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
    })();
    const opening = this.session;
    opening.catch(() => {
      if (this.session === opening) this.session = undefined;
    });
    return opening;
  }

  private async drop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.schema = undefined;
    if (session) (await session.catch(() => undefined))?.destroy();
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
