import type { Pool } from 'mysql2/promise';
import type { DbopsConfig } from '../config/schema.js';
import { endpointName } from '../db/connection-options.js';
import type { ClusterPools } from '../db/pools.js';
import { schemaNames } from '../db/schema/schemata.js';
import { readServerFlavor } from '../db/schema/server-flavor.js';
import { DbopsError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import { GB } from '../kernel/format.js';
import { MonitorStore } from '../monitor/monitor-store.js';
import { closest } from '../text/closest.js';
import { adviseIndex, type IndexAdvice } from './index-advice.js';
import { readSpace, type SpaceReport } from './space.js';
import { readSlow, type Digest, type Since, type SlowRead } from './slow.js';
import type { ReviewReport } from '../review/types.js';
import { diagnosisFault } from './faults.js';
import { killThread } from './kill.js';
import { KillLog } from './kill-log.js';
import { PROCESS_GRANT, readTop } from './top.js';
import type { KillOutcome, KillRequest, TopSnapshot } from './types.js';

const ER_KILL_DENIED = 1095;
const KILL_GRANT =
  "GRANT CONNECTION ADMIN ON *.* (MariaDB 10.5+; SUPER before) or CONNECTION_ADMIN (MySQL 8) to the cluster's user, to kill other users' threads.";

export interface DiagnosticsDeps {
  /** The process's cluster pools (src/db/pools.ts): diagnosis reads on the requests' lane. */
  pools: Pick<ClusterPools, 'cluster' | 'primary' | 'replicaOrPrimary' | 'dedicatedReplicaOrPrimary'>;
  /** The meta database (the kill log). */
  meta: Pool;
  clock: { now(): Date };
  logger: Logger;
  /** Schema size limits and how far back the monitor's size history goes (monitors.schema_size). */
  config: Pick<DbopsConfig, 'monitors'>;
  /** The review engine (src/review/service.ts): a digest's sample is reviewed and EXPLAINed on the replica. */
  review?: (sql: string, target: { cluster: string; schema: string }) => Promise<ReviewReport>;
}

/** Digests reviewed (and EXPLAINed) of the ones listed. */
export const DIGESTS_REVIEWED = 5;

export interface DigestReview {
  /** The review's grade and findings; null when the digest could not be reviewed against its schema (`why`). */
  report: ReviewReport | null;
  why?: string;
  /** EXPLAIN on the replica and the index it suggests (absent when the digest has no sample or schema). */
  advice?: IndexAdvice;
}

export type SlowReport = SlowRead & { cluster: string; schema: string | null; since: Since; reviews: DigestReview[] };

export type Diagnostics = ReturnType<typeof createDiagnostics>;

/**
 * "Why is the database slow right now?": what runs on a cluster's primary, who blocks whom, and
 * Kill for DBAs (the caller checks who may: src/tickets/policy.ts). Talks to targets only through
 * the shared pools, never to Slack.
 */
export function createDiagnostics(deps: DiagnosticsDeps) {
  const { pools } = deps;
  const killLog = new KillLog(deps.meta);
  const monitorStore = new MonitorStore(deps.meta);

  function primaryOf(cluster: string): { pool: Pool; instance: string; where: string } {
    const instance = endpointName(pools.cluster(cluster).primary);
    return { pool: pools.primary(cluster), instance, where: `${cluster}'s primary (${instance})` };
  }

  /** What runs now on the cluster's primary. */
  async function top(cluster: string): Promise<TopSnapshot> {
    const { pool, instance, where } = primaryOf(cluster);
    try {
      return await readTop(pool, { cluster, instance }, deps.clock.now);
    } catch (err) {
      throw diagnosisFault(err, where, PROCESS_GRANT);
    }
  }

  /**
   * Kill a thread (or its query) seen by `top`, once: the first click claims the kill in the audit
   * log, later ones (concurrent or not) are told who was first. A thread that moved on is not killed.
   */
  async function kill(request: KillRequest): Promise<KillOutcome> {
    const { pool, instance, where } = primaryOf(request.cluster);
    if (instance !== request.instance)
      return {
        kind: 'refused',
        reason: `${request.cluster}'s primary is ${instance} now, not ${request.instance} as when this was read: run /dbops top again.`,
      };
    const claim = await killLog.claim(request, deps.clock.now());
    if (!claim.ok) return { kind: 'duplicate', by: claim.by, at: claim.at, outcome: claim.outcome };
    try {
      const result = await killThread(pool, await readServerFlavor(pool), request);
      if (result.kind === 'ended') {
        await killLog.finish(claim.id, 'ended', deps.clock.now(), result.reason, result.session);
        return { kind: 'ended', reason: result.reason };
      }
      await killLog.finish(claim.id, 'killed', deps.clock.now(), null, result.session);
      deps.logger.info('thread killed from top', {
        cluster: request.cluster,
        instance,
        thread: request.threadId,
        kind: request.kind,
        actor: request.actor,
      });
      return { kind: 'killed', session: result.session };
    } catch (err) {
      const fault =
        typeof err === 'object' && err !== null && 'errno' in err && err.errno === ER_KILL_DENIED
          ? new DbopsError(
              'forbidden',
              `dbops' user on ${where} may not kill thread ${request.threadId}: ${KILL_GRANT}`,
            )
          : diagnosisFault(err, where, KILL_GRANT);
      await killLog
        .finish(claim.id, 'failed', deps.clock.now(), fault instanceof Error ? fault.message : 'failed')
        .catch((e: unknown) => deps.logger.error('could not record a failed kill', { id: claim.id }, e));
      throw fault;
    }
  }

  /** The biggest schemas and tables on the primary, growth from the monitor's samples, days to the limits. */
  async function space(cluster: string, schema?: string): Promise<SpaceReport> {
    const { pool, where } = primaryOf(cluster);
    const settings = deps.config.monitors.schema_size;
    try {
      if (schema !== undefined) await requireSchema(pool, `${cluster}`, schema);
      const since = new Date(deps.clock.now().getTime() - settings.history_days * 86_400_000);
      const [history, tableHistory] = await Promise.all([
        monitorStore.sizeHistory(cluster, since),
        monitorStore.tableSizeHistory(cluster, since),
      ]);
      return await readSpace(pool, {
        cluster,
        schema,
        diskBytes: pools.cluster(cluster).disk_bytes,
        history,
        tableHistory,
        limitOf: (name) => {
          const gb = settings.limits_gb[`${cluster}.${name}`] ?? settings.limit_gb;
          return gb === undefined ? null : gb * GB;
        },
      });
    } catch (err) {
      throw diagnosisFault(
        err,
        where,
        "GRANT SELECT on the schemas (information_schema shows only the tables dbops' user may see).",
      );
    }
  }

  /** The top statement digests by total time, the first ones reviewed and EXPLAINed against their schema. */
  async function slow(cluster: string, schema: string | undefined, since: Since): Promise<SlowReport> {
    const { pool, where } = primaryOf(cluster);
    let read: SlowRead;
    try {
      if (schema !== undefined) await requireSchema(pool, cluster, schema);
      read = await readSlow(pool, { schema, since, flavor: await readServerFlavor(pool) });
    } catch (err) {
      throw diagnosisFault(
        err,
        where,
        "GRANT SELECT ON performance_schema.* (digests) or SELECT ON mysql.slow_log (the slow log table) to the cluster's user.",
      );
    }
    const reviews = read.ok
      ? await Promise.all(read.digests.slice(0, DIGESTS_REVIEWED).map((d) => reviewDigest(cluster, d)))
      : [];
    return { ...read, cluster, schema: schema ?? null, since, reviews };
  }

  async function reviewDigest(cluster: string, digest: Digest): Promise<DigestReview> {
    if (digest.sample === null)
      return { report: null, why: 'the server keeps only the normalised text (no values), which cannot be EXPLAINed' };
    if (digest.schema === null)
      return { report: null, why: 'it ran without a default schema, so its tables cannot be resolved' };
    const { sample, schema } = digest;
    const [report, advice] = await Promise.all([
      reviewSample(cluster, schema, sample),
      adviseIndex(sample, schema, {
        pool: pools.replicaOrPrimary(cluster),
        openSession: () => pools.dedicatedReplicaOrPrimary(cluster),
      }).catch((err: unknown): IndexAdvice => {
        deps.logger.warn('could not EXPLAIN a slow digest', { cluster, schema }, err);
        return { kind: 'none', why: 'EXPLAIN could not run (logged)' };
      }),
    ]);
    return { ...report, advice };
  }

  async function reviewSample(cluster: string, schema: string, sample: string): Promise<Omit<DigestReview, 'advice'>> {
    if (!deps.review) return { report: null, why: 'no review engine in this process' };
    try {
      return { report: await deps.review(sample, { cluster, schema }) };
    } catch (err) {
      deps.logger.warn('could not review a slow digest', { cluster, schema }, err);
      return { report: null, why: err instanceof DbopsError ? err.message : 'the review failed (logged)' };
    }
  }

  return { top, kill, space, slow };
}

async function requireSchema(pool: Pool, cluster: string, schema: string): Promise<void> {
  const names = await schemaNames(pool);
  if (names.includes(schema)) return;
  const hint = closest(schema, names);
  throw new DbopsError(
    'not_found',
    `schema \`${schema}\` is not on ${cluster}${hint ? ` — did you mean \`${hint}\`?` : ''}`,
  );
}
