import type { RowDataPacket } from 'mysql2/promise';
import type { Link } from './connections.js';
import { describeError, MigrateError } from './errors.js';

/** When the copy pauses: limits on the source (the server it reads from); null = not watched. */
export interface ThrottleLimits {
  /** Pause while the source, a replica, is more than this many seconds behind its primary. */
  maxReplicaLagSeconds: number | null;
  /** Pause while more than this many threads run on the source (`Threads_running`). */
  maxThreadsRunning: number | null;
  /** How often the source is looked at (and, while paused, looked at again). */
  checkMs: number;
}

export const NO_THROTTLE: ThrottleLimits = { maxReplicaLagSeconds: null, maxThreadsRunning: null, checkMs: 1_000 };

export interface SourceLoad {
  threadsRunning: number;
  /** Seconds behind the primary; null when the source is not a replica; NaN when its replication is stopped. */
  replicaLagSeconds: number | null;
}

/** Reads the source's load (a connection of its own, not the snapshot's). */
export interface LoadProbe {
  read(): Promise<SourceLoad>;
}

/** Why the copy must wait, in words for the thread, or null when it may go on. */
export function overLimit(load: SourceLoad, limits: ThrottleLimits): string | null {
  const lag = load.replicaLagSeconds;
  if (limits.maxReplicaLagSeconds !== null && lag !== null) {
    if (Number.isNaN(lag)) return "the source's replication is stopped (its lag is unknown)";
    if (lag > limits.maxReplicaLagSeconds)
      return `the source's replica lag is ${lag} s (limit ${limits.maxReplicaLagSeconds} s)`;
  }
  if (limits.maxThreadsRunning !== null && load.threadsRunning > limits.maxThreadsRunning)
    return `${load.threadsRunning} ${load.threadsRunning === 1 ? 'thread is' : 'threads are'} running on the source (limit ${limits.maxThreadsRunning})`;
  return null;
}

export function watches(limits: ThrottleLimits): boolean {
  return limits.maxReplicaLagSeconds !== null || limits.maxThreadsRunning !== null;
}

export interface ThrottleEvents {
  onPause?(reason: string): void;
  onResume?(pausedMs: number): void;
}

/**
 * Holds the copy back between chunks while the source is over a limit. Every stream asks `ready()`
 * before it takes a chunk; the source is read at most once per `checkMs` whatever the number of
 * streams; a cancel (the signal) ends a pause at once.
 */
export class Throttle {
  private lastCheck = -Infinity;
  private pending: Promise<void> | null = null;
  private pausedAt: number | null = null;

  constructor(
    private readonly probe: LoadProbe,
    private readonly limits: ThrottleLimits,
    private readonly events: ThrottleEvents = {},
    private readonly signal?: AbortSignal,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Resolves when the copy may take its next chunk. */
  ready(): Promise<void> {
    if (this.clock() - this.lastCheck < this.limits.checkMs) return Promise.resolve();
    this.pending ??= this.check().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async check(): Promise<void> {
    for (;;) {
      this.signal?.throwIfAborted();
      const reason = overLimit(await this.probe.read(), this.limits);
      this.lastCheck = this.clock();
      if (reason === null) {
        if (this.pausedAt !== null) this.events.onResume?.(this.clock() - this.pausedAt);
        this.pausedAt = null;
        return;
      }
      if (this.pausedAt === null) {
        this.pausedAt = this.clock();
        this.events.onPause?.(reason);
      }
      await sleep(this.limits.checkMs, this.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/**
 * `Threads_running` and, when the source is a replica, its `Seconds_Behind_Master` (the largest over
 * its replication channels) — MariaDB's `SHOW ALL SLAVES STATUS`, MySQL's `SHOW REPLICA STATUS`.
 */
export function sqlProbe(link: Link, limits: ThrottleLimits): LoadProbe {
  const query = async (sql: string) => (await link.run(link.db.query<RowDataPacket[]>(sql)))[0];
  let replicaSql: string | null = null;
  return {
    async read() {
      const status = await query("SHOW GLOBAL STATUS LIKE 'Threads_running'");
      const threadsRunning = Number(status[0]?.Value ?? 0);
      if (limits.maxReplicaLagSeconds === null) return { threadsRunning, replicaLagSeconds: null };
      if (replicaSql === null) {
        const [version] = await query('SELECT VERSION() AS v');
        replicaSql = /mariadb/i.test(String(version?.v)) ? 'SHOW ALL SLAVES STATUS' : 'SHOW REPLICA STATUS';
      }
      const channels = await query(replicaSql).catch((err: unknown) => {
        throw new MigrateError(
          `cannot read the source's replica lag for the throttle (${describeError(err)}): grant dbops' user REPLICATION CLIENT (MariaDB: SLAVE MONITOR), or remove migrate.throttle.max_replica_lag_seconds`,
          false,
          { cause: err },
        );
      });
      if (channels.length === 0) return { threadsRunning, replicaLagSeconds: null };
      const lags = channels.map((c) => c.Seconds_Behind_Master ?? c.Seconds_Behind_Source ?? null);
      const replicaLagSeconds = lags.some((l) => l === null) ? Number.NaN : Math.max(...lags.map(Number));
      return { threadsRunning, replicaLagSeconds };
    },
  };
}
