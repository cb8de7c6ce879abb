import mysql from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { Cluster, Endpoint } from '../config/schema.js';
import { endpointName, instanceOptions } from '../db/connection-options.js';
import { messageOf } from '../kernel/errors.js';

export interface ReplicationStatus {
  source: string;
  ioRunning: boolean;
  sqlRunning: boolean;
  /** Seconds behind the source; null when the server does not know (threads stopped). */
  lagSeconds: number | null;
  lastError: string;
  lastIoError: string;
  lastSqlError: string;
  /** The replica's own configured delay (SQL_Delay / MASTER_DELAY), seconds; 0 when none. */
  sqlDelaySeconds: number;
}

export interface InstanceFacts {
  version: string;
  flavor: 'mysql' | 'mariadb';
  readOnly: boolean;
  /** Replication as a replica of another server; null when it replicates from nobody. */
  replication: ReplicationStatus | null;
  /** Null when the account may not read replica status. */
  replicationReadable: boolean;
  latencyMs: number;
}

export type ProbeResult = { ok: true; facts: InstanceFacts } | { ok: false; problem: string };

/** Connect to one instance and read what it really is: version, read_only, replica status, latency. */
export async function probeInstance(
  cluster: Cluster,
  endpoint: Endpoint,
  secrets: NodeJS.ProcessEnv,
): Promise<ProbeResult> {
  let conn: Connection | undefined;
  try {
    conn = await mysql.createConnection(instanceOptions(cluster, endpoint, secrets));
    const started = process.hrtime.bigint();
    await conn.query('SELECT 1');
    const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
    const [rows] = await conn.query<RowDataPacket[]>('SELECT VERSION() AS version, @@global.read_only AS ro');
    const version = String(rows[0]?.version ?? '');
    const { status, readable } = await readReplication(conn);
    return {
      ok: true,
      facts: {
        version,
        flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql',
        readOnly: Number(rows[0]?.ro) === 1,
        replication: status,
        replicationReadable: readable,
        latencyMs,
      },
    };
  } catch (err) {
    return { ok: false, problem: explainConnectError(err, cluster, endpoint, secrets) };
  } finally {
    await conn?.end().catch(() => undefined);
  }
}

/** Replica status of the server `conn` talks to (SHOW REPLICA STATUS, or SHOW SLAVE STATUS on older servers). */
export async function readReplication(
  conn: Pick<Connection, 'query'>,
): Promise<{ status: ReplicationStatus | null; readable: boolean }> {
  for (const sql of ['SHOW REPLICA STATUS', 'SHOW SLAVE STATUS']) {
    try {
      const [rows] = await conn.query<RowDataPacket[]>(sql);
      const row = rows[0];
      return { status: row ? toReplication(row) : null, readable: true };
    } catch (err) {
      if (errorCode(err) === 'ER_PARSE_ERROR') continue;
      return { status: null, readable: false };
    }
  }
  return { status: null, readable: false };
}

function toReplication(row: RowDataPacket): ReplicationStatus {
  const pick = (...keys: string[]) => keys.map((k) => row[k]).find((v) => v !== undefined);
  const lag = pick('Seconds_Behind_Source', 'Seconds_Behind_Master');
  return {
    source: `${pick('Source_Host', 'Master_Host') ?? '?'}:${pick('Source_Port', 'Master_Port') ?? '?'}`,
    ioRunning: String(pick('Replica_IO_Running', 'Slave_IO_Running')) === 'Yes',
    sqlRunning: String(pick('Replica_SQL_Running', 'Slave_SQL_Running')) === 'Yes',
    lagSeconds: lag === null || lag === undefined ? null : Number(lag),
    lastError: String(pick('Last_Error', 'Last_SQL_Error', 'Last_IO_Error') ?? ''),
    lastIoError: String(pick('Last_IO_Error') ?? ''),
    lastSqlError: String(pick('Last_SQL_Error') ?? ''),
    sqlDelaySeconds: Number(pick('SQL_Delay') ?? 0) || 0,
  };
}

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** A connection failure in words a DBA can act on; never includes the password. */
export function explainConnectError(
  err: unknown,
  cluster: Cluster,
  endpoint: Endpoint,
  secrets: NodeJS.ProcessEnv,
): string {
  const where = endpointName(endpoint);
  switch (errorCode(err)) {
    case 'ECONNREFUSED':
      return `unreachable: connection refused at ${where} (is the server running, and is the port right?)`;
    case 'ETIMEDOUT':
      return `unreachable: no answer from ${where} within 5 s (firewall, wrong host, or server overloaded)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `unreachable: host '${endpoint.host}' not found in DNS`;
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return `access denied for user '${cluster.user}' at ${where}: wrong password? ${passwordHint(cluster, secrets)}`;
    case 'ER_HOST_NOT_PRIVILEGED':
      return `${where} does not let user '${cluster.user}' connect from this host (grant it for this host)`;
    default: {
      const message = messageOf(err);
      return `cannot connect to ${where}: ${message.replaceAll(secretOf(cluster, secrets) || '\u0000', '***')}`;
    }
  }
}

function passwordHint(cluster: Cluster, secrets: NodeJS.ProcessEnv): string {
  if (!cluster.password_env) return 'No password_env is set for this cluster, so dbops connects without a password.';
  return secrets[cluster.password_env]
    ? `The password comes from env ${cluster.password_env}.`
    : `env ${cluster.password_env} is not set.`;
}

function secretOf(cluster: Cluster, secrets: NodeJS.ProcessEnv): string {
  return cluster.password_env ? (secrets[cluster.password_env] ?? '') : '';
}
