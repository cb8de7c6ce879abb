import mysql from 'mysql2/promise';
import type { Redis } from 'ioredis';
import { type DbopsConfig, haSettings } from '../config/schema.js';
import { endpointName, instanceOptions } from '../db/connection-options.js';
import { explainConnectError } from '../inventory/probe-instance.js';
import type { Logger } from '../kernel/logger.js';
import { messageOf } from '../kernel/errors.js';

/**
 * Failure detection: a primary is declared down only when at least `ha.down_observers` observers
 * (worker processes, each with its own id; on different hosts when there are) failed to reach it
 * within `ha.down_window_seconds`. Each observation is a member of a Redis sorted set under the
 * installation's prefix (`<prefix>`, then `ha`, `unreachable`, cluster and `host:port`, joined by colons, scored by time); the
 * first observer to see enough of them takes the declaration (SET NX), so it is declared once.
 * Only clusters with an `ha:` section are watched.
 */

export interface PrimaryDown {
  cluster: string;
  primary: string;
  /** The observers that failed to reach it within the window, and what the last one saw. */
  observers: string[];
  problem: string;
  windowSeconds: number;
}

export type Observation =
  | { status: 'up' }
  | { status: 'suspect'; observers: string[]; needed: number; problem: string }
  | { status: 'down'; observers: string[]; declaredHere: boolean; problem: string };

export interface FailureDetectorDeps {
  config: Pick<DbopsConfig, 'clusters'>;
  redis: Redis;
  /** The installation's Redis prefix (`installationPrefix`). */
  prefix: string;
  /** This observer's id: host and process, unique per worker process. */
  observer: string;
  secrets: NodeJS.ProcessEnv;
  logger: Logger;
  /** Called once per declaration: raise the alert, propose the candidate (or fail over, `ha.auto_failover`). */
  onDown(down: PrimaryDown): Promise<void>;
  /**
   * Called when this observer reaches the cluster's primary and no observer failed to within the
   * window — on a change, on its first observation, and once a minute while it stays so: the primary
   * answers again, or a failover made another one the primary. A primary-down alert still open ends here.
   */
  onUp?(cluster: string, primary: string): Promise<void>;
  now?: () => number;
}

export type FailureDetector = ReturnType<typeof createFailureDetector>;

/** How often `onUp` is told again of a primary that stays reachable. */
const RETELL_UP_MS = 60_000;

export function createFailureDetector(deps: FailureDetectorDeps) {
  const now = deps.now ?? Date.now;
  const key = (kind: string, cluster: string, primary: string) => [deps.prefix, 'ha', kind, cluster, primary].join(':');
  /** This observer's last verdict per cluster and primary, and when `onUp` was last told. */
  const reached = new Map<string, boolean>();
  const toldUp = new Map<string, number>();

  async function reach(cluster: string): Promise<string | null> {
    const c = deps.config.clusters[cluster];
    if (!c) return null;
    let conn: mysql.Connection | undefined;
    try {
      conn = await mysql.createConnection({ ...instanceOptions(c, c.primary, deps.secrets), connectTimeout: 2_000 });
      await conn.query('SELECT 1');
      return null;
    } catch (err) {
      return explainConnectError(err, c, c.primary, deps.secrets);
    } finally {
      await conn?.end().catch(() => undefined);
    }
  }

  /** One observation of the cluster's primary by this observer, and the verdict of all observers. */
  async function observe(cluster: string): Promise<Observation> {
    const c = deps.config.clusters[cluster];
    if (!c) return { status: 'up' };
    const settings = haSettings(c);
    const primary = endpointName(c.primary);
    const set = key('unreachable', cluster, primary);
    const problem = await reach(cluster);
    const at = now();
    const seen = `${cluster}|${primary}`;
    const before = reached.get(seen);
    reached.set(seen, problem === null);
    if (problem === null) {
      const [, left] = (await deps.redis.multi().zrem(set, deps.observer).zcard(set).exec()) ?? [];
      // Another observer still fails to reach it (a partition?): not over yet.
      if (Number(left?.[1] ?? 0) > 0) return { status: 'up' };
      // Nobody fails to reach it any more: a later failure is a new one, declared again.
      await deps.redis.del(key('declared', cluster, primary));
      // Told on a change, and again every minute: an alert raised just after this observer's change
      // (another worker's late declaration) still ends.
      if (before !== true || at - (toldUp.get(seen) ?? 0) >= RETELL_UP_MS) {
        toldUp.set(seen, at);
        await deps.onUp?.(cluster, primary);
      }
      return { status: 'up' };
    }
    const windowMs = settings.down_window_seconds * 1000;
    const results = await deps.redis
      .multi()
      .zadd(set, at, deps.observer)
      .zremrangebyscore(set, '-inf', at - windowMs)
      .zrange(set, '0', '-1')
      .pexpire(set, windowMs * 2)
      .exec();
    const observers = (results?.[2]?.[1] as string[] | undefined) ?? [deps.observer];
    if (observers.length < settings.down_observers)
      return { status: 'suspect', observers, needed: settings.down_observers, problem };
    const declared = await deps.redis.set(key('declared', cluster, primary), deps.observer, 'PX', windowMs * 20, 'NX');
    const declaredHere = declared === 'OK';
    if (declaredHere) {
      deps.logger.warn('primary declared down', { cluster, primary, observers });
      await deps.onDown({ cluster, primary, observers, problem, windowSeconds: settings.down_window_seconds });
    }
    return { status: 'down', observers, declaredHere, problem };
  }

  /** Watch every cluster with an `ha:` section every `seconds` (production; tests call `observe`). */
  function watch(seconds: number): () => void {
    const timer = setInterval(() => {
      for (const [name, c] of Object.entries(deps.config.clusters)) {
        if (!c.ha) continue;
        observe(name).catch((err: unknown) =>
          deps.logger.warn('failure detection failed', { cluster: name, error: messageOf(err) }),
        );
      }
    }, seconds * 1000);
    timer.unref();
    return () => clearInterval(timer);
  }

  return { observe, watch };
}
