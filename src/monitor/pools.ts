import mysql from 'mysql2/promise';
import type { Pool } from 'mysql2/promise';
import type { Cluster, Endpoint } from '../config/schema.js';
import { endpointName, instanceOptions } from '../db/connection-options.js';
import { own } from '../own.js';

/**
 * The monitors' own connections: one pool per instance (`user@host:port`) holding at most ONE
 * connection, kept open between polls, so a worker polling N instances never holds more than N
 * connections however slow a server is. Separate from the jobs' ClusterPools, so a busy job
 * never starves a poll.
 */
export class MonitorPools {
  private readonly pools = new Map<string, Pool>();

  constructor(
    private readonly clusters: Readonly<Record<string, Cluster>>,
    private readonly secrets: NodeJS.ProcessEnv,
  ) {}

  instance(clusterName: string, endpoint: Endpoint): Pool {
    const cluster = own(this.clusters, clusterName);
    if (!cluster) throw new Error(`cluster '${clusterName}' is not in the config`);
    const key = `${cluster.user}@${endpointName(endpoint)}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = mysql.createPool({
        ...instanceOptions(cluster, endpoint, this.secrets),
        connectionLimit: 1,
        maxIdle: 1,
        idleTimeout: 5 * 60_000,
        enableKeepAlive: true,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  get size(): number {
    return this.pools.size;
  }

  async closeAll(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((p) => p.end()));
  }
}
