import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { quoteIdent } from '../../db/meta.js';
import { stripComments } from '../strip.js';
import type { ReviewStatement } from '../types.js';
import { estimateRows, versionAtLeast, type RowEstimate } from './estimate.js';
import type { ExplainRow, ServerProbe } from './probe.js';

/** Reads are explained inside a READ ONLY transaction (servers refuse EXPLAIN of writes there). */
const READS = /^\(*\s*(SELECT|TABLE|VALUES)\b/i;

/** How long one EXPLAIN may take before the review gives up on it. */
const EXPLAIN_TIMEOUT_MS = 10_000;

/** Statements EXPLAIN may be put in front of. Anything else (ANALYZE, FORMAT=…, FOR CONNECTION) is refused. */
const EXPLAINABLE = /^\(*\s*(SELECT|WITH|INSERT|REPLACE|UPDATE|DELETE|TABLE|VALUES)\b/i;

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

/**
 * EXPLAIN through a mysql2 pool (a replica's, see db/pools.ts). The statement is never executed:
 * only EXPLAIN is sent (never ANALYZE, which runs the statement on MariaDB and MySQL 8). A SELECT is
 * explained inside a read-only transaction that is rolled back, so even a stored function the
 * optimizer evaluates early cannot write (servers refuse EXPLAIN UPDATE/DELETE in one, so writes
 * rely on EXPLAIN itself and on the replica being read-only).
 */
export class MysqlProbe implements ServerProbe {
  constructor(
    private readonly pool: Pool,
    readonly flavor: 'mysql' | 'mariadb',
    readonly version: string,
  ) {}

  /** A probe for the pool's server, its flavour and version read from VERSION(). */
  static async connect(pool: Pool): Promise<MysqlProbe> {
    const [rows] = await pool.query<RowDataPacket[]>('SELECT VERSION() AS version');
    const version = String(rows[0]?.version ?? '');
    return new MysqlProbe(pool, /mariadb/i.test(version) ? 'mariadb' : 'mysql', version);
  }

  async explain(sql: string, schema?: string): Promise<ExplainRow[]> {
    const text = stripComments(sql);
    if (!EXPLAINABLE.test(text))
      throw new Error('only SELECT, INSERT, REPLACE, UPDATE and DELETE statements can be explained');
    const conn = await this.pool.getConnection();
    try {
      if (schema) await conn.query(`USE ${quoteIdent(schema)}`);
      if (READS.test(text)) await readOnly(conn);
      const [rows] = await conn.query<RowDataPacket[]>({
        sql: `${this.explainPrefix()} ${text}`,
        timeout: EXPLAIN_TIMEOUT_MS,
      });
      return parseExplainRows(rows);
    } finally {
      await conn.query('ROLLBACK').catch(() => undefined);
      conn.release();
    }
  }

  /** EXPLAIN a review statement and estimate the rows it reads or changes (see estimate.ts). */
  estimateRows(
    stmt: Pick<ReviewStatement, 'kind' | 'stripped'>,
    schema?: string,
    table?: string,
  ): Promise<RowEstimate | null> {
    return estimateRows(this, stmt, schema, table);
  }

  /** MySQL 8.0.32+ may default to JSON or TREE (explain_format): ask for the table format. */
  private explainPrefix(): string {
    return this.flavor === 'mysql' && versionAtLeast(this.version, [5, 6, 5])
      ? 'EXPLAIN FORMAT=TRADITIONAL'
      : 'EXPLAIN';
  }
}

/** READ ONLY transactions exist from MySQL 5.6.5 and MariaDB 10.0; older servers just EXPLAIN. */
async function readOnly(conn: PoolConnection): Promise<void> {
  await conn.query('START TRANSACTION READ ONLY').catch(() => undefined);
}
