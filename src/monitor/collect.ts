import type { Connection, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { errorCode, readReplication } from '../inventory/probe-instance.js';
import { parseLatestDeadlock } from './innodb-status.js';
import type { DeadlockInfo, InstanceSample, LongTransaction } from './types.js';

type Conn = Pick<Connection, 'query'>;

/** What one poll reads before the poller adds deltas (deadlocks) and trends (schema sizes). */
export type RawSample = Omit<InstanceSample, 'newDeadlocks' | 'latestDeadlock' | 'schemaSizes'> & {
  /** The server's ever-growing deadlock counter; null when it exposes none. */
  deadlockCounter: number | null;
  uptimeSeconds: number;
};

const MAX_LONG_TRANSACTIONS = 5;
const STATUS_NAMES = [
  'Threads_running',
  'Threads_connected',
  'Innodb_deadlocks',
  'Innodb_history_list_length',
  'Uptime',
];

const StatusRow = z.looseObject({
  Variable_name: z.string(),
  Value: z.union([z.string(), z.number()]).transform(String),
});
const GlobalsRow = z.looseObject({ version: z.string(), ro: z.coerce.number(), max_conn: z.coerce.number() });
const MetricRow = z.looseObject({ NAME: z.string(), COUNT: z.coerce.number() });
const TrxRow = z.looseObject({
  trx_id: z.union([z.string(), z.number()]).transform(String),
  trx_state: z.string(),
  thread_id: z.coerce.number().nullable(),
  age: z.coerce.number(),
  trx_query: z.string().nullable(),
});
const ProcessRow = z.looseObject({
  ID: z.coerce.number(),
  USER: z.string().nullable(),
  HOST: z.string().nullable(),
  DB: z.string().nullable(),
});

/**
 * Read one instance's health in four cheap statements (status counters, globals, replica status,
 * transactions older than `longTransactionSeconds`). A privilege the account lacks leaves its part
 * empty rather than failing the poll; a lost connection fails it (the instance is down).
 */
export async function readSample(conn: Conn, options: { longTransactionSeconds: number }): Promise<RawSample> {
  const [statusRows] = await conn.query<RowDataPacket[]>(
    `SHOW GLOBAL STATUS WHERE Variable_name IN (${STATUS_NAMES.map(() => '?').join(', ')})`,
    STATUS_NAMES,
  );
  const status = new Map(
    statusRows.map((r) => StatusRow.parse(r)).map((r) => [r.Variable_name.toLowerCase(), Number(r.Value)]),
  );
  const [globalRows] = await conn.query<RowDataPacket[]>(
    'SELECT VERSION() AS version, @@global.read_only AS ro, @@global.max_connections AS max_conn',
  );
  const globals = GlobalsRow.parse(globalRows[0]);
  const flavor = /mariadb/i.test(globals.version) ? 'mariadb' : 'mysql';
  const { status: replication, readable } = await readReplication(conn);
  let deadlockCounter = status.get('innodb_deadlocks') ?? null;
  let historyListLength = status.get('innodb_history_list_length') ?? null;
  if (deadlockCounter === null || historyListLength === null) {
    const metrics = await innodbMetrics(conn);
    deadlockCounter ??= metrics.get('lock_deadlocks') ?? null;
    historyListLength ??= metrics.get('trx_rseg_history_len') ?? null;
  }
  return {
    version: globals.version,
    flavor,
    readOnly: globals.ro === 1,
    threadsRunning: status.get('threads_running') ?? 0,
    threadsConnected: status.get('threads_connected') ?? 0,
    maxConnections: globals.max_conn,
    replication,
    replicationReadable: readable,
    historyListLength,
    deadlockCounter,
    uptimeSeconds: status.get('uptime') ?? 0,
    longTransactions: await readLongTransactions(conn, options.longTransactionSeconds),
  };
}

/** InnoDB transactions open at least `minSeconds`, oldest first, with their client and statement. */
export async function readLongTransactions(conn: Conn, minSeconds: number): Promise<LongTransaction[]> {
  const rows = await optional(() =>
    conn.query<RowDataPacket[]>(
      `SELECT trx_id, trx_state, trx_mysql_thread_id AS thread_id, TIMESTAMPDIFF(SECOND, trx_started, NOW()) AS age, trx_query
       FROM information_schema.INNODB_TRX WHERE trx_started <= NOW() - INTERVAL ? SECOND ORDER BY trx_started LIMIT ${MAX_LONG_TRANSACTIONS}`,
      [Math.max(0, Math.floor(minSeconds))],
    ),
  );
  const trxs = (rows?.[0] ?? []).map((r) => TrxRow.parse(r));
  if (trxs.length === 0) return [];
  const threadIds = trxs.map((t) => t.thread_id).filter((id): id is number => id !== null && id > 0);
  const clients = new Map<number, z.infer<typeof ProcessRow>>();
  let processlistRead = false;
  if (threadIds.length > 0) {
    const found = await optional(() =>
      conn.query<RowDataPacket[]>('SELECT ID, USER, HOST, DB FROM information_schema.PROCESSLIST WHERE ID IN (?)', [
        threadIds,
      ]),
    );
    processlistRead = found !== undefined;
    for (const row of found?.[0] ?? []) {
      const p = ProcessRow.parse(row);
      clients.set(p.ID, p);
    }
  }
  // INNODB_TRX is a cache refreshed at most every 0.1 s: a transaction whose session is gone has ended,
  // unless InnoDB is still rolling it back (that one holds its locks until done, so it stays).
  const live = trxs.filter(
    (t) =>
      !processlistRead ||
      t.thread_id === null ||
      t.thread_id === 0 ||
      clients.has(t.thread_id) ||
      /ROLLING BACK/i.test(t.trx_state),
  );
  return live.map((t) => {
    const client = t.thread_id !== null ? clients.get(t.thread_id) : undefined;
    return {
      id: t.trx_id,
      ageSeconds: t.age,
      threadId: t.thread_id,
      state: t.trx_state,
      query: t.trx_query,
      user: client?.USER ?? null,
      host: client?.HOST ?? null,
      db: client?.DB ?? null,
    };
  });
}

/** The latest deadlock InnoDB reports (SHOW ENGINE INNODB STATUS; needs PROCESS), or null. */
export async function readLatestDeadlock(conn: Conn): Promise<DeadlockInfo | null> {
  const result = await optional(() => conn.query<RowDataPacket[]>('SHOW ENGINE INNODB STATUS'));
  const text = result?.[0]?.[0]?.Status;
  return typeof text === 'string' ? parseLatestDeadlock(text) : null;
}

async function innodbMetrics(conn: Conn): Promise<Map<string, number>> {
  const result = await optional(() =>
    conn.query<RowDataPacket[]>(
      "SELECT NAME, COUNT FROM information_schema.INNODB_METRICS WHERE NAME IN ('lock_deadlocks', 'trx_rseg_history_len')",
    ),
  );
  return new Map((result?.[0] ?? []).map((r) => MetricRow.parse(r)).map((r) => [r.NAME, r.COUNT]));
}

/** Errors that mean "you may not read this", not "the server is gone". */
const NOT_ALLOWED = new Set([
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_ACCESS_DENIED_ERROR',
  'ER_UNKNOWN_TABLE',
  'ER_NO_SUCH_TABLE',
  'ER_BAD_FIELD_ERROR',
]);

/** Run a read that a missing privilege or an older server may refuse; undefined then. */
async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (NOT_ALLOWED.has(errorCode(err) ?? '')) return undefined;
    throw err;
  }
}
