import mysql from 'mysql2/promise';
import type { Connection, Pool, PoolOptions } from 'mysql2/promise';
import type { Cluster, Endpoint } from '../config/schema.js';
import { DbopsError } from '../kernel/errors.js';
import { endpointName, instanceOptions } from './connection-options.js';
import { own } from '../own.js';

/**
 * What a pool is for. Each lane has its own pool per instance, so work in one never waits for a
 * connection held in another: a migration's copy may hold every connection of the jobs' pool for
 * minutes while a review still reads its catalog, and a busy job never starves a monitor poll.
 */
export type PoolLane = 'requests' | 'jobs' | 'monitor';

type LaneOptions = Pick<PoolOptions, 'connectionLimit' | 'maxIdle' | 'idleTimeout' | 'enableKeepAlive'>;

const LANES: Readonly<Record<PoolLane, LaneOptions>> = {
  /** The bot's reads: review catalogs and EXPLAIN, migrate checks, `/dbops meta`, rollback plans. A few, never many. */
  requests: { connectionLimit: 4, maxIdle: 1, idleTimeout: 60_000 },
  /** Ticket jobs (the runner's): statements, backups, a migration's copy. */
  jobs: { connectionLimit: 4, maxIdle: 1, idleTimeout: 60_000 },
  /**
   * Monitor polls: at most ONE connection per instance, kept open between polls, so a worker
   * polling N instances never holds more than N connections however slow a server is.
   */
  monitor: { connectionLimit: 1, maxIdle: 1, idleTimeout: 5 * 60_000, enableKeepAlive: true },
};

export interface ClusterPoolsOptions {
  /** Where `password_env` names are looked up (process.env in production). */
  secrets: NodeJS.ProcessEnv;
}

/** One lane's pools as a job or a service sees them. */
export interface ClusterLane {
  /** The cluster's definition; throws a DbopsError naming the known clusters when missing. */
  cluster(name: string): Cluster;
  /** Pool of the cluster's primary (writes, DDL, the scratch server of the shadow check). */
  primary(name: string): Pool;
  /** Pool of the cluster's first replica, or undefined when it has none. */
  replica(name: string): Pool | undefined;
  /** Reads, EXPLAIN and information_schema go to a replica when the cluster has one. */
  replicaOrPrimary(name: string): Pool;
}

/**
 * The mysql2 pools of a process for the instances of the configured clusters: created once per
 * process by src/wiring, shared by everything that talks to a cluster, and closed once at stop.
 * Pools open on first use, one per instance (`host:port` and user) and lane (see PoolLane): the
 * object itself is the `requests` lane, `jobs` the runner's, `instance()` the monitor's.
 *
 * Pools have no default schema, and a pooled connection keeps whatever schema its last user chose
 * with USE (the EXPLAIN probe does): qualify names or USE the schema you need on each checkout.
 * A caller that changes other session state (foreign_key_checks, sql_mode, …) must destroy the
 * connection instead of releasing it, as the shadow check does.
 */
export class ClusterPools implements ClusterLane {
  private readonly pools = new Map<string, Pool>();
  private closed = false;
  /** The ticket jobs' pools (the runner hands them to each job as `ctx.clusters`). */
  readonly jobs: ClusterLane = this.lane('jobs');

  constructor(
    private readonly clusters: Readonly<Record<string, Cluster>>,
    private readonly options: ClusterPoolsOptions,
  ) {}

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

  primary(name: string): Pool {
    return this.lanePool('requests', name, 'primary');
  }

  replica(name: string): Pool | undefined {
    return this.lanePool('requests', name, 'replica');
  }

  replicaOrPrimary(name: string): Pool {
    return this.replica(name) ?? this.primary(name);
  }

  /** The monitor's pool of one instance of the cluster: at most one connection (PoolLane `monitor`). */
  instance(clusterName: string, endpoint: Endpoint): Pool {
    return this.pool('monitor', this.cluster(clusterName), endpoint);
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

  /** The number of pools open now (every lane). */
  get size(): number {
    return this.pools.size;
  }

  /** End every pool; the object can't be used afterwards. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((p) => p.end()));
  }

  private lane(lane: PoolLane): ClusterLane {
    return {
      cluster: (name) => this.cluster(name),
      primary: (name) => this.lanePool(lane, name, 'primary'),
      replica: (name) => this.lanePool(lane, name, 'replica'),
      replicaOrPrimary: (name) => this.lanePool(lane, name, 'replica') ?? this.lanePool(lane, name, 'primary'),
    };
  }

  private lanePool(lane: PoolLane, name: string, role: 'primary'): Pool;
  private lanePool(lane: PoolLane, name: string, role: 'replica'): Pool | undefined;
  private lanePool(lane: PoolLane, name: string, role: 'primary' | 'replica'): Pool | undefined {
    const cluster = this.cluster(name);
    const endpoint = role === 'primary' ? cluster.primary : cluster.replicas[0];
    return endpoint ? this.pool(lane, cluster, endpoint) : undefined;
  }

  private pool(lane: PoolLane, cluster: Cluster, endpoint: Endpoint): Pool {
    if (this.closed) throw new DbopsError('internal', 'the cluster pools are closed');
    const key = `${lane} ${cluster.user}@${endpointName(endpoint)}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = mysql.createPool({ ...instanceOptions(cluster, endpoint, this.options.secrets), ...LANES[lane] });
      this.pools.set(key, pool);
    }
    return pool;
  }
}
