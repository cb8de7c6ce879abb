import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/replica.sh', import.meta.url));

export interface ReplicaSet {
  primary: { host: string; port: number };
  replica: { host: string; port: number };
  /** Run SQL on the primary or the replica as root (a new connection each time). */
  sql(node: 'primary' | 'replica', statement: string, params?: unknown[]): Promise<unknown>;
  /** `scripts/replica.sh start` again: restarts what is down, restarts replication, waits until it caught up. */
  start(): Promise<void>;
  /** SIGKILL the replica's server. */
  killReplica(): Promise<void>;
  /** Shut both down (datadirs kept for the next run). */
  stop(): Promise<void>;
}

/**
 * A MariaDB primary on `port` and its replica on `port + 1`, started by scripts/replica.sh (each test
 * file uses its own name and ports, so files running in parallel never disturb each other).
 */
export async function startReplicaSet(name: string, port: number): Promise<ReplicaSet> {
  const script = (...args: string[]) =>
    run('bash', [SCRIPT, ...args, '--name', name, '--port', String(port)], { timeout: 180_000 });
  await script('start');
  const endpoint = (p: number) => ({ host: '127.0.0.1', port: p });
  return {
    primary: endpoint(port),
    replica: endpoint(port + 1),
    async sql(node, statement, params = []) {
      const conn = await mysql.createConnection({
        host: '127.0.0.1',
        port: node === 'primary' ? port : port + 1,
        user: 'root',
        multipleStatements: false,
      });
      try {
        const [rows] = await conn.query(statement, params);
        return rows;
      } finally {
        await conn.end();
      }
    },
    start: async () => void (await script('start')),
    killReplica: async () => void (await script('kill-replica')),
    stop: async () => void (await script('stop')),
  };
}
