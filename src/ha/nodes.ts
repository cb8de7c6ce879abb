import mysql from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { Cluster, Endpoint } from '../config/schema.js';
import { endpointName, instanceOptions } from '../db/connection-options.js';

/**
 * Connections to the instances of one cluster for a switchover: one of its own per instance, opened
 * when first needed and kept for the whole run (so a session setting or a wait never touches a pool).
 */
export class ClusterNodes {
  private readonly open = new Map<string, Promise<Connection>>();
  private readonly byName = new Map<string, Endpoint>();

  constructor(
    private readonly cluster: Cluster,
    private readonly secrets: NodeJS.ProcessEnv,
    endpoints: readonly Endpoint[],
  ) {
    for (const e of endpoints) this.byName.set(endpointName(e), e);
  }

  endpoint(name: string): Endpoint {
    const found = this.byName.get(name);
    if (!found) throw new Error(`${name} is not an instance of this cluster`);
    return found;
  }

  /** The instance's connection (opened on first use; a broken one is opened again). */
  async conn(name: string): Promise<Connection> {
    let pending = this.open.get(name);
    if (!pending) {
      const opening = mysql.createConnection({
        ...instanceOptions(this.cluster, this.endpoint(name), this.secrets),
        connectTimeout: 3_000,
      });
      pending = opening.then((conn) => {
        conn.once('error', () => this.open.delete(name));
        return conn;
      });
      pending.catch(() => this.open.delete(name));
      this.open.set(name, pending);
    }
    return pending;
  }

  async query<T extends RowDataPacket[]>(name: string, sql: string, values: unknown[] = []): Promise<T> {
    const conn = await this.conn(name);
    try {
      const [rows] = await conn.query<T>(sql, values);
      return rows;
    } catch (err) {
      if (isConnectionError(err)) this.open.delete(name);
      throw err;
    }
  }

  async value(name: string, sql: string, values: unknown[] = []): Promise<unknown> {
    const rows = await this.query<RowDataPacket[]>(name, sql, values);
    const first = rows[0];
    return first ? Object.values(first)[0] : undefined;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map(async (p) => (await p).end()));
  }
}

function isConnectionError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  return ['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(code);
}
