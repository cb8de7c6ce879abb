import type { Pool } from 'mysql2/promise';
import { z } from 'zod';
import { parseRows } from '../db/schema/rows.js';
import { STATEMENT_CHARS, type LockWait, type Session, type Transaction } from './types.js';

const ER_UNKNOWN_TABLE = 1109;
const ER_NO_SUCH_TABLE = 1146;

const TRX_SQL = `SELECT trx_mysql_thread_id AS thread, trx_state AS state, trx_started AS started,
  TIMESTAMPDIFF(SECOND, trx_started, NOW()) AS age, trx_rows_locked AS rows_locked, trx_rows_modified AS rows_modified,
  LEFT(trx_query, ${STATEMENT_CHARS}) AS query
  FROM information_schema.INNODB_TRX ORDER BY trx_started`;

const TrxRow = z.object({
  thread: z.coerce.number(),
  state: z.string(),
  started: z.coerce.date(),
  age: z.coerce.number(),
  rows_locked: z.coerce.number(),
  rows_modified: z.coerce.number(),
  query: z.string().nullable(),
});

/** Open InnoDB transactions, oldest first (INNODB_TRX needs the PROCESS privilege). */
export async function readTransactions(pool: Pool): Promise<Transaction[]> {
  const [rows] = await pool.query(TRX_SQL);
  return parseRows(Array.isArray(rows) ? rows : [], TrxRow, TRX_SQL).map((r) => ({
    threadId: r.thread,
    state: r.state,
    startedAt: r.started,
    ageSeconds: Math.max(0, r.age),
    rowsLocked: r.rows_locked,
    rowsModified: r.rows_modified,
    statement: r.query,
  }));
}

/** MariaDB (and MySQL 5.7): INNODB_LOCK_WAITS with INNODB_TRX for the threads and INNODB_LOCKS for the object. */
const MARIADB_ROW_WAITS_SQL = `SELECT r.trx_mysql_thread_id AS waiting, LEFT(r.trx_query, ${STATEMENT_CHARS}) AS waiting_query,
  TIMESTAMPDIFF(SECOND, r.trx_wait_started, NOW()) AS wait_s,
  b.trx_mysql_thread_id AS blocking, LEFT(b.trx_query, ${STATEMENT_CHARS}) AS blocking_query,
  CONCAT_WS(' ', l.lock_table, CONCAT('index ', l.lock_index)) AS object, l.lock_mode AS lock_mode
  FROM information_schema.INNODB_LOCK_WAITS w
  JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id
  JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id
  LEFT JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.blocking_lock_id`;

/** MySQL 8: performance_schema.data_lock_waits and data_locks. */
const MYSQL_ROW_WAITS_SQL = `SELECT r.trx_mysql_thread_id AS waiting, LEFT(r.trx_query, ${STATEMENT_CHARS}) AS waiting_query,
  TIMESTAMPDIFF(SECOND, r.trx_wait_started, NOW()) AS wait_s,
  b.trx_mysql_thread_id AS blocking, LEFT(b.trx_query, ${STATEMENT_CHARS}) AS blocking_query,
  CONCAT_WS(' ', CONCAT('\`', l.OBJECT_SCHEMA, '\`.\`', l.OBJECT_NAME, '\`'), CONCAT('index ', l.INDEX_NAME)) AS object,
  l.LOCK_MODE AS lock_mode
  FROM performance_schema.data_lock_waits w
  JOIN information_schema.INNODB_TRX r ON r.trx_id = w.REQUESTING_ENGINE_TRANSACTION_ID
  JOIN information_schema.INNODB_TRX b ON b.trx_id = w.BLOCKING_ENGINE_TRANSACTION_ID
  LEFT JOIN performance_schema.data_locks l ON l.ENGINE_LOCK_ID = w.BLOCKING_ENGINE_LOCK_ID`;

export function rowWaitsSql(flavor: 'mariadb' | 'mysql'): string {
  return flavor === 'mariadb' ? MARIADB_ROW_WAITS_SQL : MYSQL_ROW_WAITS_SQL;
}

const WaitRow = z.object({
  waiting: z.coerce.number(),
  waiting_query: z.string().nullable(),
  wait_s: z.coerce.number().nullable(),
  blocking: z.coerce.number().nullable(),
  blocking_query: z.string().nullable(),
  object: z.string().nullable(),
  lock_mode: z.string().nullable(),
});

/** InnoDB row-lock waits: each waiting thread with the thread holding the lock it waits for. */
export async function readRowWaits(pool: Pool, flavor: 'mariadb' | 'mysql'): Promise<LockWait[]> {
  const sql = rowWaitsSql(flavor);
  const [rows] = await pool.query(sql);
  return parseRows(Array.isArray(rows) ? rows : [], WaitRow, sql).map((r) => ({
    kind: 'row' as const,
    waitingThread: r.waiting,
    waitingStatement: r.waiting_query,
    waitSeconds: Math.max(0, r.wait_s ?? 0),
    blockingThread: r.blocking,
    blockingStatement: r.blocking_query,
    object: r.object || null,
    lockMode: r.lock_mode,
  }));
}

