import type { Connection, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { readReplication } from '../inventory/probe-instance.js';

/** The replication filters of a replica (SHOW SLAVE STATUS's Replicate_* columns), joined as read. */
const FILTER_COLUMNS = [
  'Replicate_Do_DB',
  'Replicate_Ignore_DB',
  'Replicate_Do_Table',
  'Replicate_Ignore_Table',
  'Replicate_Wild_Do_Table',
  'Replicate_Wild_Ignore_Table',
] as const;

/** What a switchover needs to know about one instance, read in one go (zod: the shape job payloads keep). */
export const NodeFacts = z.strictObject({
  /** `host:port`. */
  name: z.string(),
  reachable: z.boolean(),
  /** Why it could not be read, when it could not. */
  problem: z.string().nullable(),
  readOnly: z.boolean(),
  logBin: z.boolean(),
  logSlaveUpdates: z.boolean(),
  serverId: z.number(),
  /** MariaDB GTID positions (empty on MySQL, which this switchover does not drive). */
  gtidBinlogPos: z.string(),
  gtidSlavePos: z.string(),
  /** Replication as a replica: source `host:port`, threads, lag, whether it uses GTIDs. */
  replication: z
    .strictObject({
      source: z.string(),
      ioRunning: z.boolean(),
      sqlRunning: z.boolean(),
      lagSeconds: z.number().nullable(),
      usingGtid: z.boolean(),
      lastError: z.string(),
    })
    .nullable(),
  /** Replication filters, `column=value` for each non-empty one; compared between replicas. */
  filters: z.array(z.string()),
  connections: z.number(),
  /** Statements per second over the sample (Questions, two reads apart). */
  qps: z.number(),
  /** The oldest open transaction's age (seconds), 0 when none. */
  oldestTransactionSeconds: z.number(),
});
export type NodeFacts = z.infer<typeof NodeFacts>;

export function unreachable(name: string, problem: string): NodeFacts {
  return {
    name,
    reachable: false,
    problem,
    readOnly: false,
    logBin: false,
    logSlaveUpdates: false,
    serverId: 0,
    gtidBinlogPos: '',
    gtidSlavePos: '',
    replication: null,
    filters: [],
    connections: 0,
    qps: 0,
    oldestTransactionSeconds: 0,
  };
}

type Query = Pick<Connection, 'query'>;

/** Read one instance's facts; `sampleMs` apart, two reads of Questions give its QPS. */
export async function readNodeFacts(conn: Query, name: string, sampleMs = 250): Promise<NodeFacts> {
  const [vars] = await conn.query<RowDataPacket[]>(
    `SELECT @@global.read_only AS ro, @@global.log_bin AS log_bin, @@global.log_slave_updates AS lsu,
       @@global.server_id AS server_id, @@global.gtid_binlog_pos AS binlog_pos, @@global.gtid_slave_pos AS slave_pos`,
  );
  const v = vars[0] ?? {};
  const questions = async () => {
    const [rows] = await conn.query<RowDataPacket[]>(
      "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Threads_connected')",
    );
    const by = new Map(rows.map((r) => [String(r.Variable_name), Number(r.Value)]));
    return { questions: by.get('Questions') ?? 0, connections: by.get('Threads_connected') ?? 0, at: Date.now() };
  };
  const first = await questions();
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const second = await questions();
  // Our own two SHOW STATUS count as questions: leave them out.
  const qps = Math.max(0, second.questions - first.questions - 2) / Math.max(0.001, (second.at - first.at) / 1000);
  const [trx] = await conn.query<RowDataPacket[]>(
    'SELECT COALESCE(MAX(TIMESTAMPDIFF(SECOND, trx_started, NOW())), 0) AS oldest FROM information_schema.innodb_trx WHERE trx_mysql_thread_id <> CONNECTION_ID()',
  );
  const { status } = await readReplication(conn);
  const [slaveRows] = await conn.query<RowDataPacket[]>('SHOW SLAVE STATUS');
  const slave = slaveRows[0];
  const filters = slave
    ? FILTER_COLUMNS.filter((c) => String(slave[c] ?? '') !== '').map((c) => `${c}=${String(slave[c])}`)
    : [];
  return {
    name,
    reachable: true,
    problem: null,
    readOnly: Number(v.ro) === 1,
    logBin: Number(v.log_bin) === 1,
    logSlaveUpdates: Number(v.lsu) === 1,
    serverId: Number(v.server_id),
    gtidBinlogPos: String(v.binlog_pos ?? ''),
    gtidSlavePos: String(v.slave_pos ?? ''),
    replication: status
      ? {
          source: status.source,
          ioRunning: status.ioRunning,
          sqlRunning: status.sqlRunning,
          lagSeconds: status.lagSeconds,
          usingGtid: slave ? String(slave.Using_Gtid ?? 'No') !== 'No' : false,
          lastError: status.lastError,
        }
      : null,
    filters,
    connections: second.connections,
    qps: Math.round(qps * 10) / 10,
    oldestTransactionSeconds: Number(trx[0]?.oldest ?? 0),
  };
}
