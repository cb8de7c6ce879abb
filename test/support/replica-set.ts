import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql, { type RowDataPacket } from 'mysql2/promise';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/replica.sh', import.meta.url));

export type ReplicaNode = 'primary' | 'replica' | 'replica2';

export interface ReplicaSet {
  primary: { host: string; port: number };
  replica: { host: string; port: number };
  /** The second replica (`replicas: 2` only). */
  replica2: { host: string; port: number };
  /** Run SQL on a node as root (a new connection each time). Nodes are named as started: after a switchover `primary` may be a replica. */
  sql(node: ReplicaNode, statement: string, params?: unknown[]): Promise<unknown>;
  /** The node's `SHOW SLAVE STATUS` row; undefined when it replicates from nobody. */
  slaveStatus(node: ReplicaNode): Promise<RowDataPacket | undefined>;
  /** `scripts/replica.sh start` again: restarts what is down, restarts replication, waits until it caught up. */
  start(): Promise<void>;
  /** SIGKILL the replica's server. */
  killReplica(): Promise<void>;
  /** SIGKILL the primary's server. */
  killPrimary(): Promise<void>;
  /** SIGKILL one node's server, whatever role it has now. */
  kill(node: ReplicaNode): Promise<void>;
  /** Shut every node down (datadirs kept for the next run). */
  stop(): Promise<void>;
  /** Shut every node down and delete the datadirs. */
  cleanup(): Promise<void>;
}

/**
 * A MariaDB primary on `port` and its replica on `port + 1` (with `replicas: 2`, a second one on
 * `port + 2`, every node promotable), started by scripts/replica.sh (each test file uses its own name
 * and ports, so files running in parallel never disturb each other).
 */
export async function startReplicaSet(
  name: string,
  port: number,
  options: { replicas?: 1 | 2; fresh?: boolean; slaveNetTimeout?: number } = {},
): Promise<ReplicaSet> {
  const script = (...args: string[]) =>
    run('bash', [SCRIPT, ...args, '--name', name, '--port', String(port)], { timeout: 180_000 });
  // A fresh set: whatever an interrupted run left (a switched topology, a killed node) is deleted first.
  if (options.fresh) await script('cleanup');
  await script(
    'start',
    '--replicas',
    String(options.replicas ?? 1),
    ...(options.slaveNetTimeout ? ['--slave-net-timeout', String(options.slaveNetTimeout)] : []),
  );
  const endpoint = (p: number) => ({ host: '127.0.0.1', port: p });
  const offset: Record<ReplicaNode, number> = { primary: 0, replica: 1, replica2: 2 };
  const sql = async (node: ReplicaNode, statement: string, params: unknown[] = []): Promise<unknown> => {
    const conn = await mysql.createConnection({
      host: '127.0.0.1',
      port: port + offset[node],
      user: 'root',
      multipleStatements: false,
    });
    try {
      const [rows] = await conn.query(statement, params);
      return rows;
    } finally {
      await conn.end();
    }
  };
  return {
    primary: endpoint(port),
    replica: endpoint(port + 1),
    replica2: endpoint(port + 2),
    sql,
    slaveStatus: async (node) => ((await sql(node, 'SHOW SLAVE STATUS')) as RowDataPacket[])[0],
    start: async () => void (await script('start')),
    killReplica: async () => void (await script('kill-replica')),
    killPrimary: async () => void (await script('kill-primary')),
    kill: async (node) => void (await script('kill-node', node)),
    stop: async () => void (await script('stop')),
    cleanup: async () => void (await script('cleanup')),
  };
}