/** MariaDB's metadata_lock_info plugin: who holds a lock on each table. */
const MARIADB_MDL_SQL = `SELECT THREAD_ID AS thread, TABLE_SCHEMA AS db, TABLE_NAME AS tbl, LOCK_MODE AS mode
  FROM information_schema.METADATA_LOCK_INFO WHERE TABLE_NAME <> ''`;

/** MySQL 8: performance_schema.metadata_locks, pending against granted on the same table. */
const MYSQL_MDL_SQL = `SELECT wt.PROCESSLIST_ID AS waiting, bt.PROCESSLIST_ID AS blocking, w.OBJECT_SCHEMA AS db, w.OBJECT_NAME AS tbl,
  b.LOCK_TYPE AS mode
  FROM performance_schema.metadata_locks w
  JOIN performance_schema.metadata_locks b ON b.OBJECT_TYPE = w.OBJECT_TYPE AND b.OBJECT_SCHEMA <=> w.OBJECT_SCHEMA
    AND b.OBJECT_NAME <=> w.OBJECT_NAME AND b.LOCK_STATUS = 'GRANTED' AND b.OWNER_THREAD_ID <> w.OWNER_THREAD_ID
  JOIN performance_schema.threads wt ON wt.THREAD_ID = w.OWNER_THREAD_ID
  JOIN performance_schema.threads bt ON bt.THREAD_ID = b.OWNER_THREAD_ID
  WHERE w.LOCK_STATUS = 'PENDING' AND w.OBJECT_TYPE = 'TABLE'`;

const HolderRow = z.object({ thread: z.coerce.number(), db: z.string().nullable(), tbl: z.string(), mode: z.string() });
const MysqlMdlRow = z.object({
  waiting: z.coerce.number(),
  blocking: z.coerce.number().nullable(),
  db: z.string().nullable(),
  tbl: z.string(),
  mode: z.string(),
});

export const MDL_WAIT_STATE = 'Waiting for table metadata lock';

export interface MetadataWaits {
  waits: LockWait[];
  /** Set when the server could not name the holders (say what to enable). */
  note?: string;
}

/**
 * Sessions waiting for a table's metadata lock (their processlist state says so) and, where the
 * server exposes metadata locks, the sessions holding one on the same table.
 */
export async function readMetadataWaits(
  pool: Pool,
  flavor: 'mariadb' | 'mysql',
  sessions: readonly Session[],
): Promise<MetadataWaits> {
  const waiting = sessions.filter((s) => s.state === MDL_WAIT_STATE);
  if (waiting.length === 0) return { waits: [] };
  const statementOf = new Map(sessions.map((s) => [s.id, s.statement]));
  const wait = (s: Session, blocking: number | null, object: string | null, mode: string | null): LockWait => ({
    kind: 'metadata',
    waitingThread: s.id,
    waitingStatement: s.statement,
    waitSeconds: Math.round(s.timeMs / 1000),
    blockingThread: blocking,
    blockingStatement: blocking === null ? null : (statementOf.get(blocking) ?? null),
    object,
    lockMode: mode,
  });
  try {
    if (flavor === 'mysql') {
      const [rows] = await pool.query(MYSQL_MDL_SQL);
      const found = parseRows(Array.isArray(rows) ? rows : [], MysqlMdlRow, MYSQL_MDL_SQL);
      return {
        waits: waiting.flatMap((s) => {
          const mine = found.filter((r) => r.waiting === s.id);
          if (mine.length === 0) return [wait(s, null, null, null)];
          return mine.map((r) => wait(s, r.blocking, tableName(r.db, r.tbl), r.mode));
        }),
      };
    }
    const [rows] = await pool.query(MARIADB_MDL_SQL);
    const holders = parseRows(Array.isArray(rows) ? rows : [], HolderRow, MARIADB_MDL_SQL);
    const waitingIds = new Set(waiting.map((s) => s.id));
    return {
      waits: waiting.flatMap((s) => {
        const mine = holders.filter((h) => h.thread === s.id).map((h) => `${h.db}.${h.tbl}`);
        const blockers = holders.filter(
          (h) => !waitingIds.has(h.thread) && (mine.length === 0 || mine.includes(`${h.db}.${h.tbl}`)),
        );
        if (blockers.length === 0) return [wait(s, null, null, null)];
        return blockers.map((h) => wait(s, h.thread, tableName(h.db, h.tbl), h.mode));
      }),
    };
  } catch (err) {
    if (!isMissingTable(err)) throw err;
    return {
      waits: waiting.map((s) => wait(s, null, null, null)),
      note:
        flavor === 'mariadb'
          ? "Sessions wait for a metadata lock, but MariaDB names the holder only with the metadata_lock_info plugin (INSTALL SONAME 'metadata_lock_info'); meanwhile the oldest open transaction on the table is the usual holder."
          : 'Sessions wait for a metadata lock, but performance_schema is off, so the holder is not named; the oldest open transaction on the table is the usual holder.',
    };
  }
}

function tableName(db: string | null, table: string): string {
  return db ? `\`${db}\`.\`${table}\`` : `\`${table}\``;
}

function isMissingTable(err: unknown): boolean {
  const errno = typeof err === 'object' && err !== null && 'errno' in err ? err.errno : undefined;
  return errno === ER_UNKNOWN_TABLE || errno === ER_NO_SUCH_TABLE;
}
