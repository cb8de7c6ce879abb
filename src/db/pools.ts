import mysql from 'mysql2/promise';
import type { Connection, Pool } from 'mysql2/promise';
import type { Cluster, Endpoint } from '../config/schema.js';
import { DbopsError } from '../errors.js';
import { endpointName, instanceOptions } from './connection-options.js';
import { own } from '../own.js';

/** Connections per instance pool: review and jobs need a few, never many. */
const DEFAULT_CONNECTION_LIMIT = 4;

export interface ClusterPoolsOptions {
  /** Where `password_env` names are looked up (process.env in production). */
  secrets: NodeJS.ProcessEnv;
  /** Connections per instance pool (default 4). */
  connectionLimit?: number;
}

/**
 * mysql2 pools for the instances of the configured clusters, opened on first use and kept one per
 * instance (`host:port` and user), so the review, jobs and monitors share them. `closeAll()` ends
 * them all (on shutdown, or at the end of a CLI run).
 *
 * Pools have no default schema, and a pooled connection keeps whatever schema its last user chose
 * with USE (the EXPLAIN probe does): qualify names or USE the schema you need on each checkout.
 * A caller that changes other session state (foreign_key_checks, sql_mode, …) must destroy the
 * connection instead of releasing it, as the shadow check does.
 */
export class ClusterPools {
  private readonly pools = new Map<string, Pool>();
  private closed = false;

  constructor(
    private readonly clusters: Readonly<Record<string, Cluster>>,
    private readonly options: ClusterPoolsOptions,
  ) {}

  /** The cluster's definition; throws a DbopsError naming the known clusters when missing. */
  cluster(name: string): Cluster {
    const cluster = own(this.clusters, name);
    if (!cluster) {
      throw new DbopsError(
        'not_found',
        `cluster '${name}' is not in the config (known: ${Object.keys(this.clusters).join(', ') || 'none'})`,
      );
    }
    return cluster;
  }

  /** Pool of the cluster's primary (writes, DDL, the scratch server of the shadow check). */
  primary(name: string): Pool {
    const cluster = this.cluster(name);
    return this.pool(cluster, cluster.primary);
  }

  /** Pool of the cluster's first replica, or undefined when it has none. */
  replica(name: string): Pool | undefined {
    const cluster = this.cluster(name);
    const endpoint = cluster.replicas[0];
    return endpoint ? this.pool(cluster, endpoint) : undefined;
  }

  /** Reads, EXPLAIN and information_schema go to a replica when the cluster has one. */
  replicaOrPrimary(name: string): Pool {
    return this.replica(name) ?? this.primary(name);
  }

  /**
   * A connection of its own to the cluster's first replica (its primary when it has none), outside
   * the pools: for work whose session must not be shared with anything else, before or after (the
   * review's EXPLAIN session). The caller ends it.
   */
  async dedicatedReplicaOrPrimary(name: string): Promise<Connection> {
    if (this.closed) throw new DbopsError('internal', 'the cluster pools are closed');
    const cluster = this.cluster(name);
    return mysql.createConnection(
      instanceOptions(cluster, cluster.replicas[0] ?? cluster.primary, this.options.secrets),
    );
  }

  /** End every pool; the object can't be used afterwards. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((p) => p.end()));
  }

  private pool(cluster: Cluster, endpoint: Endpoint): Pool {
    if (this.closed) throw new DbopsError('internal', 'the cluster pools are closed');
    const key = `${cluster.user}@${endpointName(endpoint)}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = mysql.createPool({
        ...instanceOptions(cluster, endpoint, this.options.secrets),
        connectionLimit: this.options.connectionLimit ?? DEFAULT_CONNECTION_LIMIT,
        maxIdle: 1,
        idleTimeout: 60_000,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }
}
